import DataLoader from "dataloader";
import { NODE_TYPES, nodeTypeOfId, type KeyLabel } from "../../model/model.js";
import type { QueryRunner } from "../shared/query-runner.js";
import { ENTITY_FULL, type EntityRow, entityRow } from "../shared/rows.js";

/** Cypher per key label, so each lookup is an index seek on that label's id constraint. */
const BY_ID: Record<KeyLabel, string> = Object.fromEntries(
  [...new Set(Object.values(NODE_TYPES).map((t) => t.key))].map((label) => [
    label,
    `UNWIND $ids AS id MATCH (n:${label} {id: id}) RETURN ${ENTITY_FULL("n")} AS row`,
  ]),
) as Record<KeyLabel, string>;

/** Any entity by id, whatever its type; ids of several types in one batch cost one query per type. */
export class EntityRepository {
  readonly byId: DataLoader<string, EntityRow | null>;

  constructor(private readonly run: QueryRunner) {
    this.byId = new DataLoader(async (ids) => {
      const byLabel = new Map<KeyLabel, string[]>();
      for (const id of ids) {
        const type = nodeTypeOfId(id);
        if (!type || type === "Source") continue;
        const label = NODE_TYPES[type].key;
        byLabel.set(label, [...(byLabel.get(label) ?? []), id]);
      }
      const found = new Map<string, EntityRow>();
      await Promise.all([...byLabel].map(async ([label, labelIds]) => {
        for (const r of await this.run(BY_ID[label], { ids: labelIds })) {
          const row = entityRow(r.row);
          found.set(row.id, row);
        }
      }));
      return ids.map((id) => found.get(id) ?? null);
    });
  }
}
