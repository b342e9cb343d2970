import { fuzzyQuery } from "../references/reference.repository.js";
import type { QueryRunner } from "../shared/query-runner.js";
import { ENTITY, ENTITY_PICK, type EntityRow, entityRow } from "../shared/rows.js";

export interface SearchHitRow {
  score: number;
  entity: EntityRow;
}

/**
 * With kinds, the index is read in growing rounds (10, 100, 1,000 times the page) until the page
 * is full of hits of those kinds or the index has no more hits; never beyond this many hits (a
 * kind with few matches under a common word reads this far: each round reads from the top again).
 */
export const MAX_SEARCH_HITS_READ = 10_000;

/** Full-text search over names, acronyms and aliases: scored, accent- and case-insensitive, typo-tolerant. */
export class SearchRepository {
  constructor(private readonly run: QueryRunner) {}

  /** `fields`: the fields the client selected on the hits, when known (only those are fetched). */
  async search(text: string, labels: string[] | null, first: number, fields?: ReadonlySet<string>): Promise<SearchHitRow[]> {
    const q = fuzzyQuery(text);
    if (!q) return [];
    const entity = fields ? ENTITY_PICK("n", fields) : ENTITY("n");
    if (!labels) {
      const rows = await this.run(`
        CALL db.index.fulltext.queryNodes('entity_names', $q, {limit: $first}) YIELD node AS n, score
        RETURN score, ${entity} AS entity
        ORDER BY score DESC, n.nameKey LIMIT $first`,
      { q, first });
      return rows.map((r) => ({ score: Number(r.score), entity: entityRow(r.entity) }));
    }
    // The index cannot filter by label: the hits of other kinds that outscore the kinds asked are
    // read and dropped, as many as it takes (`read` says whether the index had more).
    for (let fetch = Math.max(first, 1) * 10; ; fetch = Math.min(fetch * 10, MAX_SEARCH_HITS_READ)) {
      const [row] = await this.run(`
        CALL db.index.fulltext.queryNodes('entity_names', $q, {limit: $fetch}) YIELD node AS n, score
        WITH count(*) AS read, collect(CASE WHEN [l IN labels(n) WHERE l <> 'Actor'][0] IN $labels THEN {n: n, score: score} END) AS hits
        CALL (hits) {
          UNWIND hits AS hit
          WITH hit.n AS n, hit.score AS score ORDER BY score DESC, n.nameKey LIMIT $first
          RETURN collect({ score: score, entity: ${entity} }) AS page
        }
        RETURN read, page`,
      { q, labels, first, fetch });
      const page = row!.page as { score: unknown; entity: unknown }[];
      if (page.length >= first || Number(row!.read) < fetch || fetch >= MAX_SEARCH_HITS_READ) {
        return page.map((r) => ({ score: Number(r.score), entity: entityRow(r.entity) }));
      }
    }
  }
}
