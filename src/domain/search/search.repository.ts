import { fuzzyQuery } from "../references/reference.repository.js";
import type { QueryRunner } from "../shared/query-runner.js";
import { ENTITY, ENTITY_PICK, type EntityRow, entityRow } from "../shared/rows.js";

export interface SearchHitRow {
  score: number;
  entity: EntityRow;
}

/**
 * The full-text query for hits of some kinds only: the names' query, and the entity's kind (the
 * index's `searchKind` field, migration 013) among those asked, boosted by 0 so that it adds
 * nothing to a hit's score: a hit scores what it scores without kinds. Kinds are node types
 * (Agency, Project, ...): letters only, nothing to escape.
 */
export function kindsQuery(namesQuery: string, labels: readonly string[]): string {
  const odd = labels.find((l) => !/^[A-Za-z]+$/.test(l));
  if (odd !== undefined) throw new Error(`"${odd}" is not a kind of entity`);
  return `${namesQuery} AND searchKind:(${labels.map((l) => l.toLowerCase()).join(" OR ")})^0`;
}

/**
 * Hits read beyond the page with kinds, ten times the page: ties at the page's end are broken by
 * name among them, as when the index was read without kinds and filtered afterwards.
 */
const READ_PER_PAGE = 10;

/** Full-text search over names, acronyms and aliases: scored, accent- and case-insensitive, typo-tolerant. */
export class SearchRepository {
  constructor(private readonly run: QueryRunner) {}

  /** `fields`: the fields the client selected on the hits, when known (only those are fetched). */
  async search(text: string, labels: string[] | null, first: number, fields?: ReadonlySet<string>): Promise<SearchHitRow[]> {
    const names = fuzzyQuery(text);
    if (!names || labels?.length === 0) return [];
    const entity = fields ? ENTITY_PICK("n", fields) : ENTITY("n");
    // With kinds, the index finds only hits of those kinds: a kind matched far down a common word's
    // hits is found without reading the hits of other kinds above it.
    const rows = await this.run(`
      CALL db.index.fulltext.queryNodes('entity_search', $q, {limit: $fetch}) YIELD node AS n, score
      RETURN score, ${entity} AS entity
      ORDER BY score DESC, n.nameKey LIMIT $first`,
    { q: labels ? kindsQuery(names, labels) : names, first, fetch: labels ? Math.max(first, 1) * READ_PER_PAGE : first });
    return rows.map((r) => ({ score: Number(r.score), entity: entityRow(r.entity) }));
  }
}
