/**
 * "A project involves a place": an actor based there takes part, or the project takes place there
 * (a region involves what is within it). Defined here once, in its three forms:
 * - the derived property `involvedPlaces` the write side keeps on every project;
 * - the per-project check that filters read;
 * - the projects around some places, walked from the places' side (a starting point, and what a
 *   write must refresh when a place or an actor moves).
 */

/**
 * Cypher expression: the sorted ids of every country and region project `p` involves. Pattern
 * comprehensions without labels can only be walked from `p`: the planner cannot start from a
 * label scan of the countries and join back, which it would do for a labeled subquery.
 */
export const INVOLVED_PLACES = `COLLECT {
  UNWIND [(p)<-[:PARTICIPATES_IN]-()-[:BASED_IN]->()-[:IN_REGION*0..4]->(x) | x.id]
       + [(p)-[:TAKES_PLACE_IN]->()-[:IN_REGION*0..4]->(x) | x.id] AS place
  RETURN DISTINCT place ORDER BY place }`;

/**
 * Cypher predicate: project `p` involves the place whose id is in parameter `param`. With roles,
 * only participants in one of `$roles` count, which the derived property cannot tell: walk then.
 */
export function involvesPlace(param: string, withRoles: boolean): string {
  if (!withRoles) return `${param} IN p.involvedPlaces`;
  return `(EXISTS { MATCH (p)<-[r:PARTICIPATES_IN]-(:Actor)-[:BASED_IN]->(:Country)-[:IN_REGION*0..4]->(x) WHERE x.id = ${param} AND r.role IN $roles }
    OR EXISTS { MATCH (p)-[:TAKES_PLACE_IN]->()-[:IN_REGION*0..4]->(x) WHERE x.id = ${param} })`;
}

/** Cypher predicate: project `p` involves one of the places whose ids are in list parameter `param`. */
export const involvesAnyPlace = (param: string) => `any(x IN p.involvedPlaces WHERE x IN ${param})`;

/**
 * Cypher clauses binding `p`, once each, to the projects involving one of the countries or regions
 * whose ids are in list parameter `param`, walked from the places (an index seek on their ids).
 */
export const PROJECTS_AROUND_PLACES = (param: string) => `CALL () {
    CALL () { MATCH (x:Country) WHERE x.id IN ${param} RETURN x UNION MATCH (x:Region) WHERE x.id IN ${param} RETURN x }
    MATCH (x)<-[:IN_REGION*0..4]-(place)
    CALL (place) {
      MATCH (place)<-[:TAKES_PLACE_IN]-(p:Project) RETURN p
      UNION MATCH (place)<-[:BASED_IN]-(:Actor)-[:PARTICIPATES_IN]->(p:Project) RETURN p }
    RETURN DISTINCT p }`;
