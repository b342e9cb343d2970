import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Context } from "../../src/graphql/context.js";
import { writeGraph } from "../../src/ingest/graph-writer.js";
import { dataOf, graphqlClient, startTestServer, type TestServer } from "../support/api.js";
import { testDatabase } from "../support/db.js";
import { resetToSeed } from "../support/reset.js";

const db = testDatabase();
let server: TestServer;
/** The context of the last GraphQL request: its Cypher round trips, through the server's test seam. */
let last: Context | undefined;
const lastContext = () => last;
let gql: ReturnType<typeof graphqlClient>;

beforeAll(async () => {
  server = await startTestServer(db, {}, { onContext: (ctx) => (last = ctx) });
  gql = graphqlClient(server);
});
afterAll(async () => {
  await server.close();
  await db.close();
});

async function projectIds(filter: Record<string, unknown>): Promise<string[]> {
  const data = dataOf(await gql(`query($f: ProjectFilter) { projects(filter: $f, first: 100) { edges { node { id } } } }`, { f: filter }));
  return data.projects.edges.map((e: { node: { id: string } }) => e.node.id).sort();
}

describe("projects(filter:)", () => {
  it("answers the analyst's question: programs involving UNODC and Peru are the cybercrime conferences, with sources", async () => {
    const data = dataOf(await gql(`{
      projects(filter: { involvingAll: ["UNODC", "Peru"] }) {
        totalCount
        resolvedReferences { reference id type matchedBy }
        edges { node { id name kind themes { id } participants { role actor { id } } sources { quote source { id kind } } } }
      }
    }`));
    expect(data.projects.totalCount).toBe(1);
    expect(data.projects.resolvedReferences).toEqual([
      { reference: "UNODC", id: "organization:unodc", type: "Organization", matchedBy: "acronym" },
      { reference: "Peru", id: "country:PE", type: "Country", matchedBy: "name" },
    ]);
    const project = data.projects.edges[0].node;
    expect(project).toMatchObject({ id: "project:cybercrime-conferences", name: "Cybercrime Conferences", kind: "conference-series" });
    expect(project.themes.map((t: { id: string }) => t.id)).toContain("theme:cybercrime");
    expect(project.participants).toContainEqual({ role: "co-organizer", actor: { id: "organization:unodc" } });
    expect(project.participants).toContainEqual({ role: "participant", actor: { id: "group:prosecutors-peru" } });
    expect(project.sources[0]).toEqual({
      quote: "the Cybercrime Conferences held with Prosecutors from Peru, Costa Rica and Panama, conducted jointly with the United Nations Office on Drugs and Crime (UNODC)",
      source: { id: "source:iap27-mahiques-abstract", kind: "document" },
    });
  });

  it("understands Spanish names, acronyms, ISO codes and ids, ignoring case and accents", async () => {
    const expected = ["project:cybercrime-conferences"];
    expect(await projectIds({ involvingAll: ["ONUDD", "Perú"] })).toEqual(expected);
    expect(await projectIds({ involvingAll: ["oficina de las naciones unidas contra la droga y el delito", "pe"] })).toEqual(expected);
    expect(await projectIds({ involvingAll: ["organization:unodc", "country:PE"] })).toEqual(expected);
    expect(await projectIds({ involvingAll: ["Panamá", "Costa Rica"] })).toEqual(expected);
  });

  it("treats a country as involved when an actor based there takes part", async () => {
    expect(await projectIds({ involvingAll: ["Chile"] })).toEqual(["project:training-programs-chile"]);
    expect(await projectIds({ involvingAll: ["Estados Unidos"] })).toEqual(["project:dmi-open-drug-markets", "project:training-programs-united-states"]);
    expect((await projectIds({ involvingAll: ["Argentina"] })).length).toBe(5);
    expect(await projectIds({ regions: ["Central America"] })).toEqual(["project:cybercrime-conferences"]);
  });

  it("combines involvingAny, themes, kinds, funders, roles and years", async () => {
    expect(await projectIds({ involvingAny: ["IDB", "PNUD"] })).toEqual(["project:dmi-open-drug-markets", "project:victim-satisfaction-evaluation"]);
    expect(await projectIds({ themes: ["violencia de genero"] })).toEqual(["project:victim-satisfaction-evaluation"]);
    expect(await projectIds({ kinds: ["training-program"], involvingAll: ["NCSC"] })).toEqual(["project:training-programs-united-states"]);
    expect(await projectIds({ involvingAll: ["BID"], roles: ["supporter"] })).toEqual(["project:dmi-open-drug-markets"]);
    expect(await projectIds({ involvingAll: ["BID"], roles: ["lead"] })).toEqual([]);
    expect(await projectIds({ roles: ["expert-support"] })).toEqual(["project:dmi-open-drug-markets"]);
    expect(await projectIds({ activeFrom: 2021, activeTo: 2021, involvingAll: ["UNDP"] })).toEqual(["project:victim-satisfaction-evaluation"]);
    // The document names no funder: IDB and UNDP "support", and the graph keeps that precision.
    expect(await projectIds({ funders: ["IDB"] })).toEqual([]);
  });

  it("returns an empty connection, not an error, when nothing matches", async () => {
    const data = dataOf(await gql(`{ projects(filter: { involvingAll: ["UNODC"], activeFrom: 2023 }) { totalCount edges { cursor } pageInfo { hasNextPage endCursor } } }`));
    expect(data.projects).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it("names an unknown reference and the closest known names", async () => {
    const res = await gql(`{ projects(filter: { involvingAll: ["UNODX", "Peru"] }) { totalCount } }`);
    expect(res.data).toBeNull();
    expect(res.errors![0]!.extensions).toMatchObject({
      code: "REFERENCE_NOT_FOUND", reference: "UNODX",
      suggestions: expect.arrayContaining([expect.objectContaining({ id: "organization:unodc" })]),
    });
    expect(res.errors![0]!.message).toContain("\"UNODX\"");
  });

  it("lists the candidates of an ambiguous reference", async () => {
    const source = "source:test-ambiguity";
    await writeGraph(db, {
      sources: [{ id: source, kind: "test", title: "test fixture" }],
      nodes: [{ id: "organization:isdb", type: "Organization", name: "Islamic Development Bank", acronyms: ["IsDB", "IDB"], sources: [{ source, quote: "IsDB is also called IDB" }] }],
    });
    // Written behind the server's back (not through a mutation): tell its reference cache.
    server.referenceCache.invalidate();
    try {
      const res = await gql(`{ projects(filter: { involvingAll: ["IDB"] }) { totalCount } }`);
      expect(res.errors![0]!.extensions!.code).toBe("AMBIGUOUS_REFERENCE");
      expect((res.errors![0]!.extensions!.candidates as { id: string }[]).map((c) => c.id).sort()).toEqual(["organization:idb", "organization:isdb"]);
      expect(await projectIds({ involvingAll: ["organization:idb"] })).toEqual(["project:dmi-open-drug-markets"]);
    } finally {
      await db.write("MATCH (n) WHERE n.id IN ['organization:isdb', $source] DETACH DELETE n", { source });
      server.referenceCache.invalidate();
    }
  });
});

describe("pagination", () => {
  const page = `query($first: Int, $after: String, $sort: ProjectSort) {
    projects(first: $first, after: $after, sort: $sort) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id participantCount startYear } } }
  }`;

  it("walks every project once with keyset cursors, in name order", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const data: Record<string, any> = dataOf(await gql(page, { first: 2, after }));
      expect(data.projects.totalCount).toBe(5);
      seen.push(...data.projects.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!data.projects.pageInfo.hasNextPage) break;
      after = data.projects.pageInfo.endCursor;
    }
    expect(seen).toEqual([
      "project:cybercrime-conferences", "project:dmi-open-drug-markets", "project:victim-satisfaction-evaluation",
      // "…with institutions in the United States" sorts before "…with the Chilean…"
      "project:training-programs-united-states", "project:training-programs-chile",
    ]);
  });

  it("sorts by number of participants and by start date", async () => {
    const byParticipants = dataOf(await gql(page, { first: 5, sort: { field: "PARTICIPANTS", direction: "DESC" } }));
    expect(byParticipants.projects.edges.map((e: { node: { participantCount: number } }) => e.node.participantCount)).toEqual([5, 3, 3, 2, 2]);
    expect(byParticipants.projects.edges[0].node.id).toBe("project:cybercrime-conferences");
    const next = dataOf(await gql(page, { first: 5, after: byParticipants.projects.edges[0].cursor, sort: { field: "PARTICIPANTS", direction: "DESC" } }));
    expect(next.projects.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
      byParticipants.projects.edges.slice(1).map((e: { node: { id: string } }) => e.node.id));
    const byStart = dataOf(await gql(page, { first: 5, sort: { field: "START_DATE" } }));
    expect(byStart.projects.edges.map((e: { node: { startYear: number } }) => e.node.startYear)).toEqual([2020, 2020, 2020, 2020, 2020]);
  });

  it("refuses pages over 100 and cursors it did not issue", async () => {
    const big = await gql(page, { first: 101 });
    expect(big.errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
    expect(big.errors![0]!.message).toContain("between 0 and 100");
    const forged = await gql(page, { first: 2, after: "not-a-cursor" });
    expect(forged.errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
  });

  it("refuses a cursor issued for another sort, naming both", async () => {
    // A NAME cursor's value is a name: read as a number of participants it gave an empty last page,
    // read as a start date an arbitrary start.
    const byName = dataOf(await gql(page, { first: 2 }));
    const nameCursor = byName.projects.pageInfo.endCursor;
    for (const [sort, named] of [[{ field: "PARTICIPANTS", direction: "DESC" }, "PARTICIPANTS DESC"], [{ field: "START_DATE" }, "START_DATE ASC"],
      [{ field: "NAME", direction: "DESC" }, "NAME DESC"]] as const) {
      const res = await gql(page, { first: 2, after: nameCursor, sort });
      expect(res.data?.projects ?? null, named).toBeNull();
      expect(res.errors![0]).toMatchObject({
        message: `this cursor was issued for the list sorted by NAME ASC, not by ${named}: pass the sort it was issued for, or start again without "after"`,
        extensions: { code: "BAD_USER_INPUT", cursorSort: "NAME ASC", sort: named },
      });
    }
    // With the sort it was issued for, it goes on; a START_DATE cursor goes on in START_DATE only.
    const next = dataOf(await gql(page, { first: 2, after: nameCursor, sort: { field: "NAME", direction: "ASC" } }));
    expect(next.projects.edges.map((e: any) => e.node.id)).toEqual(["project:victim-satisfaction-evaluation", "project:training-programs-united-states"]);
    const byStart = dataOf(await gql(page, { first: 2, sort: { field: "START_DATE" } }));
    const startCursor = byStart.projects.pageInfo.endCursor;
    expect(dataOf(await gql(page, { first: 2, after: startCursor, sort: { field: "START_DATE" } })).projects.edges).toHaveLength(2);
    expect((await gql(page, { first: 2, after: startCursor })).errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", cursorSort: "START_DATE ASC", sort: "NAME ASC" });
    // A cursor without its sort, as an earlier release issued them, is refused saying so.
    const bare = Buffer.from(JSON.stringify(["Cybercrime", "project:cybercrime-conferences"])).toString("base64url");
    expect((await gql(page, { first: 2, after: bare })).errors![0]!.message).toContain("issued by an earlier version of the API");
  });
});

describe("no N+1", () => {
  const nested = `query($first: Int) { projects(first: $first) { edges { node { id participants { role actor { id basedIn { code } } } } } } }`;
  const source = "source:test-n-plus-one";
  const actors = ["agency:mpf-caba", "organization:unodc", "group:prosecutors-peru", "agency:fiscalia-chile"];

  beforeAll(async () => {
    // 25 extra projects, each with 2-4 participants, so that a page of 20 is full.
    await writeGraph(db, {
      sources: [{ id: source, kind: "test", title: "N+1 fixture" }],
      nodes: Array.from({ length: 25 }, (_, i) => ({
        id: `project:fixture-${i}`, type: "Project", name: `Fixture project ${i}`, kind: "fixture", startYear: 2000 + i,
        sources: [{ source, quote: "fixture" }],
      })),
      relationships: Array.from({ length: 25 }, (_, i) => actors.slice(0, 2 + (i % 3)).map((a) => ({
        type: "PARTICIPATES_IN", from: a, to: `project:fixture-${i}`, role: "participant", sources: [{ source, quote: "fixture" }],
      }))).flat(),
    });
  });
  // Back to the seed: deleting the fixture's projects alone would leave its partner tallies behind
  // (UNODC and the Buenos Aires City service sharing 26 projects) for the files that run next.
  afterAll(async () => {
    await resetToSeed(db, server);
  });

  it("runs one query per field level, whatever the number of projects", async () => {
    const counts: number[] = [];
    for (const first of [1, 20]) {
      const data = dataOf(await gql(nested, { first }));
      expect(data.projects.edges.length).toBe(first);
      counts.push(lastContext()!.queries.count);
    }
    const data = dataOf(await gql(nested, { first: 20 }));
    const participants = data.projects.edges.flatMap((e: { node: { participants: unknown[] } }) => e.node.participants);
    expect(participants.length).toBeGreaterThan(40);
    // The page query looks ahead: participants and their countries come with it.
    expect(counts).toEqual([1, 1]);
  });

  it("batches one query per level where the page cannot look ahead", async () => {
    const withRoles = `query($first: Int) { projects(first: $first) { edges { node { id participants(roles: ["participant", "lead"]) { role actor { id basedIn { code } } } } } } }`;
    const counts: number[] = [];
    for (const first of [1, 20]) {
      dataOf(await gql(withRoles, { first }));
      counts.push(lastContext()!.queries.count);
    }
    // The page, then participants (actors come with them), then their countries.
    expect(counts).toEqual([3, 3]);
    expect(lastContext()!.queries.queries.filter((q) => q.includes("UNWIND $ids")).length).toBe(2);
  });

  it("batches sources and nested connections too", async () => {
    const data = dataOf(await gql(`{ actors(first: 20) { edges { node { id sources { source { id } } participations(first: 3) { totalCount edges { node { role project { id } sources { quote } } } } } } } }`));
    expect(data.actors.edges.length).toBe(14);
    // page, the actors' provenance (lists fetch it only when asked), their sources, participations, participation counts
    expect(lastContext()!.queries.count).toBe(5);
  });
});


describe("bounded reference lists", () => {
  it("refuses more than 50 names (each a full-text lookup) in one filter list with LIMIT_EXCEEDED, before any lookup; ids are cheap", async () => {
    const many = Array.from({ length: 51 }, (_, i) => `Atlantis ${i}`);
    const res = await gql(`query($c: [String!]) { projects(filter: { countries: $c }) { totalCount } }`, { c: many });
    expect(res.errors![0]!.extensions!.code).toBe("LIMIT_EXCEEDED");
    expect(res.errors![0]!.message).toBe("at most 50 names and 1000 references in one list; this one has 51 names of 51");
    expect(lastContext()!.queries.count).toBe(0);
    // 50 is allowed (and these are simply not found).
    const fifty = await gql(`query($c: [String!]) { projects(filter: { countries: $c }) { totalCount } }`, { c: many.slice(0, 50) });
    expect(fifty.errors![0]!.extensions!.code).toBe("REFERENCE_NOT_FOUND");
    // The explorer's filter sends up to 100 ids of the entities in view: they pass.
    const ids = (await db.read("MATCH (c:Country) RETURN c.id AS id ORDER BY id LIMIT 100")).map((r) => r.id as string);
    expect(ids).toHaveLength(100);
    const byIds = await gql(`query($a: [String!]) { projects(filter: { involvingAny: $a }) { totalCount } }`, { a: ids });
    expect(byIds.errors).toBeUndefined();
    expect(byIds.data!.projects.totalCount).toBeGreaterThan(0);
  });
});

describe("look-ahead and the request's shared loaders (issue 9 a)", () => {
  const unodcQuote = "conducted jointly with the United Nations Office on Drugs and Crime (UNODC)";

  it("a page's trimmed participants do not answer another field's fuller selection in the same request", async () => {
    const res = await gql(`{
      a: projects(first: 5) { edges { node { id participants { role actor { id } } } } }
      b: project(reference: "Cybercrime Conferences") { participants { role actor { name } sources { quote } } }
    }`);
    expect(res.errors).toBeUndefined();
    const b = res.data!.b as { participants: { role: string; actor: { name: string }; sources: { quote: string }[] }[] };
    expect(b.participants).toHaveLength(5);
    expect(b.participants).toContainEqual({ role: "co-organizer", actor: { name: "United Nations Office on Drugs and Crime" }, sources: [{ quote: unodcQuote }] });
    expect(b.participants).toContainEqual(expect.objectContaining({ role: "participant", actor: { name: "Prosecutors from Peru" } }));
    // The page itself still answers from its own query.
    const a = res.data!.a as { edges: { node: { participants: { actor: { id: string } }[] } }[] };
    expect(a.edges.flatMap((e) => e.node.participants.map((p) => p.actor.id))).toContain("organization:unodc");
  });

  it("a page lists each project's participants as the project itself does: by actor name, then role, typed", async () => {
    const selection = "participants { role actor { __typename id name } }";
    const page = dataOf(await gql(`{ projects(first: 100) { edges { node { id ${selection} } } } }`));
    const nodes = page.projects.edges.map((e: { node: { id: string; participants: unknown[] } }) => e.node);
    expect(nodes.length).toBeGreaterThanOrEqual(5);
    for (const node of nodes) {
      const alone = dataOf(await gql(`query($id: String!) { project(reference: $id) { ${selection} } }`, { id: node.id }));
      expect(node.participants).toEqual(alone.project.participants);
    }
    const conferences = nodes.find((n: { id: string }) => n.id === "project:cybercrime-conferences");
    expect(conferences.participants.map((p: { actor: { name: string } }) => p.actor.name)).toEqual([
      "Prosecutors from Costa Rica", "Prosecutors from Panama", "Prosecutors from Peru",
      "Public Prosecution Service of the Autonomous City of Buenos Aires", "United Nations Office on Drugs and Crime",
    ]);
    expect(conferences.participants.map((p: { actor: { __typename: string } }) => p.actor.__typename)).toEqual(["Group", "Group", "Group", "Agency", "Organization"]);
  });

  it("a page orders participants as the project's own query does where names tie, roles differ and UTF-16 and code points disagree", async () => {
    const source = "source:test-participant-order";
    const project = "project:fixture-participant-order";
    // "𝐀" (U+1D400) is a surrogate pair in JavaScript, before "ｂ" (U+FF42) by UTF-16 code units,
    // after it by code points, as Neo4j orders stored strings.
    const actors = [
      { id: "organization:fixture-order-b", name: "ｂ fixture" },
      { id: "organization:fixture-order-a", name: "𝐀 fixture" },
      { id: "agency:fixture-order-twin-2", name: "Twin fixture" },
      { id: "agency:fixture-order-twin-1", name: "Twin fixture" },
    ];
    await writeGraph(db, {
      sources: [{ id: source, kind: "test", title: "participant order fixture" }],
      nodes: [
        { id: project, type: "Project", name: "Aaa participant order fixture", kind: "fixture", startYear: 1900, sources: [{ source, quote: "fixture" }] },
        ...actors.map((a) => ({ ...a, type: a.id.startsWith("agency:") ? "Agency" : "Organization", sources: [{ source, quote: "fixture" }] })),
      ],
      relationships: [
        ...actors.map((a) => ({ type: "PARTICIPATES_IN", from: a.id, to: project, role: "participant", sources: [{ source, quote: "fixture" }] })),
        { type: "PARTICIPATES_IN", from: "agency:fixture-order-twin-2", to: project, role: "funder", sources: [{ source, quote: "fixture" }] },
      ],
    });
    server.referenceCache.invalidate();
    try {
      const selection = "participants { role actor { __typename id } }";
      const page = dataOf(await gql(`{ projects(filter: { kinds: ["fixture"] }, sort: { field: START_DATE }, first: 5) { edges { node { id ${selection} } } } }`));
      const alone = dataOf(await gql(`query($id: String!) { project(reference: $id) { ${selection} } }`, { id: project }));
      const fromPage = page.projects.edges.find((e: { node: { id: string } }) => e.node.id === project).node.participants;
      expect(fromPage).toEqual(alone.project.participants);
      expect(fromPage.map((p: { role: string; actor: { id: string } }) => `${p.actor.id} ${p.role}`)).toEqual([
        "agency:fixture-order-twin-2 funder", "agency:fixture-order-twin-1 participant", "agency:fixture-order-twin-2 participant",
        "organization:fixture-order-b participant", "organization:fixture-order-a participant",
      ]);
      expect(fromPage.map((p: { actor: { __typename: string } }) => p.actor.__typename)).toEqual(["Agency", "Agency", "Agency", "Organization", "Organization"]);
    } finally {
      await resetToSeed(db, server);
    }
  });

  it("a page's trimmed countries do not answer a fuller basedIn selection, in either order", async () => {
    for (const query of [
      `{ a: projects(first: 5) { edges { node { id participants { actor { id basedIn { code } } } } } }
         b: actor(reference: "Prosecutors from Peru") { basedIn { code name nameEs sources { quote } } } }`,
      `{ b: actor(reference: "Prosecutors from Peru") { basedIn { code name nameEs sources { quote } } }
         a: projects(first: 5) { edges { node { id participants { actor { id basedIn { code } } } } } } }`,
    ]) {
      const res = await gql(query);
      expect(res.errors).toBeUndefined();
      const b = res.data!.b as { basedIn: { code: string; name: string; nameEs: string; sources: { quote: string }[] }[] };
      expect(b.basedIn).toEqual([{ code: "PE", name: "Peru", nameEs: "Perú", sources: [{ quote: expect.stringContaining("Peru") }] }]);
    }
  });
});
