/** Network analytics and exports, on the seed, through the API over HTTP. */
import "reflect-metadata";
import { XMLParser } from "fast-xml-parser";
import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { QueryCounter } from "../../src/db/database.js";
import { ActorRepository } from "../../src/domain/actors/actor.repository.js";
import { AnalyticsRepository } from "../../src/domain/analytics/analytics.repository.js";
import { LoaderCache } from "../../src/domain/shared/relation-loader.js";
import { FundingDimension } from "../../src/domain/analytics/analytics.types.js";
import { THEME_COUNT } from "../../src/db/aggregates.js";
import { apiSuite, dataOf, recordingRun } from "../support/api.js";

const suite = apiSuite();
const { db, gql } = suite;

describe("partners", () => {
  it("lists everyone the Buenos Aires City prosecution service worked with, weighted", async () => {
    const data = dataOf(await gql(`{ partners(actor: "MPF CABA", first: 50) { actor { id } sharedProjects firstYear lastYear projectIds } }`));
    const byId = Object.fromEntries(data.partners.map((p: any) => [p.actor.id, p]));
    expect(Object.keys(byId).sort()).toEqual([
      "agency:fiscalia-chile", "agency:miami-prosecution-office", "group:experts-united-states", "group:prosecutors-costa-rica",
      "group:prosecutors-panama", "group:prosecutors-peru", "organization:idb", "organization:ncsc", "organization:undp", "organization:unodc",
    ]);
    expect(byId["organization:unodc"]).toEqual({ actor: { id: "organization:unodc" }, sharedProjects: 1, firstYear: 2020, lastYear: 2021, projectIds: ["project:cybercrime-conferences"] });
  });

  it("filters partners by theme and role, and finds partners of partners with the intermediaries named", async () => {
    const cyber = dataOf(await gql(`{ partners(actor: "agency:mpf-caba", filter: { themes: ["cybercrime"], roles: ["co-organizer"] }) { actor { id } } }`));
    expect(cyber.partners.map((p: any) => p.actor.id)).toEqual(["organization:unodc"]);
    const indirect = dataOf(await gql(`{ indirectPartners(actor: "Fiscalía de Chile") { actor { id } via { id } weight } }`));
    const unodc = indirect.indirectPartners.find((p: any) => p.actor.id === "organization:unodc");
    expect(unodc).toEqual({ actor: { id: "organization:unodc" }, via: [{ id: "agency:mpf-caba" }], weight: 1 });
    expect(indirect.indirectPartners.map((p: any) => p.actor.id)).not.toContain("agency:mpf-caba");
  });
});

describe("paths", () => {
  it("connects the Chilean prosecution service to UNODC through the Buenos Aires City prosecution service, with roles and sources", async () => {
    const data = dataOf(await gql(`{ paths(from: "Chilean Public Prosecution Service", to: "UNODC") {
      length nodes { id kind } steps { type role forward sources { quote source { id } } } } }`));
    expect(data.paths).toHaveLength(1);
    const [path] = data.paths;
    expect(path.nodes.map((n: any) => n.id)).toEqual([
      "agency:fiscalia-chile", "project:training-programs-chile", "agency:mpf-caba", "project:cybercrime-conferences", "organization:unodc"]);
    expect(path.steps.map((s: any) => `${s.type}:${s.role}:${s.forward}`)).toEqual([
      "PARTICIPATES_IN:partner:true", "PARTICIPATES_IN:partner:false", "PARTICIPATES_IN:co-organizer:true", "PARTICIPATES_IN:co-organizer:false"]);
    expect(path.steps[3].sources[0].quote).toBe("conducted jointly with the United Nations Office on Drugs and Crime (UNODC)");
    // Without sources selected the provenance is not read; the same steps and aliased sources alongside still come whole.
    const lean = dataOf(await gql(`{ paths(from: "Chilean Public Prosecution Service", to: "UNODC") { length nodes { id } steps { type role forward } }
      cited: paths(from: "Chilean Public Prosecution Service", to: "UNODC") { steps { sources { quote } } } }`));
    expect(lean.paths[0].steps).toEqual(path.steps.map(({ sources: _, ...step }: any) => step));
    expect(lean.cited[0].steps[3].sources[0].quote).toBe("conducted jointly with the United Nations Office on Drugs and Crime (UNODC)");
  });

  it("honours the hop cap and the relationship types, and refuses caps over the limit", async () => {
    expect(dataOf(await gql(`{ paths(from: "agency:fiscalia-chile", to: "organization:unodc", maxHops: 3) { length } }`)).paths).toEqual([]);
    const viaPlaces = dataOf(await gql(`{ paths(from: "agency:fiscalia-chile", to: "group:prosecutors-peru", relationshipTypes: ["BASED_IN", "IN_REGION"]) { nodes { id } } }`));
    expect(viaPlaces.paths[0].nodes.map((n: any) => n.id)).toEqual(["agency:fiscalia-chile", "country:CL", "region:005", "country:PE", "group:prosecutors-peru"]);
    const tooFar = await gql(`{ paths(from: "agency:fiscalia-chile", to: "organization:unodc", maxHops: 50) { length } }`);
    expect(tooFar.errors![0]!.extensions).toMatchObject({ code: "LIMIT_EXCEEDED", limit: 10 });
    // Two equally short paths: through the Buenos Aires City service, partner in both programs, and
    // through the IAP session where both were presented.
    const all = dataOf(await gql(`{ paths(from: "agency:fiscalia-chile", to: "group:prosecutors-peru", all: true) { length nodes { id } } }`));
    // In the documented order: through actors and projects before through events.
    expect(all.paths.map((p: any) => p.nodes.map((n: any) => n.id).join(" "))).toEqual([
      "agency:fiscalia-chile project:training-programs-chile agency:mpf-caba project:cybercrime-conferences group:prosecutors-peru",
      "agency:fiscalia-chile project:training-programs-chile event:iap27-sig-heads-of-prosecution-services project:cybercrime-conferences group:prosecutors-peru",
    ]);
  });

  it("reaches a country by default through what attaches it: Peru to UNODC through the prosecutors from Peru", async () => {
    const data = dataOf(await gql(`{ paths(from: "Peru", to: "UNODC") { nodes { id } steps { type } } }`));
    expect(data.paths).toEqual([{
      nodes: [{ id: "country:PE" }, { id: "group:prosecutors-peru" }, { id: "project:cybercrime-conferences" }, { id: "organization:unodc" }],
      steps: [{ type: "BASED_IN" }, { type: "PARTICIPATES_IN" }, { type: "PARTICIPATES_IN" }],
    }]);
  });

  it("goes through the projects presented at an event: a session and a project presented there are one step apart", async () => {
    const data = dataOf(await gql(`{ paths(from: "event:iap27-sig-heads-of-prosecution-services", to: "project:dmi-open-drug-markets") { length steps { type forward } } }`));
    expect(data.paths).toEqual([{ length: 1, steps: [{ type: "PRESENTED_AT", forward: false }] }]);
  });
});

describe("linksAmong", () => {
  it("returns the relationships between entities a view already shows: Peru's prosecutors based in Peru, and their participation", async () => {
    const among = `["country:PE", "group:prosecutors-peru", "project:cybercrime-conferences", "organization:unodc", "country:CL"]`;
    const places = dataOf(await gql(`{ linksAmong(ids: ${among}, relationshipTypes: ["BASED_IN", "TAKES_PLACE_IN", "IN_REGION"]) { source target type role weight } }`));
    // Chile is in the list but none of the others is based there; the Chilean service is not in the list.
    expect(places.linksAmong).toEqual([{ source: "group:prosecutors-peru", target: "country:PE", type: "BASED_IN", role: null, weight: 1 }]);
    const cooperation = dataOf(await gql(`{ linksAmong(ids: ${among}) { source target type role } }`));
    expect(cooperation.linksAmong).toEqual([
      { source: "group:prosecutors-peru", target: "project:cybercrime-conferences", type: "PARTICIPATES_IN", role: "participant" },
      { source: "organization:unodc", target: "project:cybercrime-conferences", type: "PARTICIPATES_IN", role: "co-organizer" },
    ]);
    const region = dataOf(await gql(`{ linksAmong(ids: ["country:PE", "region:005", "region:419"], relationshipTypes: ["IN_REGION"]) { source target } }`));
    expect(region.linksAmong).toEqual([{ source: "country:PE", target: "region:005" }, { source: "region:005", target: "region:419" }]);
    expect(dataOf(await gql(`{ linksAmong(ids: ["country:PE"]) { source } }`)).linksAmong).toEqual([]);
    const notAnId = await gql(`{ linksAmong(ids: ["Peru", "country:PE"]) { source } }`);
    expect(notAnId.errors![0]!.message).toBe("\"Peru\" is not an id");
    const badType = await gql(`{ linksAmong(ids: ["country:PE", "group:prosecutors-peru"], relationshipTypes: ["LIVES_IN"]) { source } }`);
    expect(badType.errors![0]!.message).toMatch(/^"LIVES_IN" is not a relationship type/);
    const tooMany = await gql(`query($ids: [ID!]!) { linksAmong(ids: $ids) { source } }`, { ids: Array.from({ length: 1001 }, (_, i) => `agency:a${i}`) });
    expect(tooMany.errors![0]!.extensions).toMatchObject({ code: "LIMIT_EXCEEDED", limit: 1000 });
  });
});

describe("neighborhood", () => {
  it("returns the subgraph around an actor, capped, ready for a visualization", async () => {
    const data = dataOf(await gql(`{ neighborhood(of: "UNODC", hops: 2) { nodes { id kind weight } edges { source target type role } truncated } }`));
    const ids = data.neighborhood.nodes.map((n: any) => n.id).sort();
    // Two hops from UNODC: its project, the project's participants and the session it was presented at
    // (which the Buenos Aires City service took part in).
    expect(ids).toEqual(["agency:mpf-caba", "event:iap27-sig-heads-of-prosecution-services", "group:prosecutors-costa-rica", "group:prosecutors-panama", "group:prosecutors-peru", "organization:unodc", "project:cybercrime-conferences"]);
    expect(data.neighborhood.edges).toHaveLength(7);
    expect(data.neighborhood.nodes.find((n: any) => n.id === "project:cybercrime-conferences").weight).toBe(6);
    expect(data.neighborhood.truncated).toBe(false);
    const whole = dataOf(await gql(`{ neighborhood(of: "agency:mpf-caba", hops: 2, maxNodes: 500) { nodes { id } truncated omitted } }`));
    expect(whole.neighborhood).toMatchObject({ truncated: false, omitted: 0 });
    expect(whole.neighborhood.nodes.length).toBeGreaterThan(6);
    const capped = dataOf(await gql(`{ neighborhood(of: "agency:mpf-caba", hops: 2, maxNodes: 4) { nodes { id } truncated omitted } }`));
    // What the cap left out is counted: the explorer says how many.
    expect(capped.neighborhood).toMatchObject({ truncated: true, omitted: whole.neighborhood.nodes.length - 4 });
    expect(capped.neighborhood.nodes).toHaveLength(4);
    const over = await gql(`{ neighborhood(of: "agency:mpf-caba", hops: 4) { truncated } }`);
    expect(over.errors![0]!.extensions).toMatchObject({ code: "LIMIT_EXCEEDED", limit: 3 });
  });

  it("gives each project its years, and other entities none (the explorer's time bar counts what it draws)", async () => {
    const data = dataOf(await gql(`{ neighborhood(of: "MPF CABA") { nodes { id startYear endYear } } paths(from: "agency:fiscalia-chile", to: "organization:unodc") { nodes { id startYear endYear } } }`));
    const years = Object.fromEntries(data.neighborhood.nodes.map((n: any) => [n.id, [n.startYear, n.endYear]]));
    expect(years["project:cybercrime-conferences"]).toEqual([2020, 2021]);
    expect(years["project:dmi-open-drug-markets"]).toEqual([2020, 2021]);
    expect(years["agency:mpf-caba"]).toEqual([null, null]);
    expect(years["person:juan-bautista-mahiques"]).toEqual([null, null]);
    expect(data.paths[0].nodes.map((n: any) => n.startYear)).toEqual([null, 2020, null, 2020, null]);
  });

  /** Each node's number of relationships among the edges returned (a relationship to itself counts once). */
  const relationshipsOf = (edges: { source: string; target: string }[]) => {
    const counts = new Map<string, number>();
    for (const e of edges) for (const end of new Set([e.source, e.target])) counts.set(end, (counts.get(end) ?? 0) + 1);
    return counts;
  };

  it("weighs each node by its relationships within the returned subgraph, as documented", async () => {
    const data = dataOf(await gql(`{ neighborhood(of: "MPF CABA") { nodes { id weight } edges { source target type weight } } }`));
    // 5 projects, Mahiques' position and the session the service took part in; between neighbours,
    // Mahiques spoke at that session and the 5 projects were presented there.
    expect(Object.fromEntries(data.neighborhood.nodes.map((n: any) => [n.id, n.weight]))).toEqual({
      "agency:mpf-caba": 7, "person:juan-bautista-mahiques": 2, "event:iap27-sig-heads-of-prosecution-services": 7,
      "project:training-programs-chile": 2, "project:training-programs-united-states": 2, "project:dmi-open-drug-markets": 2,
      "project:victim-satisfaction-evaluation": 2, "project:cybercrime-conferences": 2,
    });
    expect(data.neighborhood.edges).toHaveLength(13);
    expect(data.neighborhood.edges.every((e: any) => e.weight === 1)).toBe(true);
    const counts = relationshipsOf(data.neighborhood.edges);
    for (const n of data.neighborhood.nodes) expect(n.weight, n.id).toBe(counts.get(n.id) ?? 0);
  });

  it("counts a relationship of a node to itself once (IATI activities do list themselves as related)", async () => {
    await db.write("MATCH (p:Project {id: 'project:dmi-open-drug-markets'}) MERGE (p)-[r:RELATED_TO {relation: 'sibling'}]->(p) SET r.sourceIds = ['source:coopgraph-enrichment'], r.quotes = ['test']");
    try {
      const data = dataOf(await gql(`{ neighborhood(of: "project:dmi-open-drug-markets") { nodes { id weight } edges { source target type } } }`));
      const dmi = data.neighborhood.nodes.find((n: any) => n.id === "project:dmi-open-drug-markets");
      const participants = data.neighborhood.edges.filter((e: any) => e.type === "PARTICIPATES_IN").length;
      expect(data.neighborhood.edges.filter((e: any) => e.source === e.target)).toHaveLength(1);
      // Its participants, the session it was presented at, and itself once.
      expect(dmi.weight).toBe(participants + 2);
      const counts = relationshipsOf(data.neighborhood.edges);
      for (const n of data.neighborhood.nodes) expect(n.weight, n.id).toBe(counts.get(n.id));
    } finally {
      await db.write("MATCH (p:Project {id: 'project:dmi-open-drug-markets'})-[r:RELATED_TO]->(p) DELETE r");
    }
  });

  it("weighs a path's nodes by their relationships within the path", async () => {
    const data = dataOf(await gql(`{ paths(from: "agency:fiscalia-chile", to: "organization:unodc") { nodes { id weight } steps { from { weight } to { weight } } } }`));
    expect(data.paths[0].nodes).toEqual([
      { id: "agency:fiscalia-chile", weight: 1 }, { id: "project:training-programs-chile", weight: 2 }, { id: "agency:mpf-caba", weight: 2 },
      { id: "project:cybercrime-conferences", weight: 2 }, { id: "organization:unodc", weight: 1 },
    ]);
    expect(data.paths[0].steps.map((s: any) => [s.from.weight, s.to.weight])).toEqual([[1, 2], [2, 2], [2, 2], [2, 1]]);
  });
});

describe("cooperation matrix, centrality, timeline", () => {
  it("names Chile, the United States, Peru, Costa Rica and Panama in Argentina's row", async () => {
    const data = dataOf(await gql(`{ cooperationMatrix { a { code } b { code nameEs } sharedProjects } }`));
    const argentina = data.cooperationMatrix.filter((c: any) => c.a.code === "AR");
    expect(Object.fromEntries(argentina.map((c: any) => [c.b.code, c.sharedProjects]))).toEqual({ US: 2, CL: 1, CR: 1, PA: 1, PE: 1 });
  });

  it("pairs M49 sub-regions whatever region a country is placed in directly", async () => {
    // Argentina, Chile and Peru lie in South America, Costa Rica and Panama in Central America (both
    // intermediate regions of Latin America and the Caribbean), the United States in Northern America
    // directly: every one of them counts in its sub-region, not in its own parent.
    const regions = dataOf(await gql(`{ cooperationMatrix(level: REGION) { a { id name } b { id } sharedProjects } }`));
    expect(regions.cooperationMatrix).toEqual([
      { a: { id: "region:419", name: "Latin America and the Caribbean" }, b: { id: "region:021" }, sharedProjects: 2 },
      { a: { id: "region:021", name: "Northern America" }, b: { id: "region:419" }, sharedProjects: 2 },
    ]);
    const within = dataOf(await gql(`{ cooperationMatrix(level: REGION, within: "Americas") { a { code } b { code } sharedProjects } }`));
    expect(within.cooperationMatrix).toEqual([{ a: { code: "419" }, b: { code: "021" }, sharedProjects: 2 }, { a: { code: "021" }, b: { code: "419" }, sharedProjects: 2 }]);
    // Within a region, its parts: the cybercrime conferences (Argentina and Peru; Costa Rica and Panama) pair South and Central America.
    const cyber = dataOf(await gql(`{ cooperationMatrix(level: REGION, within: "Latin America", filter: { themes: ["Ciberdelito"] }) { a { name } b { name } sharedProjects } }`));
    expect(cyber.cooperationMatrix).toEqual([
      { a: { name: "Central America" }, b: { name: "South America" }, sharedProjects: 1 },
      { a: { name: "South America" }, b: { name: "Central America" }, sharedProjects: 1 },
    ]);
  });

  it("ranks the Buenos Aires City prosecution service as the hub by every metric", async () => {
    for (const metric of ["DEGREE", "WEIGHTED_DEGREE", "BETWEENNESS", "PAGERANK"]) {
      const data = dataOf(await gql(`{ centrality(metric: ${metric}, first: 3) { actor { id } score rank } }`));
      expect(data.centrality[0].actor.id, metric).toBe("agency:mpf-caba");
      expect(data.centrality[0].rank).toBe(1);
    }
    const degree = dataOf(await gql(`{ centrality(metric: DEGREE, first: 1) { score } }`));
    expect(degree.centrality[0].score).toBe(10);
    const betweenness = dataOf(await gql(`{ centrality(metric: BETWEENNESS, first: 2) { actor { id } score } }`));
    // Every shortest path between the 37 of the 45 pairs of its 10 partners that share no project runs
    // through it (topological betweenness, normalized by the 45 pairs); no one else brokers anything.
    expect(betweenness.centrality[0].score).toBeCloseTo(37 / 45, 10);
    expect(betweenness.centrality[1].score).toBe(0);
  });

  it("counts projects per year for an actor, a country or a theme", async () => {
    const actor = dataOf(await gql(`{ timeline(filter: { involvingAll: ["UNODC"] }) { year started active } }`));
    expect(actor.timeline).toEqual([{ year: 2020, started: 1, active: 1 }, { year: 2021, started: 0, active: 1 }]);
    const country = dataOf(await gql(`{ timeline(filter: { countries: ["Estados Unidos"] }) { year active } }`));
    expect(country.timeline).toEqual([{ year: 2020, active: 2 }, { year: 2021, active: 2 }]);
    // A year window shows its own years only: UNODC's 2020-2021 project asked for 2021 is one bar.
    const windowed = dataOf(await gql(`{ timeline(filter: { involvingAll: ["UNODC"], activeFrom: 2021, activeTo: 2021 }) { year started active } }`));
    expect(windowed.timeline).toEqual([{ year: 2021, started: 0, active: 1 }]);
  });
});

describe("exports", () => {
  const graphmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (name) => ["node", "edge", "data", "attvalue", "key"].includes(name) });

  async function download(query: string) {
    const res = await fetch(`${suite.server.url}export?${query}`);
    return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
  }

  it("exports a filtered network as GraphML that a parser reads back as the database holds it", async () => {
    const { status, type, body } = await download("format=graphml&involving-any=UNODC&involving-any=Chile");
    expect(status).toBe(200);
    expect(type).toContain("graphml");
    const graph = graphmlParser.parse(body).graphml.graph;
    const nodes = graph.node.map((n: any) => n["@id"]).sort();
    const [expected] = await db.read(`MATCH (p:Project) WHERE p.id IN ['project:cybercrime-conferences', 'project:training-programs-chile']
      MATCH (p)<-[r:PARTICIPATES_IN]-(a:Actor) RETURN collect(DISTINCT p.id) + collect(DISTINCT a.id) AS ids, count(r) AS edges`);
    expect(nodes).toEqual((expected!.ids as string[]).sort());
    expect(graph.edge).toHaveLength(Number(expected!.edges));
    const unodc = graph.node.find((n: any) => n["@id"] === "organization:unodc");
    expect(unodc.data.find((d: any) => d["@key"] === "label")["#text"]).toBe("United Nations Office on Drugs and Crime");
    const role = graph.edge.find((e: any) => e["@source"] === "organization:unodc").data.find((d: any) => d["@key"] === "role")["#text"];
    expect(role).toBe("co-organizer");
  });

  it("exports GEXF and CSV with the same nodes and edges, and the actor network with weights", async () => {
    const gexf = graphmlParser.parse((await download("format=gexf")).body).gexf.graph;
    const nodes = parseCsv((await download("format=csv-nodes")).body, { columns: true }) as any[];
    const edges = parseCsv((await download("format=csv-edges")).body, { columns: true }) as any[];
    const [counts] = await db.read(`MATCH (a:Actor)-[r:PARTICIPATES_IN]->(p:Project) RETURN count(DISTINCT a) + count(DISTINCT p) AS nodes, count(r) AS edges`);
    expect(gexf.nodes.node).toHaveLength(Number(counts!.nodes));
    expect(nodes).toHaveLength(Number(counts!.nodes));
    expect(gexf.edges.edge).toHaveLength(Number(counts!.edges));
    expect(edges).toHaveLength(Number(counts!.edges));
    expect(nodes.find((n) => n.id === "agency:mpf-caba")).toEqual({ id: "agency:mpf-caba", label: "Public Prosecution Service of the Autonomous City of Buenos Aires", kind: "Agency", country: "AR", startYear: "" });
    const actors = parseCsv((await download("format=csv-edges&mode=actors&involving=Argentina")).body, { columns: true }) as any[];
    const toUs = actors.filter((e) => e.source === "agency:mpf-caba" || e.target === "agency:mpf-caba");
    expect(toUs).toHaveLength(10);
    // Gephi's edge table: "type" is the direction, "label" the relationship.
    expect(new Set(actors.map((e) => `${e.type} ${e.label}`))).toEqual(new Set(["Undirected COOPERATES_WITH"]));
    expect(new Set(edges.map((e) => `${e.type} ${e.label}`))).toEqual(new Set(["Directed PARTICIPATES_IN"]));
  });

  it("exports the co-participation network as undirected and participations as directed", async () => {
    // Gephi reads a directed COOPERATES_WITH edge as one-way (in-degree 0 for the smaller id of each pair).
    const actorsGraphml = graphmlParser.parse((await download("format=graphml&mode=actors&involving=Argentina")).body).graphml.graph;
    expect(actorsGraphml["@edgedefault"]).toBe("undirected");
    expect(actorsGraphml.edge.length).toBeGreaterThan(0);
    const actorsGexf = graphmlParser.parse((await download("format=gexf&mode=actors&involving=Argentina")).body).gexf.graph;
    expect(actorsGexf["@defaultedgetype"]).toBe("undirected");
    expect(graphmlParser.parse((await download("format=graphml&mode=bipartite&involving=Argentina")).body).graphml.graph["@edgedefault"]).toBe("directed");
    expect(graphmlParser.parse((await download("format=gexf&involving=Argentina")).body).gexf.graph["@defaultedgetype"]).toBe("directed");
  });

  it("refuses an unknown reference or parameter with a clear JSON error", async () => {
    const bad = await download("format=graphml&involving=Atlantis");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).errors[0].extensions.code).toBe("REFERENCE_NOT_FOUND");
    const unknown = await download("format=graphml&colour=blue");
    expect(JSON.parse(unknown.body).errors[0].message).toBe("unknown export parameter \"colour\"");
    // Names every object inherits are not formats.
    for (const format of ["toString", "constructor", "__proto__", "valueOf"]) {
      const inherited = await download(`format=${format}`);
      expect(inherited.status, format).toBe(400);
      expect(JSON.parse(inherited.body).errors[0].message).toMatch(new RegExp(`^format must be one of .*, got "${format}"$`));
    }
  });
});

describe("bounded cost", () => {
  it("starts every analytics traversal from an index seek: the repository's own Cypher, EXPLAINed", async () => {
    // The repositories as a request builds them; every query they send is counted and kept.
    const counter = new QueryCounter();
    const { run, sent } = recordingRun(db, counter);
    const analytics = new AnalyticsRepository(run);
    const none = { recipientIds: null, countryIds: null, regionIds: null, themeIds: null, fromYear: null, toYear: null, flowTypes: null };
    // Without a filter from the partner tallies (db/aggregates.ts), with one by walking the projects.
    await analytics.partners({ actorId: "agency:mpf-caba", themeIds: null, roles: null, activeFrom: null, activeTo: null, first: 20, details: true });
    await analytics.partners({ actorId: "agency:mpf-caba", themeIds: ["theme:cybercrime"], roles: null, activeFrom: 2019, activeTo: null, first: 20, details: false });
    await analytics.paths("agency:fiscalia-chile", "organization:unodc", { maxHops: 6, all: false, types: null });
    await analytics.neighborhood("organization:unodc", { hops: 2, maxNodes: 100, types: null });
    await analytics.linksAmong(["country:PE", "group:prosecutors-peru", "project:cybercrime-conferences", "region:419"], { types: ["BASED_IN", "TAKES_PLACE_IN", "IN_REGION"] });
    await analytics.fundingFlows([FundingDimension.FUNDER, FundingDimension.YEAR], { ...none, funderIds: ["organization:idb"] });
    await analytics.fundingFlows([FundingDimension.THEME], { ...none, funderIds: null, themeIds: ["theme:cybercrime"] });
    // Read from the funding tallies (db/aggregates.ts).
    await analytics.fundingFlows([FundingDimension.FUNDER], { ...none, funderIds: null, regionIds: ["region:419"], fromYear: 2016, toYear: 2020 });
    // The same without names, and its top groups (first) with them.
    await analytics.fundingFlows([FundingDimension.FUNDER], { ...none, funderIds: null, regionIds: ["region:419"], fromYear: 2016, toYear: 2020 }, { names: false });
    await analytics.fundingFlows([FundingDimension.FUNDER], { ...none, funderIds: null, regionIds: ["region:419"], fromYear: null, toYear: null }, { first: 20 });
    // Over a year window, top groups with names, and one bound only with a kind of flow asked for.
    await analytics.fundingFlows([FundingDimension.FUNDER], { ...none, funderIds: null, regionIds: ["region:419"], fromYear: 2016, toYear: 2020 }, { first: 20 });
    await analytics.fundingFlows([FundingDimension.FUNDER, FundingDimension.FLOW_TYPE], { ...none, funderIds: null, countryIds: ["country:CL"], fromYear: 2019, flowTypes: ["disbursement"] }, { names: false });
    // An actor's profile with its partners folded in (the benchmark's Q2 in one statement).
    await new ActorRepository(run, new LoaderCache()).profile("organization:unodc", { page: { roles: null, first: 20, after: null }, withFunders: true, partners: { first: 10, details: true },
      projection: { actor: new Set(["name", "sources"]), participation: new Set(["role", "sources"]), project: new Set(["name"]), funder: new Set(["name"]), partner: new Set(["name"]) } });
    // The count of projects by themes and years, read from the theme tallies.
    await run(THEME_COUNT, { themes: ["theme:cybercrime"], from: 2020, to: null });
    expect(counter.queries.length).toBeGreaterThanOrEqual(14);
    expect(sent).toHaveLength(counter.queries.length);
    for (const [i, cypher] of counter.queries.entries()) {
      const session = db.driver.session();
      try {
        const result = await session.run(`EXPLAIN ${cypher}`, sent[i]!.params);
        const operators: string[] = [];
        const walk = (plan: any) => { operators.push(plan.operatorType); plan.children.forEach(walk); };
        walk(result.summary.plan);
        // On a graph this small the planner may scan an index instead of seeking it; either way an
        // index finds the starting points, never a scan of all nodes or of a whole label.
        expect(operators.some((o) => /NodeUniqueIndexSeek|NodeIndexSeek|NodeIndexScan/.test(o)), `${cypher}\n${operators.join(", ")}`).toBe(true);
        expect(operators.some((o) => /AllNodesScan|NodeByLabelScan/.test(o)), `${cypher}\n${operators.join(", ")}`).toBe(false);
      } finally {
        await session.close();
      }
    }
  });

  it("ranks an actor's partners without a filter by index seeks on its PARTNERS_WITH relationships, never its projects", async () => {
    const { run, sent: queries } = recordingRun(db);
    const analytics = new AnalyticsRepository(run);
    const top = await analytics.partners({ actorId: "organization:unodc", themeIds: null, roles: null, activeFrom: null, activeTo: null, first: 3, details: false });
    expect(top).toHaveLength(3);
    expect(queries).toHaveLength(1);
    const session = db.driver.session();
    try {
      const result = await session.run(`EXPLAIN ${queries[0]!.cypher}`, queries[0]!.params);
      const steps: string[] = [];
      const walk = (plan: any) => { steps.push(`${plan.operatorType} ${String(plan.arguments.Details ?? "")}`); plan.children.forEach(walk); };
      walk(result.summary.plan);
      const plan = steps.join("\n");
      // Ordered seeks on the indexes on PARTNERS_WITH (a, shared) and (b, shared); no expansion.
      expect(plan.match(/RelationshipIndexSeek[^\n]*PARTNERS_WITH/g), plan).toHaveLength(4);
      expect(plan).not.toMatch(/Expand/);
      expect(plan).not.toContain("PARTICIPATES_IN");
    } finally {
      await session.close();
    }
  });
});
