/**
 * The benchmark's query mix, each on three sides: our API (GraphQL over HTTP), the floor (the
 * minimal hand-written Cypher through the driver) and the peer (@neo4j/graphql), where the peer
 * can express it. `normalize` turns each side's answer into the same shape so they can be compared.
 */
import type { Driver } from "neo4j-driver";
import neo4j from "neo4j-driver";
import { sumDecimals } from "../src/model/decimal.js";
import { THEME_COUNT } from "../src/db/aggregates.js";

export interface BenchContext {
  org: string;
  country: string;
  countryCode: string;
  themes: string[];
  fromYear: number;
  toYear: number;
  midActors: [string, string];
  region: string;
  /** Q8's year window. */
  fundingFrom: number;
  fundingTo: number;
  /** Q4: keyset cursor of the deep page, and the equivalent offset for the peer. */
  deepCursor: string;
  deepOffset: number;
  deepPage: number;
  searchText: string;
}

export interface GraphQLCall { query: string; variables?: Record<string, unknown> }

export interface BenchQuery {
  id: string;
  title: string;
  api: (c: BenchContext) => GraphQLCall;
  floor: (driver: Driver, c: BenchContext) => Promise<unknown>;
  /** Several hand-written candidates (floor among them): the runner keeps the fastest on the graph at hand. */
  floors?: ((driver: Driver, c: BenchContext) => Promise<unknown>)[];
  peer: ((c: BenchContext) => GraphQLCall) | null;
  /** Measured only when `--only` names it (a variant, not part of the mix). */
  optional?: boolean;
  /** The comparable answer of each side. */
  normalize: { api: (data: any) => unknown; floor: (rows: any) => unknown; peer?: (data: any) => unknown };
}

async function read(driver: Driver, cypher: string, params: Record<string, unknown>) {
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  try {
    return await session.executeRead(async (tx) => (await tx.run(cypher, params)).records.map((r) => r.toObject()));
  } finally {
    await session.close();
  }
}

const int = (n: number) => neo4j.int(n);
const byRoleId = (a: { role: string; id: string }, b: { role: string; id: string }) => `${a.id} ${a.role}`.localeCompare(`${b.id} ${b.role}`);
const sortedParticipants = (list: { role: string; id: string; country?: string | null }[]) => [...list].sort(byRoleId);

const Q3_RETURN = `RETURN p.id AS id, p.name AS name, p.startDate AS startDate,
         [(p)<-[r:PARTICIPATES_IN]-(a:Actor) | { role: r.role, id: a.id, country: [(a)-[:BASED_IN]->(c:Country) | c.code][0] }] AS participants`;

/** The same answer with participants as lists [role, id, country]: fewer keys to build and decode. */
const Q3_RETURN_LISTS = `RETURN p.id AS id, p.name AS name, p.startDate AS startDate,
         [(p)<-[r:PARTICIPATES_IN]-(a:Actor) | [r.role, a.id, [(a)-[:BASED_IN]->(c:Country) | c.code][0]]] AS participants`;

/** A participant of a floor's row, returned as a map or as a list [role, id, country?]. */
const floorParticipant = (p: any) => (Array.isArray(p) ? { role: p[0], id: p[1], country: p[2] ?? null } : { ...p, country: p.country ?? null });

/** Q3 from the themes' side: read every project of the themes, then sort. */
const Q3_FLOOR = (withCursor: boolean) => `
  MATCH (t:Theme) WHERE t.id IN $themes
  MATCH (t)<-[:ABOUT]-(p:Project)
  WITH DISTINCT p
  WHERE coalesce(p.endYear, p.startYear) >= $from AND p.startYear <= $to
    ${withCursor ? "AND (coalesce(p.startKey, '') > $afterKey OR (coalesce(p.startKey, '') = $afterKey AND p.id > $afterId))" : ""}
  WITH p ORDER BY coalesce(p.startKey, ''), p.id LIMIT 50
  ${Q3_RETURN}`;

/** Q3 walking the (startKey, id) index from the cursor, checking each project, stopping at 50. */
const Q3_FLOOR_WALK = (withCursor: boolean, returns = Q3_RETURN) => `
  MATCH (p:Project) USING INDEX p:Project(startKey, id)
  WHERE p.startKey ${withCursor ? ">= $afterKey" : "IS NOT NULL"} AND p.id IS NOT NULL
    AND coalesce(p.endYear, p.startYear) >= $from AND p.startYear <= $to
    AND EXISTS { MATCH (p)-[:ABOUT]->(t:Theme) WHERE t.id IN $themes }
    ${withCursor ? "AND CASE WHEN p.startKey = $afterKey THEN p.id > $afterId ELSE true END" : ""}
  WITH p ORDER BY p.startKey, p.id LIMIT 50
  ${returns}`;

const q4Params = (c: BenchContext) => {
  const [afterKey, afterId] = JSON.parse(Buffer.from(c.deepCursor, "base64url").toString()) as [string, string, string];
  return { themes: c.themes, from: int(c.fromYear), to: int(c.toYear), afterKey, afterId };
};

const Q1_RETURN = `RETURN p.id AS id, p.name AS name, [(p)<-[r:PARTICIPATES_IN]-(a:Actor) | { role: r.role, id: a.id, name: a.name }] AS participants`;
const Q1_RETURN_LISTS = `RETURN p.id AS id, p.name AS name, [(p)<-[r:PARTICIPATES_IN]-(a:Actor) | [r.role, a.id, a.name]] AS participants`;

const Q3_API = `query Q3($themes: [String!], $from: Int, $to: Int, $after: String) {
  projects(filter: { themes: $themes, activeFrom: $from, activeTo: $to }, sort: { field: START_DATE }, first: 50, after: $after) {
    edges { node { id name startDate participants { role actor { id basedIn { code } } } } }
  } }`;

const Q3_PEER = `query Q3($themes: [ID!], $from: Int, $to: Int, $offset: Int) {
  projects(where: { themes: { some: { id: { in: $themes } } }, startYear: { lte: $to }, endYear: { gte: $from } },
           sort: [{ startKey: ASC }, { id: ASC }], limit: 50, offset: $offset) {
    id name startDate participantsConnection { edges { properties { role } node { id basedIn { code } } } }
  } }`;

const q3Api = (d: any) => d.projects.edges.map((e: any) => ({
  id: e.node.id, startDate: e.node.startDate,
  participants: sortedParticipants(e.node.participants.map((p: any) => ({ role: p.role, id: p.actor.id, country: p.actor.basedIn[0]?.code ?? null }))),
}));
const q3Floor = (rows: any[]) => rows.map((r) => ({ id: r.id, startDate: r.startDate, participants: sortedParticipants(r.participants.map(floorParticipant)) }));
const q3Peer = (d: any) => d.projects.map((p: any) => ({
  id: p.id, startDate: p.startDate,
  participants: sortedParticipants(p.participantsConnection.edges.map((e: any) => ({ role: e.properties.role, id: e.node.id, country: e.node.basedIn[0]?.code ?? null }))),
}));

/** Q2's top 10 partners walked over the actor's projects and their participants. */
const Q2_PARTNERS_WALK = `MATCH (a)-[:PARTICIPATES_IN]->(p:Project)<-[:PARTICIPATES_IN]-(b:Actor) WHERE b <> a
        WITH b, count(DISTINCT p) AS shared ORDER BY shared DESC, b.nameKey LIMIT 10`;

/** Q2's top 10 partners from the partner tallies (src/db/aggregates.ts): ordered seeks on PARTNERS_WITH (a, shared) and (b, shared), stopping at 10 (ordered by the whole index key). */
const Q2_PARTNERS_TALLIES = `CALL () {
          MATCH ()-[t:PARTNERS_WITH]->() WHERE t.a = $id AND t.shared > 0 WITH t ORDER BY t.a DESC, t.shared DESC LIMIT 10 RETURN t.shared AS s
          UNION ALL
          MATCH ()-[t:PARTNERS_WITH]->() WHERE t.b = $id AND t.shared > 0 WITH t ORDER BY t.b DESC, t.shared DESC LIMIT 10 RETURN t.shared AS s
        }
        WITH s ORDER BY s DESC LIMIT 10
        WITH coalesce(min(s), 1) AS least
        CALL (least) {
          MATCH ()-[t:PARTNERS_WITH]->(b:Actor) WHERE t.a = $id AND t.shared >= least RETURN b, t.shared AS shared
          UNION ALL
          MATCH (b:Actor)-[t:PARTNERS_WITH]->() WHERE t.b = $id AND t.shared >= least RETURN b, t.shared AS shared
        }
        WITH b, shared ORDER BY shared DESC, b.nameKey LIMIT 10`;

/** Q2's 20 participations: the actor's projects sorted. */
const Q2_PAGE_SORT = `MATCH (a)-[r:PARTICIPATES_IN]->(p:Project)
        WITH r, p ORDER BY p.nameKey, p.id, r.role LIMIT 20`;

/** Q2's 20 participations: the project name index walked in order, each project checked, until 20 (for a hub). */
const Q2_PAGE_WALK = `MATCH (p:Project) USING INDEX p:Project(nameKey, id) WHERE p.nameKey >= '' AND p.id IS NOT NULL
        MATCH (a)-[r:PARTICIPATES_IN]->(p)
        WITH r, p ORDER BY p.nameKey, p.id, r.role LIMIT 20`;

const Q2_FLOOR = (partners: string, page = Q2_PAGE_SORT) => `
      MATCH (a:Actor {id: $id})
      CALL (a) {
        ${page}
        RETURN collect({ role: r.role, id: p.id, name: p.name,
          funders: [x IN COLLECT { MATCH (p)<-[:PARTICIPATES_IN {role: 'funder'}]-(f:Actor) RETURN f.id UNION MATCH (p)<-[:FUNDS]-(:Funding)<-[:FUNDED]-(f:Actor) RETURN f.id } | x] }) AS projects
      }
      CALL (a) {
        ${partners}
        RETURN collect({ id: b.id, shared: shared }) AS partners
      }
      RETURN a.id AS id, a.name AS name, projects, partners`;

export const QUERIES: BenchQuery[] = [
  {
    id: "Q1",
    title: "projects involving an organization and a country, 20 per page, with participants",
    api: (c) => ({
      query: `query Q1($refs: [String!]) { projects(filter: { involvingAll: $refs }, first: 20) { edges { node { id name participants { role actor { id name } } } } } }`,
      variables: { refs: [c.org, c.country] },
    }),
    // From the organization's side, the country read from the involved places the writer keeps.
    floor: (driver, c) => read(driver, `
      MATCH (:Actor {id: $org})-[:PARTICIPATES_IN]->(p:Project)
      WITH DISTINCT p WHERE $country IN p.involvedPlaces
      WITH p ORDER BY p.nameKey, p.id LIMIT 20
      ${Q1_RETURN}`, { org: c.org, country: c.country }),
    floors: [
      (driver, c) => read(driver, `
        MATCH (:Actor {id: $org})-[:PARTICIPATES_IN]->(p:Project)
        WITH DISTINCT p WHERE $country IN p.involvedPlaces
        WITH p ORDER BY p.nameKey, p.id LIMIT 20
        ${Q1_RETURN}`, { org: c.org, country: c.country }),
      (driver, c) => read(driver, `
        MATCH (:Actor {id: $org})-[:PARTICIPATES_IN]->(p:Project)
        WITH DISTINCT p WHERE $country IN p.involvedPlaces
        WITH p ORDER BY p.nameKey, p.id LIMIT 20
        ${Q1_RETURN_LISTS}`, { org: c.org, country: c.country }),
      // Walking the name index, checking both criteria on each project, stopping at 20.
      (driver, c) => read(driver, `
        MATCH (p:Project) USING INDEX p:Project(nameKey, id)
        WHERE p.nameKey IS NOT NULL AND p.id IS NOT NULL AND $country IN p.involvedPlaces
          AND EXISTS { MATCH (p)<-[:PARTICIPATES_IN]-(:Actor {id: $org}) }
        WITH p ORDER BY p.nameKey, p.id LIMIT 20
        ${Q1_RETURN}`, { org: c.org, country: c.country }),
      // The model without involvedPlaces: participants' countries and places walked per project.
      (driver, c) => read(driver, `
        MATCH (:Actor {id: $org})-[:PARTICIPATES_IN]->(p:Project)
        WITH DISTINCT p
        WHERE EXISTS { MATCH (p)<-[:PARTICIPATES_IN]-(:Actor)-[:BASED_IN]->(:Country {id: $country}) }
           OR EXISTS { MATCH (p)-[:TAKES_PLACE_IN]->(:Country {id: $country}) }
        WITH p ORDER BY p.nameKey, p.id LIMIT 20
        ${Q1_RETURN}`, { org: c.org, country: c.country }),
    ],
    peer: (c) => ({
      query: `query Q1($org: ID!, $code: String!) {
        projects(where: { AND: [{ participants: { some: { id: { eq: $org } } } },
          { OR: [{ participants: { some: { basedIn: { some: { code: { eq: $code } } } } } }, { countries: { some: { code: { eq: $code } } } }] }] },
          sort: [{ nameKey: ASC }, { id: ASC }], limit: 20) {
          id name participantsConnection { edges { properties { role } node { id name } } }
        } }`,
      variables: { org: c.org, code: c.countryCode },
    }),
    normalize: {
      api: (d) => d.projects.edges.map((e: any) => ({ id: e.node.id, participants: sortedParticipants(e.node.participants.map((p: any) => ({ role: p.role, id: p.actor.id }))) })),
      floor: (rows) => rows.map((r: any) => ({ id: r.id, participants: sortedParticipants(r.participants.map((p: any) => { const { role, id } = floorParticipant(p); return { role, id }; })) })),
      peer: (d) => d.projects.map((p: any) => ({ id: p.id, participants: sortedParticipants(p.participantsConnection.edges.map((e: any) => ({ role: e.properties.role, id: e.node.id }))) })),
    },
  },
  {
    id: "Q2",
    title: "an actor's profile: 20 projects with roles and funders, and its top 10 partners",
    api: (c) => ({
      query: `query Q2($id: String!) {
        actor(reference: $id) { id name participations(first: 20) { edges { node { role project { id name funders { id } } } } } }
        partners(actor: $id, first: 10) { actor { id } sharedProjects } }`,
      variables: { id: c.org },
    }),
    floor: async (driver, c) => read(driver, Q2_FLOOR(Q2_PARTNERS_WALK), { id: c.org }),
    floors: [
      async (driver, c) => read(driver, Q2_FLOOR(Q2_PARTNERS_WALK), { id: c.org }),
      async (driver, c) => read(driver, Q2_FLOOR(Q2_PARTNERS_TALLIES), { id: c.org }),
      async (driver, c) => read(driver, Q2_FLOOR(Q2_PARTNERS_TALLIES, Q2_PAGE_WALK), { id: c.org }),
    ],
    peer: null,
    normalize: {
      api: (d) => ({
        actor: { id: d.actor.id, name: d.actor.name },
        projects: d.actor.participations.edges.map((e: any) => ({ role: e.node.role, id: e.node.project.id, name: e.node.project.name, funders: e.node.project.funders.map((f: any) => f.id).sort() })),
        partners: d.partners.map((p: any) => ({ id: p.actor.id, shared: p.sharedProjects })),
      }),
      floor: (rows) => ({
        actor: { id: rows[0].id, name: rows[0].name },
        projects: rows[0].projects.map((p: any) => ({ role: p.role, id: p.id, name: p.name, funders: [...p.funders].sort() })),
        partners: rows[0].partners.map((p: any) => ({ id: p.id, shared: Number(p.shared) })),
      }),
    },
  },
  {
    id: "Q3",
    title: "projects by themes and years, by start date, 50 per page, with participants and their countries",
    api: (c) => ({ query: Q3_API, variables: { themes: c.themes, from: c.fromYear, to: c.toYear } }),
    floor: (driver, c) => read(driver, Q3_FLOOR(false), { themes: c.themes, from: int(c.fromYear), to: int(c.toYear) }),
    floors: [
      (driver, c) => read(driver, Q3_FLOOR(false), { themes: c.themes, from: int(c.fromYear), to: int(c.toYear) }),
      (driver, c) => read(driver, Q3_FLOOR_WALK(false), { themes: c.themes, from: int(c.fromYear), to: int(c.toYear) }),
      (driver, c) => read(driver, Q3_FLOOR_WALK(false, Q3_RETURN_LISTS), { themes: c.themes, from: int(c.fromYear), to: int(c.toYear) }),
    ],
    peer: (c) => ({ query: Q3_PEER, variables: { themes: c.themes, from: c.fromYear, to: c.toYear, offset: 0 } }),
    normalize: { api: q3Api, floor: q3Floor, peer: q3Peer },
  },
  {
    id: "Q4",
    title: "a deep page (page 200) of the Q3 listing",
    api: (c) => ({ query: Q3_API, variables: { themes: c.themes, from: c.fromYear, to: c.toYear, after: c.deepCursor } }),
    floor: (driver, c) => read(driver, Q3_FLOOR(true), q4Params(c)),
    floors: [
      (driver, c) => read(driver, Q3_FLOOR(true), q4Params(c)),
      (driver, c) => read(driver, Q3_FLOOR_WALK(true), q4Params(c)),
      (driver, c) => read(driver, Q3_FLOOR_WALK(true, Q3_RETURN_LISTS), q4Params(c)),
    ],
    peer: (c) => ({ query: Q3_PEER, variables: { themes: c.themes, from: c.fromYear, to: c.toYear, offset: c.deepOffset } }),
    normalize: { api: q3Api, floor: q3Floor, peer: q3Peer },
  },
  {
    id: "Q5",
    title: "only the total count of the Q3 listing",
    api: (c) => ({ query: `query Q5($themes: [String!], $from: Int, $to: Int) { projects(filter: { themes: $themes, activeFrom: $from, activeTo: $to }) { totalCount } }`,
      variables: { themes: c.themes, from: c.fromYear, to: c.toYear } }),
    floor: (driver, c) => read(driver, `
      MATCH (t:Theme) WHERE t.id IN $themes MATCH (t)<-[:ABOUT]-(p:Project) WITH DISTINCT p
      WHERE coalesce(p.endYear, p.startYear) >= $from AND p.startYear <= $to RETURN count(p) AS n`,
    { themes: c.themes, from: int(c.fromYear), to: int(c.toYear) }),
    floors: [
      (driver, c) => read(driver, `
        MATCH (t:Theme) WHERE t.id IN $themes MATCH (t)<-[:ABOUT]-(p:Project) WITH DISTINCT p
        WHERE coalesce(p.endYear, p.startYear) >= $from AND p.startYear <= $to RETURN count(p) AS n`,
      { themes: c.themes, from: int(c.fromYear), to: int(c.toYear) }),
      // The model with the theme tallies kept on write (src/db/aggregates.ts): per theme set, two lookups
      // in its cumulative year tables (started by `to`, ended before `from`), summed over the sets.
      (driver, c) => read(driver, THEME_COUNT, { themes: c.themes, from: int(c.fromYear), to: int(c.toYear) }),
    ],
    peer: (c) => ({
      query: `query Q5($themes: [ID!], $from: Int, $to: Int) {
        projectsConnection(where: { themes: { some: { id: { in: $themes } } }, startYear: { lte: $to }, endYear: { gte: $from } }) { totalCount } }`,
      variables: { themes: c.themes, from: c.fromYear, to: c.toYear },
    }),
    normalize: { api: (d) => d.projects.totalCount, floor: (rows) => Number(rows[0].n), peer: (d) => d.projectsConnection.totalCount },
  },
  {
    id: "Q6",
    title: "full-text search",
    api: (c) => ({ query: `query Q6($text: String!) { search(text: $text, first: 10) { item { ... on Agency { id } ... on Organization { id } ... on Project { id } ... on Country { id } ... on Theme { id } ... on Person { id } ... on Region { id } ... on Event { id } ... on Group { id } } } }`,
      variables: { text: c.searchText } }),
    floor: (driver, c) => read(driver, `
      CALL db.index.fulltext.queryNodes('entity_search', $q, {limit: 10}) YIELD node, score
      RETURN node.id AS id ORDER BY score DESC, node.nameKey LIMIT 10`,
    { q: `names:(${c.searchText.toLowerCase().split(/\s+/).map((t) => `(${t}^4 OR ${t}*^2${t.length >= 4 ? ` OR ${t}~${t.length >= 8 ? 2 : 1}` : ""})`).join(" AND ")})` }),
    peer: null,
    normalize: { api: (d) => d.search.map((h: any) => h.item.id), floor: (rows) => rows.map((r: any) => r.id) },
  },
  {
    id: "Q7",
    title: "shortest path between two mid-degree actors",
    api: (c) => ({ query: `query Q7($a: String!, $b: String!) { paths(from: $a, to: $b) { length nodes { id } } }`, variables: { a: c.midActors[0], b: c.midActors[1] } }),
    floor: (driver, c) => read(driver, `
      MATCH (a:Actor {id: $a}), (b:Actor {id: $b})
      MATCH path = shortestPath((a)-[:PARTICIPATES_IN|MEMBER_OF|HOLDS_POSITION|SPOKE_AT|TOOK_PART_IN|ORGANIZED|PRESENTED_AT|FUNDED|FUNDS|RECEIVED_BY|PART_OF|RELATED_TO*..6]-(b))
      RETURN length(path) AS length, [n IN nodes(path) | n.id] AS nodes`, { a: c.midActors[0], b: c.midActors[1] }),
    peer: null,
    // Equally short paths may differ in between: the length and the ends are compared.
    normalize: {
      api: (d) => (d.paths[0] ? { length: d.paths[0].length, ends: [d.paths[0].nodes[0].id, d.paths[0].nodes.at(-1).id] } : null),
      floor: (rows) => (rows[0] ? { length: Number(rows[0].length), ends: [rows[0].nodes[0], rows[0].nodes.at(-1)] } : null),
    },
  },
  {
    id: "Q8",
    title: "funding flows by funder (and, always, kind of flow and currency) for a region and a year range",
    api: (c) => ({ query: `query Q8($region: String!, $from: Int, $to: Int) {
      fundingFlows(groupBy: [FUNDER], filter: { regions: [$region], fromYear: $from, toYear: $to }) { keys { value } flowType currency total flows unknownAmounts } }`,
    variables: { region: c.region, from: c.fundingFrom, to: c.fundingTo } }),
    floor: (driver, c) => read(driver, Q8_FLOOR_WALK, { region: c.region, from: int(c.fundingFrom), to: int(c.fundingTo) }),
    floors: [
      (driver, c) => read(driver, Q8_FLOOR_WALK, { region: c.region, from: int(c.fundingFrom), to: int(c.fundingTo) }),
      // The model with the funding tallies kept on write (src/db/aggregates.ts): a seek on (place, year).
      (driver, c) => read(driver, `
        MATCH (t:FundingTally) WHERE t.place = $region AND t.year >= $from AND t.year <= $to AND t.flowType <> 'budget'
        RETURN t.funder AS funder, t.flowType AS flowType, t.currency AS currency, collect(t.total) AS amounts, sum(t.flows) AS flows, sum(t.unknown) AS unknown`,
      { region: c.region, from: int(c.fundingFrom), to: int(c.fundingTo) }),
      // The tallies' window index alone (migration 011): its entries hold group, pair and counts.
      (driver, c) => read(driver, `${Q8_WINDOW}
        RETURN t.groupKey AS group, collect(t.total) AS amounts, sum(t.flows) AS flows, sum(t.unknown) AS unknown`,
      { region: c.region, from: int(c.fundingFrom), to: int(c.fundingTo) }),
    ],
    peer: null,
    normalize: {
      api: (d) => d.fundingFlows.map((g: any) => `${g.keys[0].value} ${g.flowType} ${g.currency} ${g.total} ${g.flows} ${g.unknownAmounts}`).sort(),
      floor: (rows) => rows.map((r: any) => {
        const [funder, flowType, currency] = fundingGroup(r);
        return `${funder} ${flowType} ${currency} ${sumDecimals(r.amounts)} ${Number(r.flows)} ${Number(r.unknown)}`;
      }).sort(),
    },
  },
  {
    id: "Q8T",
    optional: true,
    title: "Q8's top 20 funders of each kind of flow and currency (fundingFlows first: 20); run with --only Q8T",
    api: (c) => ({ query: `query Q8T($region: String!, $from: Int, $to: Int) {
      fundingFlows(groupBy: [FUNDER], filter: { regions: [$region], fromYear: $from, toYear: $to }, first: 20) { keys { value name } flowType currency total flows unknownAmounts } }`,
    variables: { region: c.region, from: c.fundingFrom, to: c.fundingTo } }),
    // The tallies ranked by a float sum, 20 per kind of flow and currency, then the funders' names.
    floor: (driver, c) => read(driver, Q8T_FLOOR_WINDOW, { region: c.region, from: int(c.fundingFrom), to: int(c.fundingTo) }),
    floors: [
      (driver, c) => read(driver, Q8T_FLOOR_WINDOW, { region: c.region, from: int(c.fundingFrom), to: int(c.fundingTo) }),
      // The same over the tallies themselves (a seek on (place, year), each tally read).
      (driver, c) => read(driver, `
      MATCH (t:FundingTally) WHERE t.place = $region AND t.year >= $from AND t.year <= $to AND t.flowType <> 'budget'
      WITH t.funder AS funder, t.flowType AS flowType, t.currency AS currency, collect(t.total) AS amounts, sum(toFloat(t.total)) AS approx,
           sum(t.flows) AS flows, sum(t.unknown) AS unknown
      ORDER BY approx DESC, funder
      WITH flowType, currency, collect({ funder: funder, amounts: amounts, flows: flows, unknown: unknown })[0..20] AS top
      UNWIND top AS g
      OPTIONAL MATCH (a:Actor {id: g.funder})
      RETURN g.funder AS funder, a.name AS name, flowType, currency, g.amounts AS amounts, g.flows AS flows, g.unknown AS unknown`,
      { region: c.region, from: int(c.fundingFrom), to: int(c.fundingTo) }),
    ],
    peer: null,
    normalize: {
      api: (d) => d.fundingFlows.map((g: any) => `${g.keys[0].value} ${g.keys[0].name} ${g.flowType} ${g.currency} ${g.total} ${g.flows} ${g.unknownAmounts}`).sort(),
      floor: (rows) => rows.map((r: any) => {
        const [funder, flowType, currency] = fundingGroup(r);
        return `${funder} ${r.name} ${flowType} ${currency} ${sumDecimals(r.amounts)} ${Number(r.flows)} ${Number(r.unknown)}`;
      }).sort(),
    },
  },
];

/** A funding group's funder, kind of flow and currency: from the window index's groupKey (JSON), or as columns. */
const fundingGroup = (r: any): [unknown, unknown, unknown] =>
  r.group !== undefined ? JSON.parse(r.group) : [r.funder, r.flowType, r.currency];

/**
 * Q8's tallies of the window from the entries of their index on (place, year, pairKey, groupKey,
 * total, flows, unknown) alone (migration 011); the kind of flow from pairKey (JSON [flowType, currency]).
 */
const Q8_WINDOW = `
      MATCH (t:FundingTally) USING INDEX t:FundingTally(place, year, pairKey, groupKey, total, flows, unknown)
      WHERE t.place = $region AND t.year >= $from AND t.year <= $to
        AND t.pairKey IS NOT NULL AND t.groupKey IS NOT NULL AND t.total IS NOT NULL AND t.flows IS NOT NULL AND t.unknown IS NOT NULL
        AND t.pairKey STARTS WITH '["' AND NOT t.pairKey STARTS WITH '["budget",'`;

/** Q8T on the window index: ranked by a float sum, 20 per pair, then the names (a funder's id read on one tally of its group). */
const Q8T_FLOOR_WINDOW = `${Q8_WINDOW}
      WITH t.pairKey AS pair, t.groupKey AS group, collect(t.total) AS amounts, sum(toFloat(t.total)) AS approx,
           sum(t.flows) AS flows, sum(t.unknown) AS unknown, head(collect(t)) AS sample
      ORDER BY approx DESC, group
      WITH pair, collect({ group: group, amounts: amounts, flows: flows, unknown: unknown, sample: sample })[0..20] AS top
      UNWIND top AS g
      OPTIONAL MATCH (a:Actor {id: g.sample.funder})
      RETURN g.group AS group, a.name AS name, g.amounts AS amounts, g.flows AS flows, g.unknown AS unknown`;

/** Q8 walked over the flows of the region's projects. */
const Q8_FLOOR_WALK = `
      MATCH (r:Region {id: $region})<-[:IN_REGION*0..4]-(place)<-[:TAKES_PLACE_IN]-(p:Project)<-[:FUNDS]-(f:Funding)
      WITH DISTINCT f
      WHERE f.flowType <> 'budget' AND toInteger(substring(f.date, 0, 4)) >= $from AND toInteger(substring(f.date, 0, 4)) <= $to
      OPTIONAL MATCH (g:Actor)-[:FUNDED]->(f)
      RETURN g.id AS funder, f.flowType AS flowType, f.currency AS currency, collect(f.amount) AS amounts, count(f) AS flows, count(f) - count(f.amount) AS unknown`;
