/**
 * A project filter as a value: the criteria, each with its predicate on `p` and, where it has one,
 * the starting point that selects exactly its projects from the entities' side. A plan picks where
 * matching starts (an entity, or the sort index walked in order with an early stop) from estimates
 * of how many projects each criterion holds; Cypher text is produced only at the end (`toCypher`).
 * No decision reads generated Cypher.
 */
import type { Params } from "../../db/database.js";
import { ACTOR_TYPES } from "../../model/model.js";
import type { ResolvedEntity } from "../references/reference.repository.js";
import { PROJECTS_AROUND_PLACES, involvesAnyPlace, involvesPlace } from "../../model/involvement.js";

/** A filter whose references are already resolved to entities. */
export interface ResolvedProjectFilter {
  /** ProjectFilter.ids: only these projects (null: any project; empty: none). */
  projectIds: string[] | null;
  involvingAll: ResolvedEntity[];
  involvingAny: ResolvedEntity[];
  themeIds: string[];
  kinds: string[];
  countryIds: string[];
  regionIds: string[];
  funderIds: string[];
  /** Funders that must all fund the project. */
  allFunderIds: string[];
  roles: string[] | null;
  activeFrom: number | null;
  activeTo: number | null;
}

/** Where matching can start: clauses that bind `p` to exactly the projects of one criterion. */
interface Start {
  cypher: string;
  /** Ids whose project counts estimate how many projects this start yields (summed). */
  sizeOf: string[];
  /** Projects named by id: the start yields at most this many, whatever the estimates (plan starts from it). */
  atMost?: number;
}

const isActor = (entity: ResolvedEntity) => ACTOR_TYPES.has(entity.type);

/** One criterion of a filter. */
export interface Criterion {
  predicate: string;
  start?: Start;
}

export interface ProjectFilterQuery {
  criteria: Criterion[];
  params: Params;
}

/** "Project p involves entity $x": the predicate for one reference, chosen by the entity's type. */
function involves(entity: ResolvedEntity, param: string, withRoles: boolean): string {
  switch (entity.type) {
    case "Country":
    case "Region":
      return involvesPlace(param, withRoles);
    case "Theme":
      return `EXISTS { MATCH (p)-[:ABOUT]->(:Theme {id: ${param}}) }`;
    case "Project":
      return `(p.id = ${param} OR EXISTS { MATCH (p)-[:PART_OF]->(:Project {id: ${param}}) })`;
    case "Event":
      return `EXISTS { MATCH (p)-[:PRESENTED_AT]->(:Event)-[:PART_OF*0..2]->(:Event {id: ${param}}) }`;
    default:
      return `EXISTS { MATCH (p)<-[r:PARTICIPATES_IN]-(:Actor {id: ${param}})${withRoles ? " WHERE r.role IN $roles" : ""} }`;
  }
}

/** The projects of one entity, from its side; none for projects and events (their predicate is cheap). */
function startFrom(entity: ResolvedEntity, param: string, withRoles: boolean): Start | undefined {
  // With roles the entity's side yields more than the criterion: the predicate stays, the start is no shortcut.
  if (withRoles && entity.type !== "Theme") return undefined;
  switch (entity.type) {
    case "Theme":
      return { cypher: `MATCH (:Theme {id: ${param}})<-[:ABOUT]-(p:Project)`, sizeOf: [entity.id] };
    case "Country":
    case "Region":
      return { cypher: `${PROJECTS_AROUND_PLACES(`[${param}]`)} WITH p`, sizeOf: [entity.id] };
    case "Project":
    case "Event":
      return undefined;
    default:
      return { cypher: `MATCH (:Actor {id: ${param}})-[:PARTICIPATES_IN]->(p:Project) WITH DISTINCT p`, sizeOf: [entity.id] };
  }
}

/**
 * Funded by one of the actors that `which` selects (as `a`), through the funder role or a funding
 * flow. A fund that is part of an organization (UNDP Funding Windows, part of UNDP) funds for it.
 */
function fundedBy(which: string, ids: string[]): Criterion {
  return {
    predicate: `(EXISTS { MATCH (p)<-[:PARTICIPATES_IN {role: 'funder'}]-(:Actor)-[:PART_OF*0..2]->(a:Actor) WHERE ${which} }
        OR EXISTS { MATCH (p)<-[:FUNDS]-(:Funding)<-[:FUNDED]-(:Actor)-[:PART_OF*0..2]->(a:Actor) WHERE ${which} })`,
    start: {
      cypher: `CALL () {
          MATCH (a:Actor)<-[:PART_OF*0..2]-(:Actor)-[:PARTICIPATES_IN {role: 'funder'}]->(p:Project) WHERE ${which} RETURN p
          UNION MATCH (a:Actor)<-[:PART_OF*0..2]-(:Actor)-[:FUNDED]->(:Funding)-[:FUNDS]->(p:Project) WHERE ${which} RETURN p }
          WITH p`,
      sizeOf: ids,
    },
  };
}

/** The criteria of a filter, each with its parameters. */
export function projectCriteria(filter: ResolvedProjectFilter): ProjectFilterQuery {
  const params: Params = { roles: filter.roles };
  const criteria: Criterion[] = [];
  const withRoles = filter.roles !== null;
  if (filter.projectIds) {
    params.projectIds = filter.projectIds;
    // Each id sought by the Project id constraint (UNWIND, so one seek per id).
    criteria.push({ predicate: "p.id IN $projectIds", start: { cypher: "UNWIND $projectIds AS projectId MATCH (p:Project {id: projectId})", sizeOf: [], atMost: filter.projectIds.length } });
  }
  filter.involvingAll.forEach((entity, i) => {
    params[`all${i}`] = entity.id;
    criteria.push({ predicate: involves(entity, `$all${i}`, withRoles), start: startFrom(entity, `$all${i}`, withRoles) });
  });
  if (filter.involvingAny.length) {
    const alternatives = filter.involvingAny.map((entity, i) => {
      params[`any${i}`] = entity.id;
      return involves(entity, `$any${i}`, withRoles);
    });
    criteria.push({ predicate: `(${alternatives.join(" OR ")})` });
  }
  if (filter.themeIds.length) {
    params.themeIds = filter.themeIds;
    criteria.push({
      predicate: "EXISTS { MATCH (p)-[:ABOUT]->(t:Theme) WHERE t.id IN $themeIds }",
      start: { cypher: "MATCH (t:Theme) WHERE t.id IN $themeIds MATCH (t)<-[:ABOUT]-(p:Project) WITH DISTINCT p", sizeOf: filter.themeIds },
    });
  }
  if (filter.kinds.length) {
    params.kinds = filter.kinds;
    criteria.push({ predicate: "p.kind IN $kinds" });
  }
  for (const [param, ids] of [["countryIds", filter.countryIds], ["regionIds", filter.regionIds]] as const) {
    if (!ids.length) continue;
    params[param] = ids;
    criteria.push({ predicate: involvesAnyPlace(`$${param}`), start: { cypher: `${PROJECTS_AROUND_PLACES(`$${param}`)} WITH p`, sizeOf: ids } });
  }
  if (filter.funderIds.length) {
    params.funderIds = filter.funderIds;
    criteria.push(fundedBy("a.id IN $funderIds", filter.funderIds));
  }
  filter.allFunderIds.forEach((id, i) => {
    params[`funder${i}`] = id;
    criteria.push(fundedBy(`a.id = $funder${i}`, [id]));
  });
  if (withRoles && !filter.involvingAll.some(isActor) && !filter.involvingAny.some(isActor)) {
    criteria.push({ predicate: "EXISTS { MATCH (p)<-[r:PARTICIPATES_IN]-(:Actor) WHERE r.role IN $roles }" });
  }
  if (filter.activeFrom !== null) {
    params.activeFrom = filter.activeFrom;
    criteria.push({ predicate: "coalesce(p.endYear, p.startYear) >= $activeFrom" });
  }
  if (filter.activeTo !== null) {
    params.activeTo = filter.activeTo;
    criteria.push({ predicate: "p.startYear <= $activeTo" });
  }
  return { criteria, params };
}

/** Ids whose project counts the planner wants to know. */
export function idsToEstimate(query: ProjectFilterQuery): string[] {
  return [...new Set(query.criteria.flatMap((c) => c.start?.sizeOf ?? []))];
}

/** How many projects each id holds (estimates are enough: they choose a plan, never an answer), and all projects. */
export interface Estimates {
  projectsOf: ReadonlyMap<string, number>;
  total: number;
}

/** The planned match: where it starts, and what is left to check on each project. */
export interface PlannedMatch {
  start: { kind: "every" } | { kind: "sortIndex" } | { kind: "criterion"; criterion: Criterion };
  predicates: string[];
  params: Params;
}

const sizeOf = (start: Start, estimates: Estimates) =>
  Math.min(estimates.total, start.sizeOf.reduce((n, id) => n + (estimates.projectsOf.get(id) ?? estimates.total), 0));

/**
 * Chooses where to start. Starting from a criterion's entities costs about the projects they hold;
 * walking the sort index costs the page size divided by the share of projects that pass every
 * criterion (each criterion's share multiplied, as if independent). A page takes the cheaper one;
 * a count has no order to exploit and starts from the smallest criterion.
 */
export function plan(query: ProjectFilterQuery, estimates: Estimates, page: { size: number } | null): PlannedMatch {
  const startable = query.criteria.filter((c) => c.start);
  const smallest = startable.reduce<Criterion | undefined>((best, c) =>
    !best || sizeOf(c.start!, estimates) < sizeOf(best.start!, estimates) ? c : best, undefined);
  const others = (skip?: Criterion) => query.criteria.filter((c) => c !== skip).map((c) => c.predicate);
  // Projects named by id are at most a thousand seeks of the id constraint: always the start, never a walk.
  const named = startable.find((c) => c.start!.atMost !== undefined);
  if (named) return { start: { kind: "criterion", criterion: named }, predicates: others(named), params: query.params };
  if (page) {
    const share = startable.reduce((s, c) => s * (sizeOf(c.start!, estimates) / Math.max(1, estimates.total)), 1);
    const walkCost = page.size / Math.max(share, 1e-9);
    // Reading a start's projects and sorting them costs about twice a walk's check per project.
    if (!smallest || walkCost < 2 * sizeOf(smallest.start!, estimates)) {
      return { start: { kind: "sortIndex" }, predicates: others(), params: query.params };
    }
  }
  if (!smallest) return { start: { kind: "every" }, predicates: others(), params: query.params };
  return { start: { kind: "criterion", criterion: smallest }, predicates: others(smallest), params: query.params };
}

/** MATCH ... WHERE ... binding `p` once per matching project (no order). */
export function matchCypher(planned: PlannedMatch): string {
  const start = planned.start.kind === "criterion" ? planned.start.criterion.start!.cypher : "MATCH (p:Project)";
  return `${start}\n${planned.predicates.length ? `WHERE ${planned.predicates.join("\n  AND ")}` : ""}`;
}
