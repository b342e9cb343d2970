/**
 * Network questions over the cooperation graph. Every traversal starts from an index seek on the
 * entities the caller names, has hop and size caps, and runs under the request's transaction
 * timeout; going over a cap is a LIMIT_EXCEEDED error that names the limit.
 */
import { ErrorCode, userError } from "../shared/errors.js";
import { compareStrings, groupBy } from "../../model/collections.js";
import { compareDecimals, sumDecimals } from "../../model/decimal.js";
import { COOPERATION_TYPES, RELATIONSHIP_TYPES, defaultPathTypes, keyLabelOfId, NODE_TYPE_OF, nodeTypeOfId, type NodeType } from "../../model/model.js";
import { buildFilter, type ResolvedProjectFilter } from "../projects/project.repository.js";
import type { QueryRunner } from "../shared/query-runner.js";
import { ENTITY, type EntityRow } from "../shared/rows.js";
import { PARTNER_ITEM, PROJECT_CRITERIA, SHARED_PROJECT, projectCriteria, partnerRow, partnersCypher, type PartnerQuery, type PartnerRow } from "./partner.statements.js";

export type { PartnerQuery, PartnerRow } from "./partner.statements.js";
import { FundingDimension, MatrixLevel } from "./analytics.types.js";

export const LIMITS = {
  maxHops: 10,
  defaultHops: 6,
  maxNeighborhoodHops: 3,
  maxNeighborhoodNodes: 500,
  maxLinkIds: 1000,
  maxLinks: 10_000,
  maxPaths: 25,
  maxPartners: 100,
  maxCentralityEdges: 2_000_000,
  maxGroups: 20_000,
} as const;

export { COOPERATION_TYPES };

/** Equally short paths read to choose from (see paths). */
const SHORTEST_PATH_CANDIDATES = 1000;

export function limitExceeded(what: string, limit: number): Error {
  return userError(`${what} is over the limit of ${limit}`, ErrorCode.LIMIT_EXCEEDED, { limit });
}

function keyLabel(id: string): string {
  const label = keyLabelOfId(id);
  if (!label) throw userError(`"${id}" is not an id`);
  return label;
}

function relationshipTypes(types: string[] | null | undefined): string {
  const chosen = types?.length ? types : COOPERATION_TYPES;
  for (const t of chosen) if (!Object.hasOwn(RELATIONSHIP_TYPES, t)) throw userError(`"${t}" is not a relationship type; use one of ${Object.keys(RELATIONSHIP_TYPES).join(", ")}`);
  return chosen.join("|");
}

// startYear and endYear: a project's (or event's) years, null for the rest; read off the node already matched.
const NODE = (n: string) => `{ id: ${n}.id, label: coalesce(${n}.name, ${n}.flowType + ' ' + coalesce(${n}.amount, '?') + ' ' + coalesce(${n}.currency, ''), ${n}.id), kind: ${NODE_TYPE_OF(n)}, startYear: ${n}.startYear, endYear: ${n}.endYear }`;

export interface IndirectPartnerRow { actor: EntityRow; via: EntityRow[]; weight: number }
export interface GraphNodeRow { id: string; label: string; kind: string; startYear: number | null; endYear: number | null }
export interface PathRow { nodes: GraphNodeRow[]; rels: { type: string; role: string | null; start: string; sourceIds?: string[]; quotes?: string[] }[] }
export interface EdgeRow { source: string; target: string; type: string; role: string | null }
export interface SubgraphRow { nodes: GraphNodeRow[]; edges: { source: string; target: string; type: string; role: string | null }[]; truncated: boolean; omitted: number }

interface FundingCriteria {
  funderIds: string[] | null; recipientIds: string[] | null; countryIds: string[] | null; regionIds: string[] | null;
  themeIds: string[] | null; fromYear: number | null; toYear: number | null; flowTypes: string[] | null;
}

/** A flow's project `p` takes place in one of the places in list parameter `param` (or in a place within them). */
const TAKES_PLACE_WITHIN = (param: string) => `EXISTS { MATCH (p)-[:TAKES_PLACE_IN]->()-[:IN_REGION*0..4]->(x) WHERE x.id IN ${param} }`;

/**
 * The flows `f` into projects `p` of a funding filter, as values: the first criterion that names
 * entities is where matching starts (an index seek on them); every other criterion is a predicate.
 */
function fundingSelection(f: FundingCriteria): { start: string; predicates: string[] } {
  const criteria = [
    // A fund that is part of an organization (UNDP Funding Windows, part of UNDP) funds for it, as in the projects filter.
    { ids: f.funderIds, start: "MATCH (x:Actor)<-[:PART_OF*0..2]-(:Actor)-[:FUNDED]->(f:Funding)-[:FUNDS]->(p:Project) WHERE x.id IN $funderIds",
      predicate: "EXISTS { MATCH (x:Actor)<-[:PART_OF*0..2]-(:Actor)-[:FUNDED]->(f) WHERE x.id IN $funderIds }" },
    { ids: f.countryIds, start: "MATCH (x:Country)<-[:TAKES_PLACE_IN]-(p:Project)<-[:FUNDS]-(f:Funding) WHERE x.id IN $countryIds",
      predicate: TAKES_PLACE_WITHIN("$countryIds") },
    { ids: f.regionIds, start: "MATCH (x:Region)<-[:IN_REGION*0..4]-()<-[:TAKES_PLACE_IN]-(p:Project)<-[:FUNDS]-(f:Funding) WHERE x.id IN $regionIds",
      predicate: TAKES_PLACE_WITHIN("$regionIds") },
    { ids: f.themeIds, start: "MATCH (x:Theme)<-[:ABOUT]-(p:Project)<-[:FUNDS]-(f:Funding) WHERE x.id IN $themeIds",
      predicate: "EXISTS { MATCH (p)-[:ABOUT]->(x:Theme) WHERE x.id IN $themeIds }" },
  ].filter((c) => c.ids);
  const [first, ...rest] = criteria;
  return {
    // No entity to start from: a scan of every flow, bounded by the transaction timeout.
    start: first?.start ?? "MATCH (f:Funding)-[:FUNDS]->(p:Project)",
    predicates: [
      "($flowTypes IS NULL AND f.flowType <> 'budget' OR f.flowType IN $flowTypes)",
      "($fromYear IS NULL OR toInteger(substring(f.date, 0, 4)) >= $fromYear)",
      "($toYear IS NULL OR toInteger(substring(f.date, 0, 4)) <= $toYear)",
      "($recipientIds IS NULL OR EXISTS { MATCH (f)-[:RECEIVED_BY]->(x:Actor) WHERE x.id IN $recipientIds })",
      ...rest.map((c) => c.predicate),
    ],
  };
}

/**
 * The way up from a place `x` (a country or a region) to the top of its region tree: a continent,
 * or a region that lies in no other (Middle East, regional). With SUB_REGION_ON_THE_WAY, the one
 * rule by which both cooperationMatrix(level: REGION) and fundingFlows(groupBy: [REGION]) file places.
 */
const UP_TO_TOP = (x: string) => `up = (${x})-[:IN_REGION*0..4]->(top:Region) WHERE NOT EXISTS { (top)-[:IN_REGION]->(:Region) }`;

/**
 * A place's region at the sub-region level, on a way `up` to its `top`: the region just below the
 * top (Peru, in South America, in Latin America and the Caribbean, in the Americas: Latin America
 * and the Caribbean; "South America, regional", in South America: the same; the United States:
 * Northern America). The top itself for the top (a continent named directly, a region outside M49)
 * and for a country placed directly in it. Every group but a continent's is then what the regions
 * filter counts in it: a place lies in a sub-region exactly when the sub-region is on its way up.
 */
const SUB_REGION_ON_THE_WAY = "CASE WHEN length(up) = 0 OR NOT 'Region' IN labels(nodes(up)[-2]) THEN top ELSE nodes(up)[-2] END";

/**
 * fundingFlows' REGION groups of a flow's project `p`, each once: the sub-region of each place it
 * takes place in (SUB_REGION_ON_THE_WAY), as cooperationMatrix(level: REGION) pairs them. `fre` is
 * null for a project in no place, or only in a country in no region.
 */
const FUNDING_REGION = `CALL (p) {
        OPTIONAL MATCH (p)-[:TAKES_PLACE_IN]->(place)
        OPTIONAL MATCH ${UP_TO_TOP("place")}
        WITH collect(DISTINCT ${SUB_REGION_ON_THE_WAY}) AS regions
        UNWIND CASE WHEN size(regions) = 0 THEN [null] ELSE regions END AS fre
        RETURN fre
      }`;

/**
 * The index whose entries alone answer fundingFlows by funder for a place and a year window
 * (schema/migrations/011_funding_tally_window.cypher); the predicates that every property is
 * present let the planner use it, and they hold for every dated tally (db/aggregates.ts). A seek:
 * with a plain index hint the planner took a scan of the whole index now and then while the
 * index was small (its statistics), which reads every place's tallies.
 */
const FUNDING_WINDOW = {
  hint: "USING INDEX SEEK t:FundingTally(place, year, pairKey, groupKey, total, flows, unknown)",
  present: "AND t.pairKey IS NOT NULL AND t.groupKey IS NOT NULL AND t.total IS NOT NULL AND t.flows IS NOT NULL AND t.unknown IS NOT NULL",
};

export interface FundingFlowsOptions {
  /** Read the entities' names for the keys (`keys { name }`); without it `name` is null for entity dimensions. Default true. */
  names?: boolean;
  /** For each kind of flow and currency, only the `first` groups of largest total. Default: every group. */
  first?: number | null;
}

export interface FundingFlowGroupRow {
  keys: { dimension: FundingDimension; value: string | null; name: string | null }[];
  flowType: string | null;
  currency: string | null;
  total: string;
  flows: number;
  unknownAmounts: number;
}

/** The same comparison as String.prototype.localeCompare (default locale and options), built once. */
const collate = new Intl.Collator().compare;

/**
 * Each distinct string's place in the collator's order (strings the collator calls equal share
 * one): sorting by these ranks gives what sorting by `collate` gives, with one collation per
 * comparison of distinct strings instead of one per comparison of groups.
 */
function collationRanks(texts: Iterable<string>): Map<string, number> {
  const sorted = [...new Set(texts)].sort(collate);
  const ranks = new Map<string, number>();
  let rank = 0;
  sorted.forEach((t, i) => {
    if (i > 0 && collate(sorted[i - 1]!, t) !== 0) rank += 1;
    ranks.set(t, rank);
  });
  return ranks;
}

/**
 * The sort text of a group's keys (`JSON.stringify(keys)`), built once per keys list: the tallies
 * path hands the same list to every group of one funder.
 */
function keyTexts(): (keys: FundingFlowGroupRow["keys"]) => string {
  const texts = new Map<FundingFlowGroupRow["keys"], string>();
  return (keys) => {
    let text = texts.get(keys);
    if (text === undefined) texts.set(keys, text = JSON.stringify(keys));
    return text;
  };
}

/**
 * fundingFlows' order: by keys, then kind of flow, then currency (each compared as localeCompare
 * does). Each distinct text is collated once (keys' sort text built once per keys list); a group
 * then sorts on one number made of its three ranks.
 */
export function orderGroups(groups: FundingFlowGroupRow[]): FundingFlowGroupRow[] {
  const textOf = keyTexts();
  const keyTextOfGroup = groups.map((g) => textOf(g.keys));
  const values = new Set<string>();
  for (const g of groups) values.add(String(g.flowType)).add(String(g.currency));
  const keyRanks = collationRanks(keyTextOfGroup);
  const valueRanks = collationRanks(values);
  const base = valueRanks.size;
  // Below 4 x groups^3, exact in a double far beyond maxGroups.
  const rank = groups.map((g, i) => (keyRanks.get(keyTextOfGroup[i]!)! * base + valueRanks.get(String(g.flowType))!) * base + valueRanks.get(String(g.currency))!);
  // Array.prototype.sort is stable: groups of equal rank keep their input order.
  return groups.map((_, i) => i).sort((a, b) => rank[a]! - rank[b]!).map((i) => groups[i]!);
}

/**
 * Larger exact total first. Parsing a decimal to a double rounds correctly, and rounding keeps
 * order (a <= b gives round(a) <= round(b)): doubles that differ order the totals; equal ones
 * (totals closer than a double tells apart, or beyond the double range) are compared exactly.
 */
function byTotalDescending(a: { total: string; approx: number }, b: { total: string; approx: number }): number {
  return a.approx > b.approx ? -1 : a.approx < b.approx ? 1 : compareDecimals(b.total, a.total);
}

/**
 * The top groups (`first`): for each kind of flow and currency, the `first` groups of largest exact
 * total, ties by keys; ordered by kind of flow, currency, then total descending.
 */
export function topGroups(groups: FundingFlowGroupRow[], first: number): FundingFlowGroupRow[] {
  // The pairs keyed on their values (null is not "null"), never on the collator's equality, which
  // holds for distinct strings (ignorable characters): each pair keeps at most `first` groups.
  const pairs = groupBy(groups.map((g) => ({ g, total: g.total, approx: Number(g.total) })), ({ g }) => JSON.stringify([g.flowType, g.currency]));
  const textOf = keyTexts();
  const text = (a: string, b: string) => collate(a, b) || compareStrings(a, b);
  const value = (a: string | null, b: string | null) => text(String(a), String(b)) || (a === b ? 0 : a === null ? -1 : 1);
  return [...pairs.values()]
    .sort(([a], [b]) => value(a!.g.flowType, b!.g.flowType) || value(a!.g.currency, b!.g.currency))
    .flatMap((items) => items.sort((a, b) => byTotalDescending(a, b) || text(textOf(a.g.keys), textOf(b.g.keys))).slice(0, first).map((x) => x.g));
}

/** A country `c`'s sub-region, bound as `r` (SUB_REGION_ON_THE_WAY). */
const SUB_REGION = `MATCH ${UP_TO_TOP("c")}
      WITH p, ${SUB_REGION_ON_THE_WAY} AS r`;

/**
 * Within a region, its parts instead: on the way up to it, the region just below it (within Latin
 * America: South America, Central America, the Caribbean; within the Americas: Latin America and
 * Northern America). A country placed in it directly has no part to count in.
 */
const PART_OF_WITHIN = `MATCH up = (c)-[:IN_REGION*2..4]->(:Region {id: $within})
      WITH p, nodes(up)[-2] AS r`;

export class AnalyticsRepository {
  constructor(private readonly run: QueryRunner) {}

  async partners(q: PartnerQuery): Promise<PartnerRow[]> {
    const rows = await this.run(`${partnersCypher(q)}
      RETURN ${PARTNER_ITEM} AS item ORDER BY sharedProjects DESC, b.nameKey, b.id`, { ...q });
    return rows.map((r) => partnerRow(r.item as Record<string, unknown>));
  }

  /** Partners of partners, with the direct partners in between (the 50 strongest are expanded). */
  async indirectPartners(q: PartnerQuery): Promise<IndirectPartnerRow[]> {
    const rows = await this.run(`
      MATCH (a:Actor {id: $actorId})-[r1:PARTICIPATES_IN]->(p:Project)<-[r2:PARTICIPATES_IN]-(b:Actor)
      ${SHARED_PROJECT}
      WITH a, b, count(DISTINCT p) AS w1 ORDER BY w1 DESC, b.nameKey, b.id LIMIT 50
      MATCH (b)-[r1:PARTICIPATES_IN]->(p:Project)<-[r2:PARTICIPATES_IN]-(c:Actor)
      // A direct partner under the same filter is not an indirect one (outside it, it may be).
      WHERE c <> a AND c <> b
        AND NOT EXISTS { MATCH (a)-[q1:PARTICIPATES_IN]->(q:Project)<-[q2:PARTICIPATES_IN]-(c) WHERE ${projectCriteria("q", "q1", "q2")} }
        AND ${PROJECT_CRITERIA}
      WITH c, b, w1, count(DISTINCT p) AS w2
      WITH c, b, CASE WHEN w1 < w2 THEN w1 ELSE w2 END AS strength ORDER BY strength DESC, b.nameKey
      WITH c, collect(${ENTITY("b")})[0..10] AS via, max(strength) AS weight
      RETURN ${ENTITY("c")} AS actor, via, weight ORDER BY weight DESC, c.nameKey LIMIT $first`, { ...q });
    return rows.map((r) => ({ actor: r.actor as EntityRow, via: r.via as EntityRow[], weight: Number(r.weight) }));
  }

  /** Shortest paths; the relationships' provenance (sourceIds, quotes) only when `sources` is not false (it is left empty otherwise). */
  async paths(fromId: string, toId: string, opts: { maxHops: number; all: boolean; types: string[] | null; sources?: boolean }): Promise<PathRow[]> {
    if (!Number.isInteger(opts.maxHops) || opts.maxHops < 1 || opts.maxHops > LIMITS.maxHops) throw limitExceeded(`maxHops ${opts.maxHops}`, LIMITS.maxHops);
    // Path length cannot be a parameter in Cypher: maxHops is a checked integer, types come from the model.
    const ends = [fromId, toId].map(nodeTypeOfId).filter((t): t is NodeType => t !== undefined);
    // Among equally short paths the answer must not depend on how the store happens to be laid out:
    // paths through actors and projects come before paths through events (two projects presented
    // at one session are less of a tie than a partner they share), then by their ids. The first
    // SHORTEST_PATH_CANDIDATES are ranked; a hub pair can have far more.
    const rows = await this.run(`
      MATCH (a:${keyLabel(fromId)} {id: $from}), (b:${keyLabel(toId)} {id: $to})
      MATCH path = allShortestPaths((a)-[:${relationshipTypes(opts.types?.length ? opts.types : defaultPathTypes(ends))}*..${opts.maxHops}]-(b))
      WITH path LIMIT ${SHORTEST_PATH_CANDIDATES}
      WITH path, size([n IN nodes(path)[1..-1] WHERE n:Event]) AS throughEvents, [n IN nodes(path) | n.id] AS ids
      ORDER BY throughEvents, ids LIMIT ${opts.all ? LIMITS.maxPaths : 1}
      RETURN [n IN nodes(path) | ${NODE("n")}] AS nodes,
             [r IN relationships(path) | { type: type(r), role: r.role, start: startNode(r).id${opts.sources === false ? "" : ", sourceIds: r.sourceIds, quotes: r.quotes"} }] AS rels`,
    { from: fromId, to: toId });
    return rows.map((r) => ({ nodes: r.nodes as GraphNodeRow[], rels: r.rels as PathRow["rels"] }));
  }

  async neighborhood(centerId: string, opts: { hops: number; maxNodes: number; types: string[] | null }): Promise<SubgraphRow | undefined> {
    if (opts.hops < 1 || opts.hops > LIMITS.maxNeighborhoodHops) throw limitExceeded(`hops ${opts.hops}`, LIMITS.maxNeighborhoodHops);
    if (opts.maxNodes < 1 || opts.maxNodes > LIMITS.maxNeighborhoodNodes) throw limitExceeded(`maxNodes ${opts.maxNodes}`, LIMITS.maxNeighborhoodNodes);
    const types = relationshipTypes(opts.types);
    const [row] = await this.run(`
      MATCH (c:${keyLabel(centerId)} {id: $center})
      CALL (c) {
        MATCH path = (c)-[:${types}*1..${opts.hops}]-(n)
        // Every path is walked to find each entity's distance anyway: counting them all costs a sort, not a walk.
        WITH n, min(length(path)) AS distance ORDER BY distance, n.id
        WITH collect(n) AS all
        RETURN all[0..$limit] AS found, size([n IN all WHERE n <> c]) AS within
      }
      WITH [c] + [n IN found WHERE n <> c] AS reached, within
      WITH reached[0..$maxNodes] AS kept, size(reached) > $maxNodes AS truncated, within
      UNWIND kept AS x
      OPTIONAL MATCH (x)-[r:${types}]->(y) WHERE y IN kept
      WITH kept, truncated, within, collect(DISTINCT r) AS rels
      RETURN [n IN kept | ${NODE("n")}] AS nodes,
             [r IN rels | { source: startNode(r).id, target: endNode(r).id, type: type(r), role: r.role }] AS edges, truncated,
             within + 1 - size(kept) AS omitted`,
    { center: centerId, limit: opts.maxNodes + 1, maxNodes: opts.maxNodes });
    return row && { nodes: row.nodes as GraphNodeRow[], edges: row.edges as SubgraphRow["edges"], truncated: Boolean(row.truncated), omitted: Math.max(0, Number(row.omitted)) };
  }

  /**
   * The relationships of the given types whose both ends are among `ids`: what a view draws between
   * the entities it already shows (an actor's BASED_IN to a country on the canvas, say). Each entity
   * is found by its id constraint and only its outgoing relationships are walked, so the cost follows
   * the entities named, not the graph: a country's thousands of incoming BASED_IN are never read.
   */
  async linksAmong(ids: string[], opts: { types: string[] | null }): Promise<EdgeRow[]> {
    const unique = [...new Set(ids)];
    if (unique.length > LIMITS.maxLinkIds) throw limitExceeded(`${unique.length} ids`, LIMITS.maxLinkIds);
    if (unique.length < 2) return [];
    const types = relationshipTypes(opts.types);
    // One seek per key label (labels come from the model, never from input).
    const groups = [...groupBy(unique, keyLabel).entries()];
    const params: Record<string, unknown> = { ids: unique, limit: LIMITS.maxLinks + 1 };
    groups.forEach(([, group], i) => (params[`g${i}`] = group));
    const rows = await this.run(`
      CALL () {
        ${groups.map(([label], i) => `UNWIND $g${i} AS id MATCH (x:${label} {id: id}) RETURN x`).join("\n        UNION ALL\n        ")}
      }
      MATCH (x)-[r:${types}]->(y) WHERE y.id IN $ids
      RETURN x.id AS source, y.id AS target, type(r) AS type, r.role AS role
      ORDER BY source, type, target, role
      LIMIT $limit`, params);
    if (rows.length > LIMITS.maxLinks) throw limitExceeded("the number of relationships", LIMITS.maxLinks);
    return rows.map((r) => ({ source: r.source as string, target: r.target as string, type: r.type as string, role: (r.role as string | null) ?? null }));
  }

  async fundingFlows(groupBy: FundingDimension[], f: FundingCriteria, opts: FundingFlowsOptions = {}): Promise<FundingFlowGroupRow[]> {
    const first = opts.first ?? null;
    if (first !== null && (!Number.isInteger(first) || first < 1 || first > LIMITS.maxGroups)) throw userError(`first must be between 1 and ${LIMITS.maxGroups}`);
    const fromTallies = await this.fundingFlowsFromTallies(groupBy, f, { names: opts.names ?? true, first });
    if (fromTallies) return fromTallies;
    const { start, predicates } = fundingSelection(f);
    // Group on nodes and values first; names are read once per group, after aggregating.
    const keyOf: Record<FundingDimension, { unwind?: string; group: string; name?: string; key: string }> = {
      [FundingDimension.FUNDER]: { unwind: "OPTIONAL MATCH (fg:Actor)-[:FUNDED]->(f)", group: "fg", key: "{ dimension: 'FUNDER', value: fg.id, name: fg.name }" },
      [FundingDimension.RECIPIENT]: { unwind: "OPTIONAL MATCH (f)-[:RECEIVED_BY]->(fr:Actor)", group: "fr", key: "{ dimension: 'RECIPIENT', value: fr.id, name: fr.name }" },
      [FundingDimension.PROJECT]: { group: "p", key: "{ dimension: 'PROJECT', value: p.id, name: p.name }" },
      [FundingDimension.COUNTRY]: { unwind: "OPTIONAL MATCH (p)-[:TAKES_PLACE_IN]->(fc:Country)", group: "fc", key: "{ dimension: 'COUNTRY', value: fc.id, name: fc.name }" },
      [FundingDimension.REGION]: { unwind: FUNDING_REGION, group: "fre", key: "{ dimension: 'REGION', value: fre.id, name: fre.name }" },
      [FundingDimension.THEME]: { unwind: "OPTIONAL MATCH (p)-[:ABOUT]->(ft:Theme)", group: "ft", key: "{ dimension: 'THEME', value: ft.id, name: ft.name }" },
      [FundingDimension.YEAR]: { group: "substring(f.date, 0, 4) AS year", name: "year", key: "{ dimension: 'YEAR', value: year, name: year }" },
      [FundingDimension.FLOW_TYPE]: { group: "f.flowType AS flowType", name: "flowType", key: "{ dimension: 'FLOW_TYPE', value: flowType, name: flowType }" },
    };
    const dims = [...new Set(groupBy)];
    const groupVars = dims.map((d) => keyOf[d].group);
    const groupNames = dims.map((d) => keyOf[d].name ?? keyOf[d].group);
    // A project PROJECT-grouped keeps `p`; otherwise p is only needed to find the groups.
    const rows = await this.run(`
      ${start}
      WITH DISTINCT f, p
      WHERE ${predicates.join("\n        AND ")}
      ${dims.map((d) => keyOf[d].unwind ?? "").join("\n")}
      WITH DISTINCT ${groupVars.join(", ")}, f
      // Never summed across currencies, nor across kinds of flow: a commitment and the disbursement
      // that follows it (or another activity's incoming funds) are often the same money.
      WITH ${groupNames.join(", ")}, f.currency AS currency, f.flowType AS kindOfFlow, collect(f.amount) AS amounts, count(f) AS flows, count(f) - count(f.amount) AS unknownAmounts
      RETURN [${dims.map((d) => keyOf[d].key).join(", ")}] AS keys, kindOfFlow AS flowType, currency, amounts, flows, unknownAmounts
      LIMIT ${LIMITS.maxGroups + 1}`, { ...f });
    if (rows.length > LIMITS.maxGroups) throw limitExceeded("the number of groups", LIMITS.maxGroups);
    const groups = rows.map((r) => ({
      keys: r.keys as FundingFlowGroupRow["keys"],
      flowType: r.flowType as string | null,
      currency: r.currency as string | null,
      total: sumDecimals(r.amounts as string[]),
      flows: Number(r.flows),
      unknownAmounts: Number(r.unknownAmounts),
    }));
    return first === null ? orderGroups(groups) : topGroups(groups, first);
  }

  /**
   * fundingFlows read from the funding tallies the write side keeps (db/aggregates.ts), when they
   * hold the answer: grouped by funder (and, as always, by flow type and currency), for one country or region, by years and
   * flow types only. A flow counts once per funder in a place's tallies, so these groups are the
   * flows' own. Otherwise null: the flows are walked.
   *
   * With a year bound, the tallies are read from the entries of the index on (place, year, pairKey,
   * groupKey, total, flows, unknown) alone (FUNDING_WINDOW): no tally is read, but one per group
   * returned for its funder's name. Without one, undated tallies count too, and the (place) index
   * finds them. The funders' names are read only when asked for, and only for the groups returned.
   * With `first`, Neo4j ranks the groups of each kind of flow and currency by a floating-point sum and
   * returns the top ones plus every group within that sum's error bound of the last one kept (so
   * rounding never drops a group); the exact decimal totals then decide here (topGroups).
   */
  private async fundingFlowsFromTallies(groupBy: FundingDimension[], f: FundingCriteria, opts: { names: boolean; first: number | null }) {
    const dims = [...new Set(groupBy)];
    const places = [...(f.countryIds ?? []), ...(f.regionIds ?? [])];
    const [place] = places;
    if (!dims.includes(FundingDimension.FUNDER) || dims.some((d) => d !== FundingDimension.FUNDER && d !== FundingDimension.FLOW_TYPE)) return null;
    if (places.length !== 1 || (f.countryIds && f.regionIds) || f.funderIds || f.recipientIds || f.themeIds) return null;
    const windowed = f.fromYear !== null || f.toYear !== null;
    // Written out only for the bounds given, so that the index serves the range.
    const years = [f.fromYear !== null ? "t.year >= $fromYear" : "", f.toYear !== null ? "t.year <= $toYear" : ""].filter(Boolean);
    // The kind of flow is read from pairKey (JSON [flowType, currency]), so that the window's index
    // entries answer it: a string kind but budget by default (t.flowType <> 'budget' is null for a
    // null kind), else one of those asked for.
    const flowTypes = f.flowTypes === null ? null : f.flowTypes.filter((x) => typeof x === "string").map((x) => `${JSON.stringify([x]).slice(0, -1)},`);
    const match = `MATCH (t:FundingTally) ${windowed ? FUNDING_WINDOW.hint : ""} WHERE t.place = $place ${years.map((y) => `AND ${y}`).join(" ")}
        ${windowed ? FUNDING_WINDOW.present : ""} AND ${flowTypes === null ? `t.pairKey STARTS WITH '["' AND NOT t.pairKey STARTS WITH '["budget",'` : "any(prefix IN $flowTypes WHERE t.pairKey STARTS WITH prefix)"}`;
    // A funder's name: read on one of its group's tallies, the only tally read on the window's path.
    const sample = opts.names ? ", head(collect(t)) AS sample" : "";
    const name = opts.names ? "OPTIONAL MATCH (g:Actor {id: sample.funder})" : "";
    const nameValue = opts.names ? "g.name" : "null";
    const cypher = opts.first === null
      ? `${match}
      WITH t.groupKey AS groupKey, collect(t.total) AS totals, sum(t.flows) AS flows, sum(t.unknown) AS unknownAmounts${sample}
      LIMIT ${LIMITS.maxGroups + 1}
      ${name}
      RETURN groupKey, ${nameValue} AS name, totals, flows, unknownAmounts`
      // The float sum of a group is within 1e-12 of the sum of its terms' magnitudes of the exact
      // one (at most a few dozen terms): every group whose float sum reaches the first-th one's
      // minus twice the pair's largest such bound may belong to the top.
      : `${match}
      WITH t.pairKey AS pairKey, t.groupKey AS groupKey, collect(t.total) AS totals,
           sum(toFloat(t.total)) AS approx, sum(abs(toFloat(t.total))) AS magnitude, sum(t.flows) AS flows, sum(t.unknown) AS unknownAmounts${sample}
      ORDER BY approx DESC
      // 1e-300 covers the rounding of amounts below the normal doubles; a pair with a sum beyond the
      // doubles (slack not finite: x * 0.0 is NaN) keeps every group, as does a NaN last one.
      WITH pairKey, max(magnitude) * 1e-12 + 1e-300 AS slack,
           collect({ groupKey: groupKey, totals: totals, approx: approx, flows: flows, unknownAmounts: unknownAmounts${opts.names ? ", sample: sample" : ""} }) AS groups
      WITH pairKey, slack, groups, groups[$first - 1].approx AS last
      UNWIND groups AS group
      WITH group WHERE last IS NULL OR NOT (last * 0.0 = 0.0 AND slack * 0.0 = 0.0) OR group.approx >= last - 2 * slack
      WITH group${opts.names ? ", group.sample AS sample" : ""}
      LIMIT ${LIMITS.maxGroups + 1}
      ${name}
      RETURN group.groupKey AS groupKey, ${nameValue} AS name, group.totals AS totals, group.flows AS flows, group.unknownAmounts AS unknownAmounts`;
    const rows = await this.run(cypher, { place, fromYear: f.fromYear, toYear: f.toYear, flowTypes, first: opts.first });
    if (rows.length > LIMITS.maxGroups) throw limitExceeded("the number of groups", LIMITS.maxGroups);
    // One keys list per funder (and kind of flow, when grouped by it), shared by its groups: its
    // sort text is then built once (orderGroups, topGroups). A funder has one name.
    const withFlowType = dims.includes(FundingDimension.FLOW_TYPE);
    const keyLists = new Map<string | null, Map<string | null, FundingFlowGroupRow["keys"]>>();
    const keysOf = (funder: string | null, name: string | null, flowType: string | null) => {
      let byFlowType = keyLists.get(funder);
      if (!byFlowType) keyLists.set(funder, byFlowType = new Map());
      const at = withFlowType ? flowType : null;
      let keys = byFlowType.get(at);
      if (!keys) {
        byFlowType.set(at, keys = dims.map((d) => d === FundingDimension.FUNDER
          ? { dimension: d, value: funder, name: funder === null ? null : name }
          : { dimension: d, value: flowType, name: flowType }));
      }
      return keys;
    };
    const groups = rows.map((r): FundingFlowGroupRow => {
      // groupKey: JSON [funder, flowType, currency] (fundingTallyWindowKeys).
      const [funder, flowType, currency] = JSON.parse(r.groupKey as string) as [string | null, string | null, string | null];
      return {
        keys: keysOf(funder, (r.name as string | null) ?? null, flowType),
        // Never summed across kinds of flow, as on the walked path.
        flowType,
        currency,
        total: sumDecimals(r.totals as string[]),
        flows: Number(r.flows),
        unknownAmounts: Number(r.unknownAmounts),
      };
    });
    return opts.first === null ? orderGroups(groups) : topGroups(groups, opts.first);
  }

  /**
   * Pairs of places involved in the same projects; involvement as in the projects filter. REGION:
   * each country's M49 sub-region, the region just below a continent, whether the country lies in it
   * (United States in Northern America) or in an intermediate region below it (Peru in South America).
   */
  async cooperationMatrix(level: MatrixLevel, filter: ResolvedProjectFilter, withinRegionId: string | null) {
    const { match, where, params } = buildFilter(filter);
    const place = level === MatrixLevel.COUNTRY ? "c" : "r";
    const rows = await this.run(`
      ${match}
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      // Involved countries: kept on the project by the write side (see shared/involvement.ts).
      UNWIND [x IN p.involvedPlaces WHERE x STARTS WITH 'country:'] AS countryId
      MATCH (c:Country {id: countryId})
      WITH p, c WHERE $within IS NULL OR EXISTS { MATCH (c)-[:IN_REGION*1..4]->(:Region {id: $within}) }
      ${level === MatrixLevel.REGION ? (withinRegionId ? PART_OF_WITHIN : SUB_REGION) : ""}
      WITH p, collect(DISTINCT ${place}) AS places
      UNWIND places AS a
      UNWIND places AS b
      WITH a, b, p WHERE a <> b
      RETURN a { .id, .code, .name, .nameEs } AS a, b { .id, .code, .name, .nameEs } AS b, count(DISTINCT p) AS sharedProjects
      ORDER BY a.name, sharedProjects DESC, b.name
      LIMIT ${LIMITS.maxGroups + 1}`, { ...params, within: withinRegionId });
    if (rows.length > LIMITS.maxGroups) throw limitExceeded("the number of matrix cells", LIMITS.maxGroups);
    return rows.map((r) => ({ a: r.a as Record<string, string>, b: r.b as Record<string, string>, sharedProjects: Number(r.sharedProjects) }));
  }

  /** The actor-to-actor cooperation network: an edge per pair of co-participants, weighted by shared projects. */
  async cooperationEdges(filter: ResolvedProjectFilter): Promise<{ a: string; b: string; weight: number }[]> {
    const { match, where, params } = buildFilter(filter);
    const rows = await this.run(`
      ${match}
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      MATCH (x:Actor)-[:PARTICIPATES_IN]->(p)<-[:PARTICIPATES_IN]-(y:Actor)
      WHERE x.id < y.id
      WITH x.id AS a, y.id AS b, count(DISTINCT p) AS weight
      RETURN a, b, weight LIMIT ${LIMITS.maxCentralityEdges + 1}`, params);
    if (rows.length > LIMITS.maxCentralityEdges) throw limitExceeded("the cooperation network's edge count", LIMITS.maxCentralityEdges);
    return rows.map((r) => ({ a: String(r.a), b: String(r.b), weight: Number(r.weight) }));
  }

  async timeline(filter: ResolvedProjectFilter) {
    const { match, where, params } = buildFilter(filter);
    const rows = await this.run(`
      ${match}
      WHERE p.startYear IS NOT NULL ${where.length ? `AND ${where.join(" AND ")}` : ""}
      WITH DISTINCT p
      // An end year before the start (bad source data) counts the start year alone.
      UNWIND range(p.startYear, CASE WHEN p.endYear >= p.startYear THEN p.endYear ELSE p.startYear END) AS year
      // With a year window, only its years: a bar outside it would count only the projects that reach into it.
      WITH p, year WHERE ($windowFrom IS NULL OR year >= $windowFrom) AND ($windowTo IS NULL OR year <= $windowTo)
      RETURN year, count(p) AS active, sum(CASE WHEN year = p.startYear THEN 1 ELSE 0 END) AS started
      ORDER BY year`, { ...params, windowFrom: filter.activeFrom, windowTo: filter.activeTo });
    return rows.map((r) => ({ year: Number(r.year), active: Number(r.active), started: Number(r.started) }));
  }
}
