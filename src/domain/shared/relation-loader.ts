/**
 * The batching behind every relationship field: one Cypher query per field level, whatever the
 * number of parents. `body` reads the related items of one parent `id` and ends with
 * `RETURN ... AS item` (it may order and limit them per parent).
 */
import DataLoader from "dataloader";
import type { Params, Row } from "../../db/database.js";
import type { QueryRunner } from "./query-runner.js";

export function relationLoader<T = Row>(run: QueryRunner, body: string, params: Params = {}): DataLoader<string, T[]> {
  const cypher = `UNWIND $ids AS id CALL (id) { ${body} } RETURN id, collect(item) AS items`;
  return new DataLoader<string, T[]>(async (ids) => {
    const rows = await run(cypher, { ...params, ids });
    const byId = new Map(rows.map((r) => [r.id as string, r.items as T[]]));
    return ids.map((id) => byId.get(id) ?? []);
  }, { maxBatchSize: 1000 });
}

/** One DataLoader per (field, arguments) within a request, created on first use. */
export class LoaderCache {
  private readonly loaders = new Map<string, DataLoader<string, unknown[]>>();

  get<T>(key: string, create: () => DataLoader<string, T[]>): DataLoader<string, T[]> {
    let loader = this.loaders.get(key);
    if (!loader) {
      loader = create() as DataLoader<string, unknown[]>;
      this.loaders.set(key, loader);
    }
    return loader as DataLoader<string, T[]>;
  }
}
