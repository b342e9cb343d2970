/**
 * Projects active per year, counted from the years the explorer's nodes carry: no DOM here, so
 * that the count is tested without a browser (test/unit/timebar-years.test.ts). A project counts in
 * a year exactly when the year filter keeps it for that year alone (activeIn, the API's rule): the
 * bar's years are those the sliders keep it in. A project that ends before it starts is in no
 * year (the filter keeps it only for years that reach from its end to its start): counted apart.
 */
import { activeIn } from "./filters.js";

export interface YearCount { year: number; started: number; active: number }

/** A project's years, as the API's neighbourhoods and paths give them. */
export interface Dated { kind: string; startYear?: number | null; endYear?: number | null }

/** No bar spans more years than this (a mistyped year would otherwise draw a thousand empty slots). */
const MAX_YEARS = 200;
/** Years a project may plausibly carry (as the theme tallies count them): one mistyped year must not push the real ones off the bar. */
const PLAUSIBLE = { from: 1800, to: 2200 };

const plausiblyDated = (node: Dated): node is Dated & { startYear: number } =>
  node.kind === "Project" && typeof node.startYear === "number" && node.startYear >= PLAUSIBLE.from && node.startYear <= PLAUSIBLE.to;

/** Projects active per year, every year from the first to the last (years without a project count 0). */
export function countYears(nodes: Iterable<Dated>): YearCount[] {
  const active = new Map<number, number>();
  const started = new Map<number, number>();
  for (const node of nodes) {
    if (!plausiblyDated(node)) continue;
    const first = node.startYear;
    // Only years the filter keeps it for: from its start, while activeIn says so (never, for an end before the start).
    for (let year = first; year <= first + MAX_YEARS && activeIn(node, year, year); year++) {
      active.set(year, (active.get(year) ?? 0) + 1);
      if (year === first) started.set(year, (started.get(year) ?? 0) + 1);
    }
  }
  if (!active.size) return [];
  const years = [...active.keys()];
  const min = Math.min(...years);
  const max = Math.min(Math.max(...years), min + MAX_YEARS - 1);
  const counts: YearCount[] = [];
  for (let year = min; year <= max; year++) counts.push({ year, active: active.get(year) ?? 0, started: started.get(year) ?? 0 });
  return counts;
}

/** Dated projects the bar counts in no year: those that end before they start. */
export function inNoYear(nodes: Iterable<Dated>): number {
  let n = 0;
  for (const node of nodes) if (plausiblyDated(node) && !activeIn(node, node.startYear, node.startYear)) n += 1;
  return n;
}
