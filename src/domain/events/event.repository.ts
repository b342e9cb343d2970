import { relationLoader, type LoaderCache } from "../shared/relation-loader.js";
import type { QueryRunner } from "../shared/query-runner.js";
import { ENTITY, type EntityRow, entityRow } from "../shared/rows.js";
import type { EventRoleRow } from "../actors/actor.repository.js";

export class EventRepository {
  constructor(private readonly run: QueryRunner, private readonly loaders: LoaderCache) {}

  async all(): Promise<EntityRow[]> {
    const rows = await this.run(`MATCH (e:Event) WHERE e.nameKey IS NOT NULL WITH e ORDER BY e.nameKey RETURN ${ENTITY("e")} AS row`);
    return rows.map((r) => entityRow(r.row));
  }

  partOf(eventId: string) {
    return this.loaders.get<EntityRow>("event.partOf", () => relationLoader(this.run, `
      MATCH (:Event {id: id})-[:PART_OF]->(e:Event) RETURN ${ENTITY("e")} AS item`)).load(eventId);
  }

  sessions(eventId: string) {
    return this.loaders.get<EntityRow>("event.sessions", () => relationLoader(this.run, `
      MATCH (:Event {id: id})<-[:PART_OF]-(e:Event) WITH e ORDER BY e.nameKey RETURN ${ENTITY("e")} AS item`)).load(eventId);
  }

  /** Speakers, organizers and participants, each with the role the sources give. */
  roles(eventId: string) {
    return this.loaders.get<EventRoleRow & { actor: EntityRow }>("event.roles", () => relationLoader(this.run, `
      MATCH (:Event {id: id})<-[r:SPOKE_AT|TOOK_PART_IN|ORGANIZED]-(a:Actor)
      WITH r, a ORDER BY a.nameKey
      RETURN { role: CASE type(r) WHEN 'SPOKE_AT' THEN coalesce(r.role, 'speaker') WHEN 'ORGANIZED' THEN 'organizer' ELSE coalesce(r.role, 'participant') END,
               sourceIds: r.sourceIds, quotes: r.quotes, actorId: a.id, eventId: id, actor: ${ENTITY("a")} } AS item`)).load(eventId);
  }

  projects(eventId: string) {
    return this.loaders.get<EntityRow>("event.projects", () => relationLoader(this.run, `
      MATCH (:Event {id: id})<-[:PRESENTED_AT]-(p:Project) WITH p ORDER BY p.nameKey RETURN ${ENTITY("p")} AS item`)).load(eventId);
  }
}
