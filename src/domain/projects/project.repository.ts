import type { Params } from "../../db/database.js";
import { THEME_COUNT } from "../../db/aggregates.js";
import type { CursorKey } from "../shared/pagination.js";
import { ACTOR_TYPES, STUB_LABEL } from "../../model/model.js";
import { relationLoader, type LoaderCache } from "../shared/relation-loader.js";
import type { QueryRunner } from "../shared/query-runner.js";
import { ENTITY, entityTuple, type EntityRow, type ProjectRow } from "../shared/rows.js";
import type { ParticipationRow } from "../actors/actor.repository.js";
import { idsToEstimate, matchCypher, plan, projectCriteria, type Estimates, type PlannedMatch, type ResolvedProjectFilter } from "./project-query.js";
import { ProjectSortField, SortDirection } from "./project.types.js";

export type { ResolvedProjectFilter } from "./project-query.js";

/** Every project read checks this on the projects it reads: a stub is a reference, not a project (model.ts). */
export const NOT_A_STUB = `NOT p:${STUB_LABEL}`;

/** All projects less the stubs: two label counts, read from Neo4j's count store in constant time. */
const PROJECTS_TOTAL = `CALL () { MATCH (p:Project) RETURN count(p) AS allProjects }
  CALL () { MATCH (s:${STUB_LABEL}) RETURN count(s) AS stubProjects }`;

/** Sort keys: each backed by a composite range index (property, id), see schema/migrations. */
const SORT_PROPERTY: Record<ProjectSortField, string> = {
  [ProjectSortField.NAME]: "nameKey",
  [ProjectSortField.START_DATE]: "startKey",
  [ProjectSortField.PARTICIPANTS]: "participantCount",
};

/**
 * How many projects an entity holds, cached for a minute per process: only the plan depends on
 * these figures (which side a filter starts from), never an answer, so a stale one costs at most time.
 */
export class ProjectStatistics {
  private readonly cache = new Map<string, { projects: number; expires: number }>();
  private total: { projects: number; expires: number } | null = null;

  constructor(private readonly ttlMs = 60_000, private readonly maxEntries = 10_000) {}

  async estimates(run: QueryRunner, ids: string[]): Promise<Estimates> {
    const now = Date.now();
    const missing = ids.filter((id) => (this.cache.get(id)?.expires ?? 0) <= now);
    if (missing.length || !this.total || this.total.expires <= now) await this.refresh(run, missing, now);
    return { projectsOf: new Map(ids.map((id) => [id, this.cache.get(id)?.projects ?? this.total!.projects])), total: this.total!.projects };
  }

  private async refresh(run: QueryRunner, ids: string[], now: number): Promise<void> {
    // Degrees are read from Neo4j's relationship counts: constant time per entity. A country's
    // projects are estimated from the projects taking place there (participants add about as many).
    const [row] = await run(`
      ${PROJECTS_TOTAL}
      RETURN allProjects - stubProjects AS total, COLLECT {
        UNWIND $ids AS id
        CALL (id) {
          MATCH (a:Actor {id: id}) RETURN COUNT { (a)-[:PARTICIPATES_IN]->() } + COUNT { (a)-[:FUNDED]->() } AS projects
          UNION ALL MATCH (t:Theme {id: id}) RETURN COUNT { (t)<-[:ABOUT]-() } AS projects
          UNION ALL MATCH (c:Country {id: id}) RETURN 2 * COUNT { (c)<-[:TAKES_PLACE_IN]-() } + COUNT { (c)<-[:BASED_IN]-() } AS projects
          UNION ALL MATCH (:Region {id: id}) RETURN -1 AS projects
        }
        RETURN { id: id, projects: projects } } AS degrees`, { ids });
    const total = Number(row?.total ?? 0);
    if (this.cache.size > this.maxEntries) this.cache.clear();
    this.total = { projects: total, expires: now + this.ttlMs };
    // A region: assume it holds every project (the walk then decides by the other criteria).
    for (const d of (row?.degrees as { id: string; projects: number }[] | undefined) ?? []) {
      this.cache.set(d.id, { projects: d.projects < 0 ? total : d.projects, expires: now + this.ttlMs });
    }
  }
}

/** One per process: estimates are worth keeping across requests. */
const defaultStatistics = new ProjectStatistics();

/** Without estimates at hand (analytics, exports): actors first, then themes, then places, as ranked by type. */
function estimatesByType(filter: ResolvedProjectFilter): Estimates {
  const rank = (type: string) => (ACTOR_TYPES.has(type as never) ? 1 : type === "Theme" ? 2 : type === "Country" ? 3 : 4);
  const projectsOf = new Map<string, number>();
  for (const e of [...filter.involvingAll, ...filter.involvingAny]) projectsOf.set(e.id, rank(e.type));
  [...filter.funderIds, ...filter.allFunderIds].forEach((id) => projectsOf.set(id, 1.5));
  filter.themeIds.forEach((id) => projectsOf.set(id, 2));
  filter.countryIds.forEach((id) => projectsOf.set(id, 3));
  filter.regionIds.forEach((id) => projectsOf.set(id, 4));
  return { projectsOf, total: 1000 };
}

export interface BuiltQuery {
  match: string;
  where: string[];
  params: Params;
}

/** The MATCH and WHERE that select the projects of a filter (each once); analytics and exports reuse it. */
export function buildFilter(filter: ResolvedProjectFilter): BuiltQuery {
  const planned = plan(projectCriteria(filter), estimatesByType(filter), null);
  return { match: matchCypher({ ...planned, predicates: [] }), where: [...planned.predicates, NOT_A_STUB], params: { ...planned.params } };
}

export interface ProjectPageRequest {
  filter: ResolvedProjectFilter;
  sort: ProjectSortField;
  direction: SortDirection;
  first: number;
  after: CursorKey | null;
  /** Fetch each project's participants in the same query (and their countries): the client asked for them. */
  withParticipants?: { basedIn: boolean };
  projection: PageProjection;
}

/**
 * Participants as the participants loader returns them, optionally with each actor's countries.
 * Only the selected properties are fetched, so these rows answer this page's selection and nothing
 * else: they travel on the page's rows (`lookahead`), never into the request's shared loaders, where
 * another field asking for more of the same project would get them (issue 9 a).
 * Fetched as lists (see entityTuple): [role, sourceIds, quotes, actor, countries].
 */
function participantsAhead(basedIn: boolean, projection: PageProjection) {
  const actor = entityTuple("a", projection.actor);
  const country = entityTuple("c", projection.country, { nodeType: "Country" });
  const sources = projection.participation.has("sources");
  const cypher = `COLLECT {
  MATCH (p)<-[r:PARTICIPATES_IN]-(a:Actor)
  WITH r, a ORDER BY a.nameKey, r.role, a.id
  RETURN [r.role, ${sources ? "r.sourceIds, r.quotes" : "null, null"}, ${actor.cypher}, ${basedIn ? `[(a)-[:BASED_IN]->(c:Country) | ${country.cypher}]` : "null"}] }`;
  const decode = (projectId: string, values: unknown[]): ParticipationRow => {
    const [role, sourceIds, quotes, actorValues, countries] = values as [string, string[] | null, string[] | null, unknown[], unknown[][] | null];
    const row = actor.decode(actorValues);
    if (countries) (row as EntityRow & { lookaheadBasedIn?: EntityRow[] }).lookaheadBasedIn = countries.map(country.decode);
    return { role, sourceIds, quotes, actorId: row.id, projectId, actor: row } as unknown as ParticipationRow;
  };
  return { cypher, decode };
}

/** The fields selected on projects, participations, actors and countries: only those are fetched. */
export interface PageProjection {
  project: ReadonlySet<string>;
  participation: ReadonlySet<string>;
  actor: ReadonlySet<string>;
  country: ReadonlySet<string>;
}

/** A project of a page, with what the page query fetched ahead for its fields. */
export type ProjectPageRow = ProjectRow & { sortValue: string | number; lookaheadParticipants?: ParticipationRow[] };

/** A filter on themes (at least one) and years, nothing else. */
function themesAndYearsOnly(f: ResolvedProjectFilter): boolean {
  return f.themeIds.length > 0 && f.projectIds === null && !f.involvingAll.length && !f.involvingAny.length && !f.kinds.length && !f.countryIds.length
    && !f.regionIds.length && !f.funderIds.length && !f.allFunderIds.length && f.roles === null;
}

export class ProjectRepository {
  constructor(private readonly run: QueryRunner, private readonly loaders: LoaderCache, private readonly statistics: ProjectStatistics = defaultStatistics) {}

  private async planned(filter: ResolvedProjectFilter, page: { size: number } | null): Promise<PlannedMatch> {
    const query = projectCriteria(filter);
    const ids = idsToEstimate(query);
    const estimates = ids.length ? await this.statistics.estimates(this.run, ids) : { projectsOf: new Map(), total: 0 };
    return plan(query, estimates, page);
  }

  /** One page, fetched with LIMIT first + 1 after the keyset position. */
  async page(req: ProjectPageRequest): Promise<ProjectPageRow[]> {
    const planned = await this.planned(req.filter, { size: req.first + 1 });
    const property = SORT_PROPERTY[req.sort];
    const [gt, dir] = req.direction === SortDirection.ASC ? [">", "ASC"] : ["<", "DESC"];
    const params: Params = { ...planned.params, limit: req.first + 1 };
    const predicates = [...planned.predicates, NOT_A_STUB];
    // Walking the (property, id) index in order stops at the page's end; the writer sets every
    // sort property, so none is null. Other starts read their projects, then sort.
    const walk = planned.start.kind === "sortIndex";
    const sortValue = walk ? `p.${property}` : `coalesce(p.${property}, ${req.sort === ProjectSortField.PARTICIPANTS ? "0" : "''"})`;
    if (walk) predicates.unshift(`p.${property} IS NOT NULL AND p.id IS NOT NULL`);
    if (req.after) {
      params.afterValue = req.after[0];
      params.afterId = req.after[1];
      if (walk) {
        // A seek into the index at the cursor, so deep pages cost what the first does. Past the
        // cursor's own key, as a CASE: written as an OR, the planner splits the seek into a union
        // that loses the index order and reads every project after the cursor.
        predicates.unshift(`p.${property} ${gt}= $afterValue`);
        predicates.push(`CASE WHEN p.${property} = $afterValue THEN p.id ${gt} $afterId ELSE true END`);
      } else {
        predicates.push(`(${sortValue} ${gt} $afterValue OR (${sortValue} = $afterValue AND p.id ${gt} $afterId))`);
      }
    }
    const project = entityTuple("p", req.projection.project, { nodeType: "Project" });
    const participants = req.withParticipants ? participantsAhead(req.withParticipants.basedIn, req.projection) : null;
    const match = walk ? `MATCH (p:Project) USING INDEX p:Project(${property}, id)` : matchCypher({ ...planned, predicates: [] });
    const cypher = `${match}
      ${predicates.length ? `WHERE ${predicates.join("\n AND ")}` : ""}
      WITH p, ${sortValue} AS sortValue
      ORDER BY sortValue ${dir}, p.id ${dir}
      LIMIT $limit
      RETURN ${project.cypher} AS row, sortValue
      ${participants ? `, ${participants.cypher} AS participants` : ""}`;
    const rows = await this.run(cypher, params);
    return rows.map((r) => {
      const row = project.decode(r.row as unknown[]) as ProjectPageRow;
      row.sortValue = r.sortValue as string | number;
      if (participants) row.lookaheadParticipants = (r.participants as unknown[][]).map((values) => participants.decode(row.id, values));
      return row;
    });
  }

  async count(filter: ResolvedProjectFilter): Promise<number> {
    // Themes and years only: the theme tallies kept on write hold the count (db/aggregates.ts).
    if (themesAndYearsOnly(filter)) {
      const [row] = await this.run(THEME_COUNT, { themes: filter.themeIds, from: filter.activeFrom, to: filter.activeTo });
      return Number(row?.n ?? 0);
    }
    const planned = await this.planned(filter, null);
    if (planned.start.kind === "every" && !planned.predicates.length) {
      const [all] = await this.run(`${PROJECTS_TOTAL} RETURN allProjects - stubProjects AS n`);
      return Number(all?.n ?? 0);
    }
    const [row] = await this.run(`${matchCypher({ ...planned, predicates: [...planned.predicates, NOT_A_STUB] })} RETURN count(p) AS n`, planned.params);
    return Number(row?.n ?? 0);
  }

  participants(projectId: string, roles: string[] | null) {
    return this.loaders.get<ParticipationRow>(`project.participants:${JSON.stringify(roles)}`, () => this.participantsLoader(roles)).load(projectId);
  }

  private participantsLoader(roles: string[] | null) {
    return relationLoader<ParticipationRow>(this.run, `
      MATCH (:Project {id: id})<-[r:PARTICIPATES_IN]-(a:Actor)
      WHERE $roles IS NULL OR r.role IN $roles
      WITH r, a ORDER BY a.nameKey, r.role, a.id
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
