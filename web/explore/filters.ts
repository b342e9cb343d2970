/**
 * The explorer's theme and year filters, decided for the projects drawn themselves: no DOM and no
 * request here, so that they are tested without a browser (test/unit/explore-filter.test.ts).
 */

/** linksAmong's cap on ids. */
const MAX_IDS = 1000;
/** At most this many linksAmong requests for the themes of one view (about 10,000 projects); the projects beyond are not checked, and the status says so. */
const MAX_THEME_REQUESTS = 10;

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

/**
 * Which of `projects` are about one of `themes` (ids): the ABOUT relationships among them, asked of
 * linksAmong in chunks that fill its 1000 ids (each chunk with every theme). A chunk whose request
 * failed, and the chunks beyond MAX_THEME_REQUESTS, are not settled: counted in `unchecked`, with why.
 */
export async function aboutThemes(projects: string[], themes: string[], ask: (ids: string[]) => Promise<{ source: string; target: string; type: string }[]>): Promise<FilterAnswer> {
  const unique = [...new Set(projects)].sort();
  const themeSet = new Set(themes);
  const size = Math.max(1, MAX_IDS - themeSet.size);
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += size) chunks.push(unique.slice(i, i + size));
  const asked = chunks.slice(0, MAX_THEME_REQUESTS);
  const passing = new Set<string>();
  let unchecked = unique.length - asked.reduce((n, c) => n + c.length, 0);
  const why = new Set<string>(unchecked ? [`only ${MAX_THEME_REQUESTS * size} projects are asked about`] : []);
  await Promise.all(asked.map(async (chunk) => {
    try {
      for (const edge of await ask([...chunk, ...themeSet])) if (edge.type === "ABOUT" && themeSet.has(edge.target)) passing.add(edge.source);
    } catch (err) {
      unchecked += chunk.length;
      why.add((err as Error).message);
    }
  }));
  return { passing, unchecked, note: unchecked ? `${unchecked} ${unchecked === 1 ? "project" : "projects"} not checked against the themes, hidden (${[...why].join("; ")})` : null };
}
