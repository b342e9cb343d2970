import { fuzzyQuery } from "../references/reference.repository.js";
import type { QueryRunner } from "../shared/query-runner.js";
import { ENTITY, ENTITY_PICK, type EntityRow, entityRow } from "../shared/rows.js";

export interface SearchHitRow {
  score: number;
  entity: EntityRow;
}

/** Full-text search over names, acronyms and aliases: scored, accent- and case-insensitive, typo-tolerant. */
export class SearchRepository {
  constructor(private readonly run: QueryRunner) {}

  /**
   * `fields`: the fields the client selected on the hits, when known (only those are fetched).
   *
   * Typo terms cost the most, and more as the index grows (each expands into the terms within one
   * or two edits, whose postings are then walked). They only matter when exact terms and prefixes
   * find fewer hits than asked: a hit through a typo alone scores below every exact or prefix hit
   * (those carry the boosts 4 and 2 and match the typo term too). So the exact and prefix query
   * runs first, and the query with typos only when it fills fewer than `fetch` places; the hits
   * are the same, and their order too (test/api/search.test.ts compares both on the seed). Scores
   * are those of the query that ran.
   */
  async search(text: string, labels: string[] | null, first: number, fields?: ReadonlySet<string>): Promise<SearchHitRow[]> {
    const q = fuzzyQuery(text);
    if (!q) return [];
    const exact = fuzzyQuery(text, { typos: false });
    const rows = await this.run(`
      CALL db.index.fulltext.queryNodes('entity_names', $exact, {limit: $fetch}) YIELD node, score
      WITH collect({ n: node, score: score }) AS exact
      CALL (exact) {
        UNWIND CASE WHEN size(exact) < $fetch AND $q <> $exact THEN [$q] ELSE [] END AS q
        CALL db.index.fulltext.queryNodes('entity_names', q, {limit: $fetch}) YIELD node, score
        RETURN collect({ n: node, score: score }) AS withTypos
      }
      UNWIND CASE WHEN size(exact) < $fetch AND $q <> $exact THEN withTypos ELSE exact END AS hit
      WITH hit.n AS n, hit.score AS score, [l IN labels(hit.n) WHERE l <> 'Actor'][0] AS type
      WHERE $labels IS NULL OR type IN $labels
      RETURN score, ${fields ? ENTITY_PICK("n", fields) : ENTITY("n")} AS entity
      ORDER BY score DESC, n.nameKey LIMIT $first`,
    { q, exact, labels, first, fetch: labels ? first * 10 : first });
    return rows.map((r) => ({ score: Number(r.score), entity: entityRow(r.entity) }));
  }
}
