/**
 * The explorer's theme and year filters, decided for the projects drawn themselves: no DOM and no
 * request here, so that they are tested without a browser (test/unit/explore-filter.test.ts).
 */

/**
 * Whether a project is active in the years, read off the years the view's node carries (from the
 * API's answers), as ProjectFilter's activeFrom and activeTo decide it: active in or after `from`
 * when its end year (its start year when it has none) is; in or before `to` when its start year is.
 */
export function activeIn(project: { startYear?: number | null; endYear?: number | null }, from: number | null, to: number | null): boolean {
  const start = project.startYear ?? null;
  const last = project.endYear ?? start;
  if (from !== null && (last === null || last < from)) return false;
  if (to !== null && (start === null || start > to)) return false;
  return true;
}

/** The view's projects that pass the filters; those the requests could not settle are counted apart (and hidden). */
export interface FilterAnswer { passing: Set<string>; unchecked: number; note: string | null }

/** ProjectFilter.ids' cap, and a page's: a request asks up to 10 pages (aliases) of 100 ids each, so no page has a second. */
export const FILTER_PAGE = 100;
const PAGES_PER_REQUEST = 10;
/** At most this many requests for one view (10,000 projects); the projects beyond are not checked, and the status says so. */
const MAX_FILTER_REQUESTS = 10;

/**
 * Which of `projects` pass the filter, asked of the API itself (`projects(filter: {ids, ...})`):
 * `ask` is given up to 10 groups of at most 100 ids and answers the ids that pass. A request that
 * failed, and the projects beyond MAX_FILTER_REQUESTS, are not settled: counted in `unchecked`, with why.
 */
export async function passingFilter(projects: string[], ask: (groups: string[][]) => Promise<string[]>): Promise<FilterAnswer> {
  const unique = [...new Set(projects)].sort();
  const groups: string[][] = [];
  for (let i = 0; i < unique.length; i += FILTER_PAGE) groups.push(unique.slice(i, i + FILTER_PAGE));
  const requests: string[][][] = [];
  for (let i = 0; i < groups.length; i += PAGES_PER_REQUEST) requests.push(groups.slice(i, i + PAGES_PER_REQUEST));
  const asked = requests.slice(0, MAX_FILTER_REQUESTS);
  const passing = new Set<string>();
  const size = (request: string[][]) => request.reduce((n, g) => n + g.length, 0);
  let unchecked = unique.length - asked.reduce((n, r) => n + size(r), 0);
  const why = new Set<string>(unchecked ? [`only ${MAX_FILTER_REQUESTS * PAGES_PER_REQUEST * FILTER_PAGE} projects are asked about`] : []);
  await Promise.all(asked.map(async (request) => {
    try {
      for (const id of await ask(request)) passing.add(id);
    } catch (err) {
      unchecked += size(request);
      why.add((err as Error).message);
    }
  }));
  return { passing, unchecked, note: unchecked ? `${unchecked} ${unchecked === 1 ? "project" : "projects"} not checked against the themes and years, hidden (${[...why].join("; ")})` : null };
}
