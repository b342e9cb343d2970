/**
 * Projects active per year, counted from the years the explorer's nodes carry: no DOM here, so
 * that the count is tested without a browser (test/unit/timebar-years.test.ts).
 */

export interface YearCount { year: number; started: number; active: number }

/** A project's years, as the API's neighbourhoods and paths give them. */
export interface Dated { kind: string; startYear?: number | null; endYear?: number | null }

/** No bar spans more years than this (a mistyped year would otherwise draw a thousand empty slots). */
const MAX_YEARS = 200;
/** Years a project may plausibly carry (as the theme tallies count them): one mistyped year must not push the real ones off the bar. */
const PLAUSIBLE = { from: 1800, to: 2200 };

/** Projects active per year, every year from the first to the last (years without a project count 0). */
export function countYears(nodes: Iterable<Dated>): YearCount[] {
  const active = new Map<number, number>();
  const started = new Map<number, number>();
  for (const node of nodes) {
    if (node.kind !== "Project" || typeof node.startYear !== "number") continue;
    if (node.startYear < PLAUSIBLE.from || node.startYear > PLAUSIBLE.to) continue;
    const first = node.startYear;
    const last = typeof node.endYear === "number" && node.endYear >= first ? Math.min(node.endYear, first + MAX_YEARS) : first;
    started.set(first, (started.get(first) ?? 0) + 1);
    for (let year = first; year <= last; year++) active.set(year, (active.get(year) ?? 0) + 1);
  }
  if (!active.size) return [];
  const years = [...active.keys()];
  const min = Math.min(...years);
  const max = Math.min(Math.max(...years), min + MAX_YEARS - 1);
  const counts: YearCount[] = [];
  for (let year = min; year <= max; year++) counts.push({ year, active: active.get(year) ?? 0, started: started.get(year) ?? 0 });
  return counts;
}
