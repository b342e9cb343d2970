/**
 * The time bar: the projects in view, counted per year they are active (the years the year filter
 * keeps them for: see years.ts), under a from/to year range. Counted from the years the
 * neighbourhoods already carry: what the bar shows is what is drawn, and it costs no request.
 */

import type { YearCount } from "./years";


export function drawTimebar(svg: SVGSVGElement, counts: YearCount[], from: number | null, to: number | null): void {
  const width = svg.clientWidth || 600;
  const height = svg.clientHeight || 44;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  if (!counts.length) {
    svg.innerHTML = `<text x="4" y="${height / 2}" font-size="11" fill="#5b6775">No dated projects in view.</text>`;
    return;
  }
  const max = Math.max(...counts.map((c) => c.active), 1);
  const slot = width / counts.length;
  svg.innerHTML = counts.map((c, i) => {
    const h = Math.max(2, ((height - 14) * c.active) / max);
    const inRange = (from === null || c.year >= from) && (to === null || c.year <= to);
    return `<g><title>${c.year}: ${c.active} active, ${c.started} started</title>
      <rect x="${i * slot + 1}" y="${height - 12 - h}" width="${Math.max(1, slot - 2)}" height="${h}" fill="${inRange ? "#1f6fb2" : "#c9d0d8"}"/>
      ${counts.length <= 30 || i % Math.ceil(counts.length / 15) === 0 ? `<text x="${i * slot + slot / 2}" y="${height - 1}" font-size="10" text-anchor="middle" fill="#5b6775">${c.year}</text>` : ""}</g>`;
  }).join("");
}
