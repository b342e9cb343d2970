import { relationLoader, type LoaderCache } from "../shared/relation-loader.js";
import type { QueryRunner } from "../shared/query-runner.js";
import { ENTITY, type EntityRow } from "../shared/rows.js";

/** The ends of a funding flow: who gives, who receives, for which project. */
export class FundingRepository {
  constructor(private readonly run: QueryRunner, private readonly loaders: LoaderCache) {}

  /** The flow's funder; a flow merged from two has two, and then the first by name is given. */
  funder(fundingId: string) {
    return this.funders(fundingId).then((items) => items[0] ?? null);
  }

  funders(fundingId: string) {
    return this.loaders.get<EntityRow>("funding.funders", () => relationLoader(this.run, `
      MATCH (:Funding {id: id})<-[:FUNDED]-(x:Actor) WITH x ORDER BY x.nameKey, x.id RETURN ${ENTITY("x")} AS item`)).load(fundingId);
  }

  recipient(fundingId: string) {
    return this.one("funding.recipient", `MATCH (:Funding {id: id})-[:RECEIVED_BY]->(x:Actor) RETURN ${ENTITY("x")} AS item`, fundingId);
  }

  project(fundingId: string) {
    return this.one("funding.project", `MATCH (:Funding {id: id})-[:FUNDS]->(x:Project) RETURN ${ENTITY("x")} AS item`, fundingId);
  }

  private async one(key: string, body: string, id: string): Promise<EntityRow | null> {
    const items = await this.loaders.get<EntityRow>(key, () => relationLoader(this.run, body)).load(id);
    return items[0] ?? null;
  }
}
