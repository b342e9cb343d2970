/**
 * The Cypher of `partners` (an actor's strongest partners), shared by the analytics repository (the
 * query on its own) and the actor profile, which folds it into its own statement when the request
 * asks for both (one round trip: actor/actor.repository.ts). No imports from other repositories:
 * both sides import this module.
 */
import { ENTITY, entityRow, entityTuple, type EntityRow } from "../shared/rows.js";

export interface PartnerRow { actor: EntityRow; sharedProjects: number; firstYear: number | null; lastYear: number | null; projectIds: string[] }

export interface PartnerQuery {
  actorId: string;
  themeIds: string[] | null;
  roles: string[] | null;
  activeFrom: number | null;
  activeTo: number | null;
  first: number;
  /** Compute firstYear, lastYear and projectIds (they cost a second pass over the shared projects). */
  details?: boolean;
}

/** A filter on roles, themes or years: the partner tallies do not serve it, the projects are walked. */
export const isFilteredPartnerQuery = (q: PartnerQuery) => q.themeIds !== null || q.roles !== null || q.activeFrom !== null || q.activeTo !== null;

/** The partner filter's criteria on a shared project `p` joined through `r1` and `r2` (other names inside a subquery). */
export const projectCriteria = (p = "p", r1 = "r1", r2 = "r2") => `($roles IS NULL OR (${r1}.role IN $roles AND ${r2}.role IN $roles))
    AND ($themeIds IS NULL OR EXISTS { MATCH (${p})-[:ABOUT]->(t:Theme) WHERE t.id IN $themeIds })
    AND ($activeFrom IS NULL OR coalesce(${p}.endYear, ${p}.startYear) >= $activeFrom)
    AND ($activeTo IS NULL OR ${p}.startYear <= $activeTo)`;

export const PROJECT_CRITERIA = projectCriteria();

export const SHARED_PROJECT = `WHERE b <> a AND ${PROJECT_CRITERIA}`;

/**
 * Every partner `b` of actor `a` ($actorId) that can be among the $first strongest, with
 * `sharedProjects`, from the partner tallies (no filter): ordered seeks on the indexes on
 * PARTNERS_WITH (a, shared) and (b, shared) find the $first-th strongest count, then every partner
 * at least that strong is read (ties included, for the order by name). The cost follows the
 * answer, not the actor's projects or partners. The first seeks order by the whole index key
 * (`t.a DESC, t.shared DESC`): ordered by `t.shared` alone, the planner reads every one of the
 * actor's tallies and sorts them (3,592 entries instead of 11 for the hub at scale M).
 */
export const PARTNERS_FROM_TALLIES = `CALL () {
        MATCH ()-[t:PARTNERS_WITH]->() WHERE t.a = $actorId AND t.shared > 0 WITH t ORDER BY t.a DESC, t.shared DESC LIMIT $first RETURN t.shared AS s
        UNION ALL
        MATCH ()-[t:PARTNERS_WITH]->() WHERE t.b = $actorId AND t.shared > 0 WITH t ORDER BY t.b DESC, t.shared DESC LIMIT $first RETURN t.shared AS s
      }
      WITH s ORDER BY s DESC LIMIT $first
      WITH coalesce(min(s), 1) AS least
      MATCH (a:Actor {id: $actorId})
      CALL (least) {
        MATCH ()-[t:PARTNERS_WITH]->(b:Actor) WHERE t.a = $actorId AND t.shared >= least RETURN b, t.shared AS sharedProjects
        UNION ALL
        MATCH (b:Actor)-[t:PARTNERS_WITH]->() WHERE t.b = $actorId AND t.shared >= least RETURN b, t.shared AS sharedProjects
      }
      WITH a, b, sharedProjects`;

/**
 * The partners of `q` as rows of `b, sharedProjects, firstYear, lastYear, projectIds`, strongest
 * first, ties by name. Parameters: $actorId and $first; with a filter also $roles, $themeIds,
 * $activeFrom and $activeTo (without one the statement names none of them, so that the profile can
 * fold it next to its own $roles).
 */
export function partnersCypher(q: PartnerQuery): string {
  const filtered = isFilteredPartnerQuery(q);
  const shared = filtered ? SHARED_PROJECT : "WHERE b <> a";
  // Rank every partner by a count, then list the shared projects of the top ones only. Without a
  // filter the counts are the partner tallies (db/aggregates.ts): the actor's PARTNERS_WITH
  // relationships, not its projects; a filter on roles, themes or years needs the walk.
  return `
      ${filtered ? `MATCH (a:Actor {id: $actorId})-[r1:PARTICIPATES_IN]->(p:Project)<-[r2:PARTICIPATES_IN]-(b:Actor)
      ${shared}
      WITH a, b, count(DISTINCT p) AS sharedProjects` : PARTNERS_FROM_TALLIES}
      ORDER BY sharedProjects DESC, b.nameKey, b.id LIMIT $first
      // Years and ids read every shared project's properties: only for the partners kept, and only when asked for.
      ${q.details ? `CALL (a, b) {
        MATCH (a)-[r1:PARTICIPATES_IN]->(p:Project)<-[r2:PARTICIPATES_IN]-(b)
        ${shared}
        WITH DISTINCT p
        WITH p ORDER BY p.id
        RETURN min(p.startYear) AS firstYear, max(coalesce(p.endYear, p.startYear)) AS lastYear, collect(p.id)[0..20] AS projectIds
      }` : "WITH b, sharedProjects, null AS firstYear, null AS lastYear, [] AS projectIds"}
      WITH b, sharedProjects, firstYear, lastYear, projectIds ORDER BY sharedProjects DESC, b.nameKey, b.id`;
}

/** One partner of `partnersCypher`'s rows, as a map (the profile collects them). */
export const PARTNER_ITEM = `{ actor: ${ENTITY("b")}, sharedProjects: sharedProjects, firstYear: firstYear, lastYear: lastYear, projectIds: projectIds }`;

/**
 * One partner of `partnersCypher`'s rows as a list, the partner actor with only the `fields` selected
 * on it (see entityTuple): [actor, sharedProjects, firstYear, lastYear, projectIds]. For the profile,
 * whose rows answer its own selection only.
 */
export function partnerTuple(fields: ReadonlySet<string>): { cypher: string; decode: (values: unknown[]) => PartnerRow } {
  const actor = entityTuple("b", fields);
  return {
    cypher: `[${actor.cypher}, sharedProjects, firstYear, lastYear, projectIds]`,
    decode: ([b, sharedProjects, firstYear, lastYear, projectIds]) =>
      partnerRow({ actor: entityRow(actor.decode(b as unknown[])), sharedProjects, firstYear, lastYear, projectIds }),
  };
}

const yearOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** A partner item as the API returns it. */
export function partnerRow(item: Record<string, unknown>): PartnerRow {
  return {
    actor: item.actor as EntityRow, sharedProjects: Number(item.sharedProjects), firstYear: yearOrNull(item.firstYear),
    lastYear: yearOrNull(item.lastYear), projectIds: item.projectIds as string[],
  };
}
