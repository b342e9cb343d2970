import type { Params } from "../../db/database.js";
import type { CursorKey } from "../../graphql/pagination.js";
import type { ResolvedEntity } from "../references/reference.repository.js";
import { relationLoader, type LoaderCache } from "../shared/relation-loader.js";
import type { QueryRunner } from "../shared/query-runner.js";
import { ENTITY, ENTITY_PICK, type EntityRow } from "../shared/rows.js";
import type { ParticipationRow } from "../actors/actor.repository.js";
import { ProjectSortField, SortDirection } from "./project.types.js";

/** A filter whose references are already resolved to entities. */
export interface ResolvedProjectFilter {
  involvingAll: ResolvedEntity[];
  involvingAny: ResolvedEntity[];
  themeIds: string[];
  kinds: string[];
  countryIds: string[];
  regionIds: string[];
  funderIds: string[];
  roles: string[] | null;
  activeFrom: number | null;
  activeTo: number | null;
}

/** Sort keys: each backed by a composite range index (property, id), see schema/migrations. */
const SORT_PROPERTY: Record<ProjectSortField, string> = {
  [ProjectSortField.NAME]: "nameKey",
  [ProjectSortField.START_DATE]: "startKey",
  [ProjectSortField.PARTICIPANTS]: "participantCount",
};

/**
 * "Project p involves entity $x": the predicate for one reference, chosen by the entity's type.
 * Only these fixed fragments are spliced into Cypher; ids travel as parameters.
 */
function involves(entity: ResolvedEntity, param: string): string {
  switch (entity.type) {
    case "Country":
      return `(EXISTS { MATCH (p)<-[r:PARTICIPATES_IN]-(:Actor)-[:BASED_IN]->(:Country {id: ${param}}) WHERE $roles IS NULL OR r.role IN $roles }
        OR EXISTS { MATCH (p)-[:TAKES_PLACE_IN]->(:Country {id: ${param}}) })`;
    case "Region":
      return `(EXISTS { MATCH (p)<-[r:PARTICIPATES_IN]-(:Actor)-[:BASED_IN]->(:Country)-[:IN_REGION*1..4]->(:Region {id: ${param}}) WHERE $roles IS NULL OR r.role IN $roles }
        OR EXISTS { MATCH (p)-[:TAKES_PLACE_IN]->()-[:IN_REGION*0..4]->(:Region {id: ${param}}) })`;
    case "Theme":
      return `EXISTS { MATCH (p)-[:ABOUT]->(:Theme {id: ${param}}) }`;
    case "Project":
      return `(p.id = ${param} OR EXISTS { MATCH (p)-[:PART_OF]->(:Project {id: ${param}}) })`;
    case "Event":
      return `EXISTS { MATCH (p)-[:PRESENTED_AT]->(:Event)-[:PART_OF*0..2]->(:Event {id: ${param}}) }`;
    default:
      return `EXISTS { MATCH (p)<-[r:PARTICIPATES_IN]-(:Actor {id: ${param}}) WHERE $roles IS NULL OR r.role IN $roles }`;
  }
}

/** Where to start matching: the projects of the most selective reference, found through an index. */
function startingPoint(entity: ResolvedEntity | undefined, param: string): string {
  if (!entity) return "MATCH (p:Project)";
  switch (entity.type) {
    case "Theme":
      return `MATCH (:Theme {id: ${param}})<-[:ABOUT]-(p:Project)`;
    case "Country":
      return `CALL () {
        MATCH (:Country {id: ${param}})<-[:BASED_IN]-(:Actor)-[:PARTICIPATES_IN]->(p:Project) RETURN p
        UNION MATCH (:Country {id: ${param}})<-[:TAKES_PLACE_IN]-(p:Project) RETURN p }`;
    case "Region":
      return `CALL () {
        MATCH (:Region {id: ${param}})<-[:IN_REGION*1..4]-(:Country)<-[:BASED_IN]-(:Actor)-[:PARTICIPATES_IN]->(p:Project) RETURN p
        UNION MATCH (:Region {id: ${param}})<-[:IN_REGION*0..4]-()<-[:TAKES_PLACE_IN]-(p:Project) RETURN p }`;
    case "Project":
    case "Event":
      return "MATCH (p:Project)";
    default:
      return `MATCH (:Actor {id: ${param}})-[:PARTICIPATES_IN]->(p:Project)`;
  }
}

/**
 * Without involvingAll, start from the entities another criterion names (an index seek on them)
 * rather than from every project; those criteria are still checked in WHERE, which is cheap.
 */
function otherStartingPoint(filter: ResolvedProjectFilter): string {
  if (filter.funderIds.length) {
    return `CALL () {
      MATCH (a:Actor)<-[:PART_OF*0..2]-(:Actor)-[:PARTICIPATES_IN {role: 'funder'}]->(p:Project) WHERE a.id IN $funderIds RETURN p
      UNION MATCH (a:Actor)<-[:PART_OF*0..2]-(:Actor)-[:FUNDED]->(:Funding)-[:FUNDS]->(p:Project) WHERE a.id IN $funderIds RETURN p }
      WITH DISTINCT p`;
  }
  if (filter.themeIds.length) return "MATCH (t:Theme) WHERE t.id IN $themeIds MATCH (t)<-[:ABOUT]-(p:Project) WITH DISTINCT p";
  if (filter.countryIds.length) {
    return `CALL () {
      MATCH (c:Country)<-[:BASED_IN]-(:Actor)-[:PARTICIPATES_IN]->(p:Project) WHERE c.id IN $countryIds RETURN p
      UNION MATCH (c:Country)<-[:TAKES_PLACE_IN]-(p:Project) WHERE c.id IN $countryIds RETURN p }
      WITH DISTINCT p`;
  }
  return "MATCH (p:Project)";
}

/** Actors are the most selective starting points, then themes, then places. */
const SELECTIVITY: Record<string, number> = { Agency: 0, Organization: 1, Person: 0, Group: 0, Theme: 2, Country: 3, Region: 4 };

export interface BuiltQuery {
  match: string;
  where: string[];
  params: Params;
}

/** The MATCH and WHERE that select the projects of a filter; analytics and exports reuse it. */
export function buildFilter(filter: ResolvedProjectFilter): BuiltQuery {
  const params: Params = { roles: filter.roles };
  const where: string[] = [];
  const all = [...filter.involvingAll].sort((a, b) => (SELECTIVITY[a.type] ?? 5) - (SELECTIVITY[b.type] ?? 5));
  all.forEach((entity, i) => {
    params[`all${i}`] = entity.id;
    if (i > 0) where.push(involves(entity, `$all${i}`));
  });
  const match = all[0] ? `${startingPoint(all[0], "$all0")}\nWITH DISTINCT p` : otherStartingPoint(filter);
  // The starting point ignores roles and cannot start from a project or event: check those here.
  if (all[0] && (filter.roles || ["Project", "Event"].includes(all[0].type))) where.push(involves(all[0], "$all0"));
  if (filter.involvingAny.length) {
    where.push(`(${filter.involvingAny.map((entity, i) => {
      params[`any${i}`] = entity.id;
      return involves(entity, `$any${i}`);
    }).join(" OR ")})`);
  }
  if (filter.themeIds.length) {
    params.themeIds = filter.themeIds;
    // Starting from the themes already selects exactly these projects.
    if (!match.startsWith("MATCH (t:Theme) WHERE t.id IN $themeIds")) where.push("EXISTS { MATCH (p)-[:ABOUT]->(t:Theme) WHERE t.id IN $themeIds }");
  }
  if (filter.kinds.length) {
    params.kinds = filter.kinds;
    where.push("p.kind IN $kinds");
  }
  if (filter.countryIds.length) {
    params.countryIds = filter.countryIds;
    where.push(`(EXISTS { MATCH (p)<-[:PARTICIPATES_IN]-(:Actor)-[:BASED_IN]->(c:Country) WHERE c.id IN $countryIds }
      OR EXISTS { MATCH (p)-[:TAKES_PLACE_IN]->(c:Country) WHERE c.id IN $countryIds })`);
  }
  if (filter.regionIds.length) {
    params.regionIds = filter.regionIds;
    where.push(`(EXISTS { MATCH (p)<-[:PARTICIPATES_IN]-(:Actor)-[:BASED_IN]->(:Country)-[:IN_REGION*1..4]->(r:Region) WHERE r.id IN $regionIds }
      OR EXISTS { MATCH (p)-[:TAKES_PLACE_IN]->()-[:IN_REGION*0..4]->(r:Region) WHERE r.id IN $regionIds })`);
  }
  if (filter.funderIds.length) {
    params.funderIds = filter.funderIds;
    // A fund that is part of an organization (UNDP Funding Windows, part of UNDP) funds for it.
    where.push(`(EXISTS { MATCH (p)<-[:PARTICIPATES_IN {role: 'funder'}]-(:Actor)-[:PART_OF*0..2]->(a:Actor) WHERE a.id IN $funderIds }
      OR EXISTS { MATCH (p)<-[:FUNDS]-(:Funding)<-[:FUNDED]-(:Actor)-[:PART_OF*0..2]->(a:Actor) WHERE a.id IN $funderIds })`);
  }
  if (filter.roles && !all.some(isActor) && !filter.involvingAny.some(isActor)) {
    where.push("EXISTS { MATCH (p)<-[r:PARTICIPATES_IN]-(:Actor) WHERE r.role IN $roles }");
  }
  if (filter.activeFrom !== null) {
    params.activeFrom = filter.activeFrom;
    where.push("coalesce(p.endYear, p.startYear) >= $activeFrom");
  }
  if (filter.activeTo !== null) {
    params.activeTo = filter.activeTo;
    where.push("p.startYear <= $activeTo");
  }
  return { match, where, params };
}

function isActor(entity: ResolvedEntity): boolean {
  return ["Agency", "Organization", "Person", "Group"].includes(entity.type);
}

export interface ProjectPageRequest {
  filter: ResolvedProjectFilter;
  sort: ProjectSortField;
  direction: SortDirection;
  first: number;
  after: CursorKey | null;
  /** Fetch each project's participants in the same query (and their countries): the client asked for them. */
  withParticipants?: { basedIn: boolean };
  /** The fields selected on projects, actors and countries, when known: only those are fetched. */
  projection?: { project: ReadonlySet<string>; participation: ReadonlySet<string>; actor: ReadonlySet<string>; country: ReadonlySet<string> };
}

/**
 * Participants as the participants loader returns them, optionally with each actor's countries.
 * Only the selected properties are fetched, so these rows answer this page's selection and nothing
 * else: they travel on the page's rows (`lookahead`), never into the request's shared loaders, where
 * another field asking for more of the same project would get them (issue 9 a).
 */
const PARTICIPANTS = (basedIn: boolean, projection: ProjectPageRequest["projection"]) => `COLLECT {
  MATCH (p)<-[r:PARTICIPATES_IN]-(a:Actor)
  WITH r, a ORDER BY a.nameKey, r.role
  RETURN { role: r.role, ${!projection || projection.participation.has("sources") ? "sourceIds: r.sourceIds, quotes: r.quotes, " : ""}actorId: a.id, projectId: p.id,
    actor: ${projection ? ENTITY_PICK("a", projection.actor, basedIn ? `lookaheadBasedIn: ${COUNTRIES(projection)}` : "") : ENTITY("a", basedIn ? `lookaheadBasedIn: ${COUNTRIES(projection)}` : "")} } }`;

const COUNTRIES = (projection: ProjectPageRequest["projection"]) =>
  `[(a)-[:BASED_IN]->(c:Country) | ${projection ? ENTITY_PICK("c", projection.country) : ENTITY("c")}]`;

/** A project of a page, with what the page query fetched ahead for its fields. */
export type ProjectRow = EntityRow & { sortValue: string | number; lookaheadParticipants?: ParticipationRow[] };

export class ProjectRepository {
  constructor(private readonly run: QueryRunner, private readonly loaders: LoaderCache) {}

  /** One page, fetched with LIMIT first + 1 after the keyset position. */
  async page(req: ProjectPageRequest): Promise<ProjectRow[]> {
    const { match, where, params } = buildFilter(req.filter);
    const property = SORT_PROPERTY[req.sort];
    const [gt, dir] = req.direction === SortDirection.ASC ? [">", "ASC"] : ["<", "DESC"];
    // Walking every project: let the planner follow the (property, id) index in order and stop at
    // the page's end (the writer sets every sort property, so none is null).
    const indexWalk = match === "MATCH (p:Project)";
    const sortValue = indexWalk ? `p.${property}` : `coalesce(p.${property}, ${req.sort === ProjectSortField.PARTICIPANTS ? "0" : "''"})`;
    if (indexWalk) where.unshift(`p.${property} IS NOT NULL`);
    if (req.after) {
      params.afterValue = req.after[0];
      params.afterId = req.after[1];
      if (indexWalk) where.unshift(`p.${property} ${gt}= $afterValue`);
      where.push(`(${sortValue} ${gt} $afterValue OR (${sortValue} = $afterValue AND p.id ${gt} $afterId))`);
    }
    const cypher = `${match}
      ${where.length ? `WHERE ${where.join("\n AND ")}` : ""}
      WITH p, ${sortValue} AS sortValue
      ORDER BY sortValue ${dir}, p.id ${dir}
      LIMIT $limit
      RETURN ${req.projection ? ENTITY_PICK("p", req.projection.project, "sortValue: sortValue") : ENTITY("p", "sortValue: sortValue")} AS row
      ${req.withParticipants ? `, ${PARTICIPANTS(req.withParticipants.basedIn, req.projection)} AS participants` : ""}`;
    const rows = await this.run(cypher, { ...params, limit: req.first + 1 });
    return rows.map((r) => {
      const row = r.row as ProjectRow;
      return req.withParticipants ? { ...row, lookaheadParticipants: r.participants as ParticipationRow[] } : row;
    });
  }

  async count(filter: ResolvedProjectFilter): Promise<number> {
    const { match, where, params } = buildFilter(filter);
    const [row] = await this.run(`${match} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} RETURN count(p) AS n`, params);
    return Number(row?.n ?? 0);
  }

  participants(projectId: string, roles: string[] | null) {
    return this.loaders.get<ParticipationRow>(`project.participants:${JSON.stringify(roles)}`, () => this.participantsLoader(roles)).load(projectId);
  }

  private participantsLoader(roles: string[] | null) {
    return relationLoader<ParticipationRow>(this.run, `
      MATCH (:Project {id: id})<-[r:PARTICIPATES_IN]-(a:Actor)
      WHERE $roles IS NULL OR r.role IN $roles
      WITH r, a ORDER BY a.nameKey, r.role
      RETURN { role: r.role, sourceIds: r.sourceIds, quotes: r.quotes, actorId: a.id, projectId: id, actor: ${ENTITY("a")} } AS item`,
    { roles });
  }

  themes(projectId: string) {
    return this.loaders.get<EntityRow>("project.themes", () => relationLoader(this.run, `
      MATCH (:Project {id: id})-[:ABOUT]->(t:Theme) WITH t ORDER BY t.nameKey RETURN ${ENTITY("t")} AS item`)).load(projectId);
  }

  places(projectId: string) {
    return this.loaders.get<EntityRow & { percentage?: number }>("project.places", () => relationLoader(this.run, `
      MATCH (:Project {id: id})-[r:TAKES_PLACE_IN]->(x) WITH x, r ORDER BY x.name
      RETURN ${ENTITY("x", "percentage: r.percentage")} AS item`)).load(projectId);
  }

  /** Countries involved: where participants are based, and where the project takes place. */
  involvedCountries(projectId: string) {
    return this.loaders.get<EntityRow>("project.involvedCountries", () => relationLoader(this.run, `
      CALL (id) {
        MATCH (:Project {id: id})<-[:PARTICIPATES_IN]-(:Actor)-[:BASED_IN]->(c:Country) RETURN c
        UNION MATCH (:Project {id: id})-[:TAKES_PLACE_IN]->(c:Country) RETURN c }
      WITH c ORDER BY c.name RETURN ${ENTITY("c")} AS item`)).load(projectId);
  }

  events(projectId: string) {
    return this.loaders.get<EntityRow>("project.events", () => relationLoader(this.run, `
      MATCH (:Project {id: id})-[:PRESENTED_AT]->(e:Event) RETURN ${ENTITY("e")} AS item`)).load(projectId);
  }

  partOf(projectId: string) {
    return this.loaders.get<EntityRow>("project.partOf", () => relationLoader(this.run, `
      MATCH (:Project {id: id})-[:PART_OF]->(x:Project) RETURN ${ENTITY("x")} AS item`)).load(projectId);
  }

  parts(projectId: string) {
    return this.loaders.get<EntityRow>("project.parts", () => relationLoader(this.run, `
      MATCH (:Project {id: id})<-[:PART_OF]-(x:Project) WITH x ORDER BY x.nameKey LIMIT 500 RETURN ${ENTITY("x")} AS item`)).load(projectId);
  }

  related(projectId: string) {
    return this.loaders.get<{ relation: string; projectId: string; project: EntityRow }>("project.related", () => relationLoader(this.run, `
      MATCH (:Project {id: id})-[r:RELATED_TO]->(x:Project)
      RETURN { relation: r.relation, projectId: x.id, project: ${ENTITY("x")} } AS item`)).load(projectId);
  }

  funding(projectId: string) {
    return this.loaders.get<EntityRow>("project.funding", () => relationLoader(this.run, `
      MATCH (:Project {id: id})<-[:FUNDS]-(f:Funding) WITH f ORDER BY f.date, f.id LIMIT 1000 RETURN ${ENTITY("f")} AS item`)).load(projectId);
  }

  /** Actors in the funder role, and actors providing funding flows to the project. */
  funders(projectId: string) {
    return this.loaders.get<EntityRow>("project.funders", () => relationLoader(this.run, `
      CALL (id) {
        MATCH (:Project {id: id})<-[:PARTICIPATES_IN {role: 'funder'}]-(a:Actor) RETURN a
        UNION MATCH (:Project {id: id})<-[:FUNDS]-(:Funding)<-[:FUNDED]-(a:Actor) RETURN a }
      WITH a ORDER BY a.nameKey RETURN ${ENTITY("a")} AS item`)).load(projectId);
  }
}
