/**
 * A server over a graph whose aggregates are not of this code's version (or missing, or whose
 * migrations are not applied) refuses the fields read from the aggregates with AGGREGATES_STALE
 * and says how to fix it, answers everything else, and reports it in /health; it notices a change
 * under it within a poll, both ways. Real Neo4j, real HTTP server on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGGREGATES_VERSION, NewerAggregatesError } from "../../src/db/aggregates.js";
import { migrate } from "../../src/db/migrations.js";
import { adminSuiteOverSeed, graphqlClient, startTestServer, type TestServer } from "../support/api.js";
import { waitFor } from "../support/launcher.js";

// The seed holds no funding: two flows into a project in a region, imported over it (reset after the file).
const { db, importJson } = adminSuiteOverSeed("stale-aggregates");
const cite = [{ source: "source:stale-test", quote: "stale aggregates test" }];
const FUNDED = {
  sources: [{ id: "source:stale-test", kind: "dataset", title: "Stale aggregates test" }],
  nodes: [
    { id: "project:stale-a", type: "Project", name: "Stale aggregates A", startYear: 2018, sources: cite },
    { id: "organization:stale-x", type: "Organization", name: "Stale Funder X", sources: cite },
    { id: "funding:stale-1", type: "Funding", kind: "stated", amount: "100.25", currency: "USD", date: "2018-03-01", flowType: "grant", sources: cite },
    { id: "funding:stale-2", type: "Funding", kind: "stated", amount: "7.5", currency: "USD", date: "2019-02-02", flowType: "grant", sources: cite },
  ],
  relationships: [
    { type: "TAKES_PLACE_IN", from: "project:stale-a", to: "region:419", sources: cite },
    { type: "FUNDED", from: "organization:stale-x", to: "funding:stale-1", sources: cite },
    { type: "FUNDED", from: "organization:stale-x", to: "funding:stale-2", sources: cite },
    { type: "FUNDS", from: "funding:stale-1", to: "project:stale-a", sources: cite },
    { type: "FUNDS", from: "funding:stale-2", to: "project:stale-a", sources: cite },
  ],
};
let server: TestServer;
let gql: ReturnType<typeof graphqlClient>;
let partnerOf = "";
const region = { r: ["region:419"] };

const FLOWS = `query($r: [String!]) { fundingFlows(groupBy: [FUNDER], filter: { regions: $r }) { keys { value } currency total flows } }`;
const PARTNERS = `query($a: String!) { partners(actor: $a, first: 5) { actor { id } sharedProjects } }`;
const THEME_COUNT = `{ projects(filter: { themes: ["theme:cybercrime"] }) { totalCount } }`;
/** Fields that do not read the aggregates: they must keep answering. */
const OTHERS = `{ projects(filter: { countries: ["country:PE"] }, first: 3) { totalCount edges { node { id } } } search(text: "fiscali", first: 3) { score } }`;

const setStoredVersion = (version: number | null) => version === null
  ? db.write("MATCH (s:AggregateState {id: 'aggregates'}) DELETE s")
  : db.write("MERGE (s:AggregateState {id: 'aggregates'}) SET s.version = $version", { version });

/** What a server's health route says (`/health`, or the readiness probe). */
const healthOf = async (at: TestServer, route = "health") => (await (await fetch(`${at.url}${route}`)).json()) as Record<string, any>;
const health = () => healthOf(server, "health/ready");
const codes = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => (res.errors ?? []).map((e) => e.extensions?.code);

async function expectRefused(query: string, variables?: Record<string, unknown>) {
  const res = await gql(query, variables);
  expect(codes(res)).toEqual(["AGGREGATES_STALE"]);
  return res.errors![0]!;
}

const EDITOR = "editor-key-stale-aggregates-0123456789";
const RECORD = `mutation { recordFunding(input: { funder: "organization:stale-x", project: "project:stale-a", amount: "50", currency: "USD", date: "2019-05-05",
  citation: { source: "source:stale-test", quote: "stale aggregates test" } }) { id } }`;
const RENAME = `mutation { upsertTheme(input: { id: "theme:cybercrime", name: "Cybercrime", citation: { source: "source:stale-test", quote: "stale aggregates test" } }) { id } }`;
const write = async (query: string) => (await fetch(`${server.url}graphql`, {
  method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${EDITOR}` }, body: JSON.stringify({ query }),
})).json() as Promise<{ data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
const flowCount = async () => Number((await db.read("MATCH (:Project {id: 'project:stale-a'})<-[:FUNDS]-(f:Funding) RETURN count(f) AS n"))[0]!.n);

let answers: { flows: unknown; partners: unknown; count: unknown; others: unknown };

beforeAll(async () => {
  expect((await importJson(FUNDED)).rejected).toEqual([]);
  const [row] = await db.read("MATCH ()-[t:PARTNERS_WITH]->() WHERE t.shared > 0 RETURN t.a AS a ORDER BY t.shared DESC, t.a LIMIT 1");
  partnerOf = String(row!.a);
  // No response cache: an answer cached at the same graph version would be right, but would not test the refusal.
  server = await startTestServer(db, { versionPollMs: 50, responseCache: false, apiKeys: `editor:${EDITOR}` });
  gql = graphqlClient(server);
  answers = {
    flows: (await gql(FLOWS, region)).data, partners: (await gql(PARTNERS, { a: partnerOf })).data,
    count: (await gql(THEME_COUNT)).data, others: (await gql(OTHERS)).data,
  };
});
afterAll(async () => {
  await server?.close();
});

describe("a graph whose aggregates are stale", () => {
  it("answers from the aggregates while they are current (the baseline the rest compares with)", async () => {
    expect(answers.flows).toEqual({ fundingFlows: [{ keys: [{ value: "organization:stale-x" }], currency: "USD", total: "107.75", flows: 2 }] });
    expect((answers.partners as any).partners.length).toBeGreaterThan(0);
    expect((answers.count as any).projects.totalCount).toBeGreaterThan(0);
    expect((answers.others as any).projects.edges.length).toBeGreaterThan(0);
    expect(await health()).toEqual({ status: "ok", database: "reachable" });
  });

  it("refuses the aggregate fields within a poll of a version change under it, answers the rest, and reports it in health", async () => {
    await setStoredVersion(AGGREGATES_VERSION - 1);
    expect(await waitFor(async () => (await health()).status === "degraded", 5000)).toBe(true);
    const error = await expectRefused(FLOWS, region);
    expect(error.message).toContain(`aggregates are version ${AGGREGATES_VERSION - 1}, this code reads version ${AGGREGATES_VERSION}`);
    expect(error.message).toContain("npm run db:migrate");
    expect(error.extensions).toMatchObject({ storedAggregates: AGGREGATES_VERSION - 1, expectedAggregates: AGGREGATES_VERSION, missingSchema: [] });
    await expectRefused(PARTNERS, { a: partnerOf });
    await expectRefused(THEME_COUNT);
    // Not read from the aggregates: same answers as before.
    const others = await gql(OTHERS);
    expect(others.errors).toBeUndefined();
    expect(others.data).toEqual(answers.others);
    // The actor alone answers; beside its partners (folded into its profile's statement), the
    // partners' refusal is the only error (partners is non-null: the data is null, as for any error there).
    const actor = await gql(`query($a: String!) { actor(reference: $a) { id participations(first: 2) { totalCount } } }`, { a: partnerOf });
    expect(actor.errors).toBeUndefined();
    expect(actor.data?.actor).toMatchObject({ id: partnerOf });
    const both = await gql(`query($a: String!) { actor(reference: $a) { id } partners(actor: $a, first: 3) { sharedProjects } }`, { a: partnerOf });
    expect(codes(both)).toEqual(["AGGREGATES_STALE"]);
    expect(both.errors![0]!.path).toEqual(["partners"]);
    expect(await health()).toMatchObject({
      status: "degraded", database: "reachable",
      aggregates: { code: "AGGREGATES_STALE", stored: AGGREGATES_VERSION - 1, expected: AGGREGATES_VERSION, missingSchema: [] },
    });
  });

  it("answers again within a poll once the version is back, with the same answers", async () => {
    await setStoredVersion(AGGREGATES_VERSION);
    expect(await waitFor(async () => (await health()).status === "ok", 5000)).toBe(true);
    expect((await gql(FLOWS, region)).data).toEqual(answers.flows);
    expect((await gql(PARTNERS, { a: partnerOf })).data).toEqual(answers.partners);
    expect((await gql(THEME_COUNT)).data).toEqual(answers.count);
  });

  it("refuses while no aggregates are stored (a bulk load or rebuild under way), and names a newer graph's version as such", async () => {
    await setStoredVersion(null);
    expect(await waitFor(async () => (await health()).status === "degraded", 5000)).toBe(true);
    expect((await expectRefused(FLOWS, region)).message).toContain("the graph holds no current aggregates");
    await setStoredVersion(AGGREGATES_VERSION + 1);
    expect(await waitFor(async () => (await health()).aggregates?.stored === AGGREGATES_VERSION + 1, 5000)).toBe(true);
    const newer = await expectRefused(THEME_COUNT);
    expect(newer.message).toContain("older code than the graph's");
    expect(newer.message).toContain("--downgrade");
    // This release's migrate does not rebuild a newer graph's aggregates to its own definition unless told to.
    await expect(migrate(db)).rejects.toThrow(NewerAggregatesError);
    expect((await db.read("MATCH (s:AggregateState {id: 'aggregates'}) RETURN s.version AS v"))[0]!.v).toBe(AGGREGATES_VERSION + 1);
    await migrate(db, undefined, { downgrade: true });
    expect(await waitFor(async () => (await health()).status === "ok", 5000)).toBe(true);
    expect((await gql(FLOWS, region)).data).toEqual(answers.flows);
  });
});

describe("an index the aggregate reads do not use", () => {
  it("missing, refuses nothing (only the aggregates' own indexes and constraints are checked)", async () => {
    await db.runSchema("DROP INDEX actor_iati_ref IF EXISTS");
    const other = await startTestServer(db, { versionPollMs: 50, responseCache: false });
    try {
      const ask = graphqlClient(other);
      expect((await ask(FLOWS, region)).data).toEqual(answers.flows);
      expect((await healthOf(other)).status).toBe("ok");
    } finally {
      await other.close();
      await migrate(db);
    }
  });
});

describe("the end of a rebuild", () => {
  it("is seen by the first request after it, not a poll later (the state is read again before refusing)", async () => {
    await setStoredVersion(null);
    // Polls a minute apart: only the start and the re-check before a refusal read the state.
    const slow = await startTestServer(db, { versionPollMs: 60_000, responseCache: false });
    try {
      const ask = graphqlClient(slow);
      expect(codes(await ask(FLOWS, region))).toEqual(["AGGREGATES_STALE"]);
      await setStoredVersion(AGGREGATES_VERSION);
      await new Promise((r) => setTimeout(r, 250));
      expect((await ask(FLOWS, region)).data).toEqual(answers.flows);
      expect((await healthOf(slow)).status).toBe("ok");
    } finally {
      await slow.close();
      await setStoredVersion(AGGREGATES_VERSION);
    }
  });
});

describe("a graph whose migrations are not applied", () => {
  it("a server started over it refuses Q8 (whose plan forces the missing index) with the fix, and serves again once migrated", async () => {
    await db.runSchema("DROP INDEX funding_tally_window IF EXISTS");
    const other = await startTestServer(db, { versionPollMs: 50, responseCache: false });
    try {
      const ask = graphqlClient(other);
      const res = await ask(FLOWS, region);
      expect(codes(res)).toEqual(["AGGREGATES_STALE"]);
      expect(res.errors![0]!.message).toContain("missing or not online: funding_tally_window");
      expect(res.errors![0]!.extensions?.missingSchema).toEqual(["funding_tally_window"]);
      const state = await healthOf(other);
      expect(state).toMatchObject({ status: "degraded", aggregates: { stored: AGGREGATES_VERSION, missingSchema: ["funding_tally_window"] } });
      expect((await ask(OTHERS)).data).toEqual(answers.others);
      await migrate(db);
      expect(await waitFor(async () => (await healthOf(other)).status === "ok", 5000)).toBe(true);
      expect((await ask(FLOWS, region)).data).toEqual(answers.flows);
    } finally {
      await other.close();
    }
  });
});

describe("a write over aggregates of another version", () => {
  it("is refused with AGGREGATES_STALE when it would keep them, writes nothing, and goes through once they match", async () => {
    for (const stored of [AGGREGATES_VERSION + 1, AGGREGATES_VERSION - 1]) {
      await setStoredVersion(stored);
      const res = await write(RECORD);
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(["AGGREGATES_STALE"]);
      expect(res.errors![0]!.message).toContain(`aggregates are version ${stored} and this release keeps version ${AGGREGATES_VERSION}`);
      expect(res.errors![0]!.message).toContain("this write was not applied");
      expect(res.errors![0]!.extensions).toMatchObject({ storedAggregates: stored, expectedAggregates: AGGREGATES_VERSION });
      expect(await flowCount()).toBe(2);
      // A write that keeps no aggregates (a theme's name) is not refused.
      expect((await write(RENAME)).errors).toBeUndefined();
    }
    // A rebuild under way (it reads every flow once, then writes the tallies back): refused too, retryable.
    await db.write("MATCH (s:AggregateState {id: 'aggregates'}) SET s.rebuilding = true REMOVE s.version");
    const during = await write(RECORD);
    expect(during.errors?.map((e) => e.extensions?.code)).toEqual(["AGGREGATES_STALE"]);
    expect(during.errors![0]!.message).toContain("being rebuilt");
    expect(await flowCount()).toBe(2);
    // None stored at all is a bulk load under way, whose own writes keep the aggregates: writes go on.
    await setStoredVersion(null);
    expect((await write(RECORD)).errors).toBeUndefined();
    expect(await flowCount()).toBe(3);
    await migrate(db);
    expect(await waitFor(async () => (await health()).status === "ok", 5000)).toBe(true);
    const flows = (await gql(FLOWS, region)).data as any;
    expect(flows.fundingFlows).toEqual([{ keys: [{ value: "organization:stale-x" }], currency: "USD", total: "157.75", flows: 3 }]);
  });
});
