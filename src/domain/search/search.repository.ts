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

  /** `fields`: the fields the client selected on the hits, when known (only those are fetched). */
  async search(text: string, labels: string[] | null, first: number, fields?: ReadonlySet<string>): Promise<SearchHitRow[]> {
    const q = fuzzyQuery(text);
    if (!q) return [];
    const rows = await this.run(`
      CALL db.index.fulltext.queryNodes('entity_names', $q, {limit: $fetch}) YIELD node AS n, score
      WITH n, score, [l IN labels(n) WHERE l <> 'Actor'][0] AS type
      WHERE $labels IS NULL OR type IN $labels
      RETURN score, ${fields ? ENTITY_PICK("n", fields) : ENTITY("n")} AS entity
      ORDER BY score DESC, n.nameKey LIMIT $first`,
    { q, labels, first, fetch: labels ? first * 10 : first });
    return rows.map((r) => ({ score: Number(r.score), entity: entityRow(r.entity) }));
  }
}
