import { relationLoader, type LoaderCache } from "../shared/relation-loader.js";
import type { QueryRunner } from "../shared/query-runner.js";
import { ENTITY, type EntityRow, entityRow } from "../shared/rows.js";

export class ThemeRepository {
  constructor(private readonly run: QueryRunner, private readonly loaders: LoaderCache) {}

  async all(): Promise<EntityRow[]> {
    const rows = await this.run(`MATCH (t:Theme) WHERE t.nameKey IS NOT NULL WITH t ORDER BY t.nameKey RETURN ${ENTITY("t")} AS row`);
    return rows.map((r) => entityRow(r.row));
  }

  /** A theme's projects by name; the full, paginated list is `projects(filter: {themes: [...]})`. */
  projects(themeId: string, first: number) {
    return this.loaders.get<EntityRow>(`theme.projects:${first}`, () => relationLoader(this.run, `
      MATCH (:Theme {id: id})<-[:ABOUT]-(p:Project) WITH p ORDER BY p.nameKey, p.id LIMIT $first RETURN ${ENTITY("p")} AS item`,
    { first })).load(themeId);
  }
}
