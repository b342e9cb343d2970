import { relationLoader, type LoaderCache } from "../shared/relation-loader.js";
import type { QueryRunner } from "../shared/query-runner.js";
import { ENTITY, type EntityRow, entityRow, entityTuple } from "../shared/rows.js";
import type { Membership, Participation, Position } from "./actor.types.js";
import type { EventRole } from "../events/event.types.js";
import { partnerTuple, partnersCypher, type PartnerRow } from "../analytics/partner.statements.js";

export type ParticipationRow = Participation & { sourceIds: string[]; quotes: string[]; project?: EntityRow; actor?: EntityRow; projectKey: string };
export type PositionRow = Position & { sourceIds: string[]; quotes: string[]; person?: EntityRow; organization?: EntityRow };
export type MembershipRow = Membership & { sourceIds: string[]; quotes: string[]; member?: EntityRow; organization?: EntityRow };
export type EventRoleRow = EventRole & { sourceIds: string[]; quotes: string[]; event?: EntityRow };

const REL = "sourceIds: r.sourceIds, quotes: r.quotes";

export const participationPageKey = (opts: ParticipationPage) => JSON.stringify({ roles: opts.roles, first: opts.first, after: opts.after });

/** Options of an actor's participations page. */
export interface ParticipationPage { roles: string[] | null; first: number; after: [string, string] | null }

/** A project of a participation fetched ahead, with its funders when the selection asks for them. */
export type ProjectAhead = EntityRow & { lookaheadFunders?: EntityRow[] };

/** Partners without a filter (the tallies' path), folded into the profile: how many, and whether with their years and project ids. */
export interface PartnersAhead { first: number; details: boolean }

/**
 * The fields a profile's selection asks of each entity it returns (and of the participations):
 * only those are fetched. The rows answer this selection only, so they are part of the profile's
 * key: another field of the same request asking more of the same actor gets a profile of its own.
 */
export interface ProfileProjection {
  actor: ReadonlySet<string>;
  participation: ReadonlySet<string>;
  project: ReadonlySet<string>;
  funder: ReadonlySet<string>;
  partner: ReadonlySet<string>;
}

/** What an actor's profile fetches with the actor: a participations page, the projects' funders, the partners. */
export interface ProfileAhead { page: ParticipationPage | null; withFunders: boolean; partners: PartnersAhead | null; projection: ProfileProjection }

/** An actor fetched with what its profile selects: a participations page (and the projects' funders), its partners. */
export type ActorAhead = EntityRow & {
  lookaheadParticipations?: { page: string; rows: ParticipationRow[] };
  lookaheadPartners?: { partners: PartnersAhead; rows: PartnerRow[] };
};

/**
 * The participations page's Cypher on `a` (and `id` its id), shared by the loader and the profile's
 * look-ahead. Two ways to the same page, by the actor's size: most actors' projects are few, and
 * sorting them is cheapest; an actor in a large share of all projects (a hub: tens of thousands at
 * scale L) would have every one of its projects read and sorted for a page of 20, so for it the
 * project name index is walked in order instead, each project checked for the participation, until
 * the page is full (about page size x projects / the actor's projects entries). The walk is chosen
 * when it reads fewer entries than the sort, with a margin: degree^2 > 4 x page x projects.
 */
const PARTICIPATIONS_PAGE = (actor: string, item: string) => `
      MATCH ${actor}
      WITH a, $roles IS NULL AND COUNT { (a)-[:PARTICIPATES_IN]->() } ^ 2 > 4 * $limit * COUNT { MATCH (:Project) } AS walk
      CALL (a, walk) {
        WITH a WHERE NOT walk
        MATCH (a)-[r:PARTICIPATES_IN]->(p:Project)
        WHERE ($roles IS NULL OR r.role IN $roles) AND ${AFTER}
        WITH r, p ORDER BY p.nameKey, p.id, r.role LIMIT $limit
        RETURN r, p
        UNION
        WITH a WHERE walk
        MATCH (p:Project) USING INDEX p:Project(nameKey, id) WHERE p.nameKey >= coalesce($afterKey, '') AND p.id IS NOT NULL
        MATCH (a)-[r:PARTICIPATES_IN]->(p)
        WHERE ${AFTER}
        WITH r, p ORDER BY p.nameKey, p.id, r.role LIMIT $limit
        RETURN r, p
      }
      WITH a, r, p ORDER BY p.nameKey, p.id, r.role
      RETURN ${item} AS item`;

/** A participation of the page as the loader returns it: a map with the project's exposed properties. */
const PARTICIPATION_ITEM = `{ role: r.role, ${REL}, actorId: a.id, projectId: p.id, projectKey: p.nameKey, project: ${ENTITY("p")} }`;

/** The keyset position after which a participations page starts. */
const AFTER = "($afterKey IS NULL OR p.nameKey > $afterKey OR (p.nameKey = $afterKey AND p.id + ' ' + r.role > $afterId))";

/** The funders of project `p` (ordered as the project's funders loader returns them), each as `funder` (the variable) makes it. */
const FUNDERS_OF = (p: string, funder: string) => `COLLECT {
  CALL (${p}) {
    MATCH (${p})<-[:PARTICIPATES_IN {role: 'funder'}]-(funder:Actor) RETURN funder
    UNION MATCH (${p})<-[:FUNDS]-(:Funding)<-[:FUNDED]-(funder:Actor) RETURN funder }
  WITH funder ORDER BY funder.nameKey RETURN ${funder} }`;

/**
 * A participation of the profile's page as a list: [role, sourceIds, quotes, project id, project
 * name key, project, funders], the project and its funders with only their selected properties, the
 * provenance only when `sources` is selected (null otherwise: the participation then has none to show,
 * and none is asked for).
 */
function profileParticipation(withFunders: boolean, projection: ProfileProjection) {
  const project = entityTuple("p", projection.project, { nodeType: "Project" });
  const funder = entityTuple("funder", projection.funder);
  const sources = projection.participation.has("sources");
  const cypher = `[r.role, ${sources ? "r.sourceIds, r.quotes" : "null, null"}, p.id, p.nameKey, ${project.cypher}, ${withFunders ? FUNDERS_OF("p", funder.cypher) : "null"}]`;
  const decode = (actorId: string, values: unknown[]): ParticipationRow => {
    const [role, sourceIds, quotes, projectId, projectKey, projectValues, funders] = values as [string, string[] | null, string[] | null, string, string, unknown[], unknown[][] | null];
    const row: ProjectAhead = project.decode(projectValues);
    if (funders) row.lookaheadFunders = funders.map(funder.decode);
    return { role, sourceIds, quotes, actorId, projectId, projectKey, project: row } as unknown as ParticipationRow;
  };
  return { cypher, decode };
}

const pageParams = (opts: ParticipationPage) =>
  ({ roles: opts.roles, afterKey: opts.after?.[0] ?? null, afterId: opts.after?.[1] ?? null, limit: opts.first + 1 });

/** Cypher for the relationships that start or end at an actor. */
export class ActorRepository {
  constructor(private readonly run: QueryRunner, private readonly loaders: LoaderCache) {}

  /** Profiles asked in this request (the repository lives one request), by what they fetch. */
  private readonly profiles = new Map<string, Promise<ActorAhead | null>>();

  /**
   * An actor's profile in one round trip: the actor (as the by-id loader returns it) with the
   * participations page its selection asks for (each project with its funders when selected), and
   * its partners when the same request asks for them without a filter (`partners`, whose resolver
   * asks for the same profile: the first call runs the statement, the other shares it).
   * The rows travel on the actor's row, for this selection only (never into shared loaders).
   */
  profile(actorId: string, ahead: ProfileAhead): Promise<ActorAhead | null> {
    const fields = Object.entries(ahead.projection).map(([entity, names]) => [entity, [...(names as ReadonlySet<string>)].sort()]);
    const key = JSON.stringify([actorId, ahead.page && participationPageKey(ahead.page), ahead.withFunders, ahead.partners, fields]);
    let profile = this.profiles.get(key);
    if (!profile) {
      profile = this.readProfile(actorId, ahead);
      this.profiles.set(key, profile);
    }
    return profile;
  }

  private async readProfile(actorId: string, { page, withFunders, partners, projection }: ProfileAhead): Promise<ActorAhead | null> {
    const partnerCount = partners ? { actorId, first: partners.first, themeIds: null, roles: null, activeFrom: null, activeTo: null, details: partners.details } : null;
    // Every entity as a list of the properties its selection asks for (see entityTuple), no maps.
    const actor = entityTuple("a", projection.actor, { sources: true });
    const partner = partnerTuple(projection.partner);
    const participation = profileParticipation(withFunders, projection);
    const [row] = await this.run(`
      ${partnerCount ? `CALL () {
        ${partnersCypher(partnerCount)}
        RETURN collect(${partner.cypher}) AS partners
      }` : "WITH null AS partners"}
      MATCH (a:Actor {id: $id})
      WITH a, a.id AS id, partners
      RETURN ${actor.cypher} AS actor, partners,
        ${page ? `COLLECT { ${PARTICIPATIONS_PAGE("(a)", participation.cypher)} }` : "null"} AS participations`,
    { id: actorId, ...(page ? pageParams(page) : {}), ...(partnerCount ? { actorId, first: partnerCount.first } : {}) });
    if (!row) return null;
    return {
      ...entityRow(actor.decode(row.actor as unknown[])),
      ...(page ? { lookaheadParticipations: { page: participationPageKey(page), rows: (row.participations as unknown[][]).map((values) => participation.decode(actorId, values)) } } : {}),
      ...(partners ? { lookaheadPartners: { partners, rows: (row.partners as unknown[][]).map(partner.decode) } } : {}),
    };
  }

  /** An actor's projects, ordered by project name; `after` is a keyset position (name key + id). */
  participations(actorId: string, opts: ParticipationPage) {
    const key = `actor.participations:${participationPageKey(opts)}`;
    return this.loaders.get<ParticipationRow>(key, () => relationLoader(this.run, PARTICIPATIONS_PAGE("(a:Actor {id: id})", PARTICIPATION_ITEM), pageParams(opts))).load(actorId);
  }

  participationCount(actorId: string, roles: string[] | null) {
    return this.loaders.get<number>(`actor.participationCount:${JSON.stringify(roles)}`, () => relationLoader(this.run, `
      MATCH (:Actor {id: id})-[r:PARTICIPATES_IN]->(:Project)
      WHERE $roles IS NULL OR r.role IN $roles
      RETURN count(r) AS item`, { roles })).load(actorId).then((items) => items[0] ?? 0);
  }

  /** A page of actors by name, optionally of some types and based in some countries. */
  async page(opts: { types: string[] | null; countryIds: string[] | null; first: number; after: [string, string] | null }): Promise<EntityRow[]> {
    const rows = await this.run(`
      MATCH (a:Actor)
      WHERE a.nameKey IS NOT NULL
        AND ($types IS NULL OR any(l IN labels(a) WHERE l IN $types))
        AND ($countryIds IS NULL OR EXISTS { MATCH (a)-[:BASED_IN]->(c:Country) WHERE c.id IN $countryIds })
        AND ($afterKey IS NULL OR a.nameKey > $afterKey OR (a.nameKey = $afterKey AND a.id > $afterId))
      WITH a ORDER BY a.nameKey, a.id LIMIT $limit
      RETURN ${ENTITY("a")} AS row`, {
      types: opts.types, countryIds: opts.countryIds, limit: opts.first + 1,
      afterKey: opts.after?.[0] ?? null, afterId: opts.after?.[1] ?? null,
    });
    return rows.map((r) => entityRow(r.row));
  }

  async count(opts: { types: string[] | null; countryIds: string[] | null }): Promise<number> {
    const [row] = await this.run(`
      MATCH (a:Actor)
      WHERE ($types IS NULL OR any(l IN labels(a) WHERE l IN $types))
        AND ($countryIds IS NULL OR EXISTS { MATCH (a)-[:BASED_IN]->(c:Country) WHERE c.id IN $countryIds })
      RETURN count(a) AS n`, { types: opts.types, countryIds: opts.countryIds });
    return Number(row?.n ?? 0);
  }

  basedIn(actorId: string) {
    return this.loaders.get<EntityRow>("actor.basedIn", () => relationLoader(this.run, `
      MATCH (:Actor {id: id})-[:BASED_IN]->(c:Country) RETURN ${ENTITY("c")} AS item`)).load(actorId);
  }

  positionsHeld(personId: string) {
    return this.loaders.get<PositionRow>("actor.positionsHeld", () => relationLoader(this.run, `
      MATCH (:Actor {id: id})-[r:HOLDS_POSITION]->(o:Actor)
      RETURN r { .title, .titleEs, .startDate, .endDate, ${REL}, personId: id, organizationId: o.id, organization: ${ENTITY("o")} } AS item`)).load(personId);
  }

  positionsWithin(organizationId: string) {
    return this.loaders.get<PositionRow>("actor.positionsWithin", () => relationLoader(this.run, `
      MATCH (:Actor {id: id})<-[r:HOLDS_POSITION]-(p:Actor)
      RETURN r { .title, .titleEs, .startDate, .endDate, ${REL}, personId: p.id, organizationId: id, person: ${ENTITY("p")} } AS item`)).load(organizationId);
  }

  memberships(memberId: string) {
    return this.loaders.get<MembershipRow>("actor.memberships", () => relationLoader(this.run, `
      MATCH (:Actor {id: id})-[r:MEMBER_OF]->(o:Actor)
      RETURN r { .startDate, .endDate, ${REL}, memberId: id, organizationId: o.id, organization: ${ENTITY("o")} } AS item`)).load(memberId);
  }

  members(organizationId: string) {
    return this.loaders.get<MembershipRow>("actor.members", () => relationLoader(this.run, `
      MATCH (:Actor {id: id})<-[r:MEMBER_OF]-(m:Actor)
      RETURN r { .startDate, .endDate, ${REL}, memberId: m.id, organizationId: id, member: ${ENTITY("m")} } AS item`)).load(organizationId);
  }

  events(actorId: string) {
    return this.loaders.get<EventRoleRow>("actor.events", () => relationLoader(this.run, `
      MATCH (:Actor {id: id})-[r:SPOKE_AT|TOOK_PART_IN|ORGANIZED]->(e:Event)
      RETURN { role: CASE type(r) WHEN 'SPOKE_AT' THEN coalesce(r.role, 'speaker') WHEN 'ORGANIZED' THEN 'organizer' ELSE coalesce(r.role, 'participant') END,
               ${REL}, actorId: id, eventId: e.id, event: ${ENTITY("e")} } AS item`)).load(actorId);
  }

  fundingProvided(actorId: string) {
    return this.loaders.get<EntityRow>("actor.fundingProvided", () => relationLoader(this.run, `
      MATCH (:Actor {id: id})-[:FUNDED]->(f:Funding) WITH f ORDER BY f.date, f.id LIMIT 500 RETURN ${ENTITY("f")} AS item`)).load(actorId);
  }

  /** Every actor funding a flow this actor receives, each once, by name (not only the first 500 flows'). */
  funders(actorId: string) {
    return this.loaders.get<EntityRow>("actor.funders", () => relationLoader(this.run, `
      MATCH (:Actor {id: id})<-[:RECEIVED_BY]-(:Funding)<-[:FUNDED]-(a:Actor)
      WITH DISTINCT a ORDER BY a.nameKey, a.id RETURN ${ENTITY("a")} AS item`)).load(actorId);
  }

  fundingReceived(actorId: string) {
    return this.loaders.get<EntityRow>("actor.fundingReceived", () => relationLoader(this.run, `
      MATCH (:Actor {id: id})<-[:RECEIVED_BY]-(f:Funding) WITH f ORDER BY f.date, f.id LIMIT 500 RETURN ${ENTITY("f")} AS item`)).load(actorId);
  }
}
