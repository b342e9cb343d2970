import { relationLoader, type LoaderCache } from "../shared/relation-loader.js";
import type { QueryRunner } from "../shared/query-runner.js";
import { ENTITY, type EntityRow, entityRow } from "../shared/rows.js";

export class PlaceRepository {
  constructor(private readonly run: QueryRunner, private readonly loaders: LoaderCache) {}

  async countries(): Promise<EntityRow[]> {
    const rows = await this.run(`MATCH (c:Country) WHERE c.nameKey IS NOT NULL WITH c ORDER BY c.nameKey RETURN ${ENTITY("c")} AS row`);
    return rows.map((r) => entityRow(r.row));
  }

  async regions(): Promise<EntityRow[]> {
    const rows = await this.run(`MATCH (r:Region) WHERE r.code IS NOT NULL WITH r ORDER BY r.code RETURN ${ENTITY("r")} AS row`);
    return rows.map((r) => entityRow(r.row));
  }

  /** The regions a country or region lies in, nearest first (Peru: South America, Latin America and the Caribbean, Americas). */
  enclosingRegions(placeId: string) {
    return this.loaders.get<EntityRow>("place.enclosingRegions", () => relationLoader(this.run, `
      CALL (id) { MATCH (x:Country {id: id}) RETURN x UNION MATCH (x:Region {id: id}) RETURN x }
      MATCH path = (x)-[:IN_REGION*1..4]->(r:Region)
      WITH r, length(path) AS distance ORDER BY distance RETURN ${ENTITY("r")} AS item`)).load(placeId);
  }

  subregions(regionId: string) {
    return this.loaders.get<EntityRow>("region.subregions", () => relationLoader(this.run, `
      MATCH (:Region {id: id})<-[:IN_REGION]-(r:Region) WITH r ORDER BY r.name RETURN ${ENTITY("r")} AS item`)).load(regionId);
  }

  /** Countries in a region or any of its sub-regions. */
  countriesIn(regionId: string) {
    return this.loaders.get<EntityRow>("region.countries", () => relationLoader(this.run, `
      MATCH (:Region {id: id})<-[:IN_REGION*1..4]-(c:Country) WITH DISTINCT c ORDER BY c.name RETURN ${ENTITY("c")} AS item`)).load(regionId);
  }

  actorsBasedIn(countryId: string, first: number) {
    return this.loaders.get<EntityRow>(`country.actors:${first}`, () => relationLoader(this.run, `
      MATCH (:Country {id: id})<-[:BASED_IN]-(a:Actor) WITH a ORDER BY a.nameKey LIMIT $first RETURN ${ENTITY("a")} AS item`,
    { first })).load(countryId);
  }
}
