/**
 * The time bar: the projects in view, counted per year they are active (from their start year to
 * their end year, or their start year alone), under a from/to year range. Counted from the years the
 * neighbourhoods already carry: what the bar shows is what is drawn, and it costs no request.
 */

export interface YearCount { year: number; started: number; active: number }

/** A project's years, as the API's neighbourhoods and paths give them. */
export interface Dated { kind: string; startYear?: number | null; endYear?: number | null }

/** No bar spans more years than this (a mistyped year would otherwise draw a thousand empty slots). */
const MAX_YEARS = 200;

/** Projects active per year, every year from the first to the last (years without a project count 0). */
export function countYears(nodes: Iterable<Dated>): YearCount[] {
  const active = new Map<number, number>();
  const started = new Map<number, number>();
  for (const node of nodes) {
    if (node.kind !== "Project" || typeof node.startYear !== "number") continue;
    const first = node.startYear;
    const last = typeof node.endYear === "number" && node.endYear >= first ? Math.min(node.endYear, first + MAX_YEARS) : first;
    started.set(first, (started.get(first) ?? 0) + 1);
    for (let year = first; year <= last; year++) active.set(year, (active.get(year) ?? 0) + 1);
  }
  if (!active.size) return [];
  const years = [...active.keys()];
  const min = Math.min(...years);
  const max = Math.min(Math.max(...years), min + MAX_YEARS);
  const counts: YearCount[] = [];
  for (let year = min; year <= max; year++) counts.push({ year, active: active.get(year) ?? 0, started: started.get(year) ?? 0 });
  return counts;
}

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
