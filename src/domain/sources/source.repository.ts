import DataLoader from "dataloader";
import type { QueryRunner } from "../shared/query-runner.js";

export class SourceRepository {
  readonly byId: DataLoader<string, Record<string, unknown> | null>;

  constructor(private readonly run: QueryRunner) {
    this.byId = new DataLoader(async (ids) => {
      const rows = await this.run(
        "UNWIND $ids AS id MATCH (s:Source {id: id}) RETURN s { .* } AS source",
        { ids },
      );
      const byId = new Map(rows.map((r) => {
        const s = r.source as Record<string, unknown>;
        return [s.id as string, s];
      }));
      return ids.map((id) => byId.get(id) ?? null);
    });
  }
}
