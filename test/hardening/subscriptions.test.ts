/**
 * graphChanged over a real WebSocket (graphql-ws client): a write that touches the filtered
 * entity is told once, a burst of writes is coalesced into one event a second, other entities are
 * not told, and a wrong key is refused.
 */
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ReferenceCache } from "../../src/domain/references/reference.repository.js";
import { sha256 } from "../../src/graphql/persisted-operations.js";
import { dataOf, graphqlClient, startTestServer, type TestServer } from "../support/api.js";
import { testDatabase } from "../support/db.js";
import { resetToSeed } from "../support/reset.js";

const EDITOR = "editor-key-0123456789abcdef";
const db = testDatabase();
let server: TestServer;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startTestServer(db, { apiKeys: `editor:${EDITOR}`, versionPollMs: 200 });
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await server.close();
  await resetToSeed(db);
  await db.close();
});

function connect(authorization?: string, on: TestServer = server): Client {
  const client = createClient({
    url: `${on.url.replace("http", "ws")}subscriptions`,
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 0,
    lazy: false,
  });
  clients.push(client);
  return client;
}

interface Event { version: string; ids: string[]; all: boolean; receivedAt?: number }

function listen(client: Client, filter: Record<string, unknown>): { events: Event[]; errors: unknown[] } {
  const events: Event[] = [];
  const errors: unknown[] = [];
  client.subscribe<{ graphChanged: Event }>(
    { query: "subscription($f: GraphChangeFilter) { graphChanged(filter: $f) { version ids all } }", variables: { f: filter } },
    { next: (r) => (r.data ? events.push({ ...r.data.graphChanged, receivedAt: Date.now() }) : errors.push(r.errors)), error: (e) => errors.push(e), complete: () => {} },
  );
  return { events, errors };
}

const renameTheme = (id: string, name: string) => graphqlClient(server)(
  `mutation($id: ID!, $name: String!) { upsertTheme(input: { id: $id, name: $name, citation: { source: "source:coopgraph-enrichment", quote: "test" } }) { id } }`,
  { id, name },
  { authorization: `Bearer ${EDITOR}` },
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("graphChanged", () => {
  it("tells a subscriber about writes to what it follows, at most once a second, and nothing else", async () => {
    const victims = listen(connect(), { entities: ["Víctimas"] });
    const training = listen(connect(), { entities: ["theme:training"] });
    await sleep(500);
    // A burst of five writes: the first is told at once, the rest together a second later.
    for (let i = 1; i <= 5; i++) dataOf(await renameTheme("theme:victims", `Victims ${i}`));
    await sleep(2500);
    expect(victims.errors).toEqual([]);
    expect(victims.events.length).toBeGreaterThanOrEqual(1);
    expect(victims.events.length).toBeLessThanOrEqual(2);
    for (const event of victims.events) expect(event).toMatchObject({ ids: ["theme:victims"], all: false });
    if (victims.events.length === 2) expect(victims.events[1]!.receivedAt! - victims.events[0]!.receivedAt!).toBeGreaterThanOrEqual(950);
    expect(training.events).toEqual([]);

    const told = victims.events.length;
    dataOf(await renameTheme("theme:training", "Training (renamed)"));
    await sleep(1500);
    expect(training.events.map((e) => e.ids)).toEqual([["theme:training"]]);
    expect(victims.events).toHaveLength(told);
  });

  it("hears, with entities and kinds together, the entities of those kinds written with a followed one (README's example)", async () => {
    const asEditor = { authorization: `Bearer ${EDITOR}` };
    const participation = (op: "add" | "remove", project: string) => graphqlClient(server)(op === "add"
      ? `mutation($p: String!) { addParticipation(input: { actor: "UNODC", project: $p, role: "partner", citation: { source: "source:coopgraph-enrichment", quote: "test" } }) { id } }`
      : `mutation($p: String!) { removeParticipation(actor: "UNODC", project: $p, role: "partner") }`, { p: project }, asEditor);
    const projectsOfUnodc = listen(connect(), { entities: ["UNODC"], kinds: ["project"] });
    const unodc = listen(connect(), { entities: ["UNODC"] });
    const projects = listen(connect(), { kinds: ["project"] });
    await sleep(500);
    dataOf(await participation("add", "project:dmi-open-drug-markets"));
    // Another project written in the same second, without UNODC: not one of UNODC's projects.
    dataOf(await graphqlClient(server)(
      `mutation { upsertProject(input: { id: "project:victim-satisfaction-evaluation", name: "Evaluation of Victim Satisfaction with Protection Measures", kind: "evaluation-report", citation: { source: "source:coopgraph-enrichment", quote: "test" } }) { id } }`,
      {}, asEditor));
    await sleep(1500);
    expect(projectsOfUnodc.errors).toEqual([]);
    expect(projectsOfUnodc.events.map((e) => e.ids)).toEqual([["project:dmi-open-drug-markets"]]);
    expect(unodc.events.map((e) => e.ids)).toEqual([["organization:unodc"]]);
    expect(projects.events.flatMap((e) => e.ids).sort()).toEqual(["project:dmi-open-drug-markets", "project:victim-satisfaction-evaluation"]);
    expect(dataOf(await participation("remove", "project:dmi-open-drug-markets")).removeParticipation).toBe(true);
    await sleep(1500);
    expect(projectsOfUnodc.events.map((e) => e.ids)).toEqual([["project:dmi-open-drug-markets"], ["project:dmi-open-drug-markets"]]);
  });

  it("serves only subscriptions over WebSocket, under the HTTP limits", async () => {
    const client = connect();
    const errorsOf = (query: string) => new Promise<unknown>((resolve) => {
      client.subscribe({ query }, { next: (r) => resolve(r.errors), error: (e) => resolve(e), complete: () => resolve("completed") });
    });
    const query = (await errorsOf("{ themes { id } }")) as { extensions: { code: string } }[];
    expect(query[0]!.extensions.code).toBe("BAD_REQUEST");
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: graphChanged { version }`).join(" ");
    const bomb = (await errorsOf(`subscription { ${aliases} }`)) as { extensions: { code: string } }[];
    expect(bomb[0]!.extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const braces = (await errorsOf("{".repeat(6000))) as { extensions: { code: string } }[];
    expect(braces[0]!.extensions.code).toBe("GRAPHQL_PARSE_FAILED");
  });

  it("refuses a wrong key with 4403", async () => {
    const closed = await new Promise<number>((resolve) => {
      const client = createClient({
        url: `${server.url.replace("http", "ws")}subscriptions`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false,
        connectionParams: { authorization: "Bearer not-a-key-at-all-000000" },
        on: { closed: (event) => resolve((event as { code: number }).code) },
      });
      clients.push(client);
    });
    expect(closed).toBe(4403);
  });
});

describe("limits and masking over WebSocket", () => {
  const errorsOf = (client: Client, query: string, variables?: Record<string, unknown>) => new Promise<any>((resolve) => {
    client.subscribe({ query, variables }, { next: (r) => r.errors && resolve(r.errors), error: (e) => resolve(e), complete: () => resolve("completed") });
  });
  const connected = (client: Client) => new Promise<void>((resolve, reject) => {
    client.on("connected", () => resolve());
    client.on("closed", (e) => reject(new Error(`closed ${(e as { code: number }).code}`)));
  });

  it("caps subscriptions per socket with LIMIT_EXCEEDED, and sockets per address with 429 RATE_LIMITED at the upgrade", async () => {
    const capped = await startTestServer(db, { wsMaxSubscriptionsPerSocket: 2, wsMaxSocketsPerAddress: 3 });
    const own: Client[] = [];
    try {
      const client = connect(undefined, capped);
      own.push(client);
      const first = listen(client, { entities: ["UNODC"] });
      const second = listen(client, { entities: ["IDB"] });
      const third = await errorsOf(client, "subscription { graphChanged { version } }");
      expect(third[0]).toMatchObject({ message: "at most 2 subscriptions per WebSocket; complete one first or open another socket", extensions: { code: "LIMIT_EXCEEDED", limit: 2 } });
      expect([first.errors, second.errors]).toEqual([[], []]);

      for (let i = 0; i < 2; i++) {
        const c = connect(undefined, capped);
        own.push(c);
        await connected(c);
      }
      // A fourth socket from the same address is refused before the upgrade, with a coded body.
      const refused = await new Promise<{ status: number; body: any }>((resolve, reject) => {
        const ws = new WebSocket(`${capped.url.replace("http", "ws")}subscriptions`, "graphql-transport-ws");
        ws.on("unexpected-response", (_req, res) => {
          let text = "";
          res.on("data", (chunk) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        });
        ws.on("open", () => reject(new Error("a fourth socket was accepted")));
      });
      expect(refused.status).toBe(429);
      expect(refused.body.errors[0]).toMatchObject({ message: "at most 3 WebSockets per client address", extensions: { code: "RATE_LIMITED", limit: 3 } });
      // A closed socket frees its place.
      await own.pop()!.dispose();
      await sleep(200);
      const again = connect(undefined, capped);
      own.push(again);
      await connected(again);
    } finally {
      for (const c of own) await c.dispose();
      await capped.close();
    }
  });

  it("counts the subscriptions a caller starts against the rate limit, per key or address, however many sockets", async () => {
    const limited = await startTestServer(db, { apiKeys: `editor:${EDITOR}`, rateLimitPerMinute: 3, rateLimitLoopback: true });
    const own: Client[] = [];
    try {
      const anonymous = connect(undefined, limited);
      const keyed = connect(`Bearer ${EDITOR}`, limited);
      own.push(anonymous, keyed);
      // Three starts, each completed at once, then a fourth on a new socket: the budget is the caller's, not the socket's.
      for (let i = 0; i < 3; i++) {
        const unsubscribe = anonymous.subscribe({ query: "subscription { graphChanged { version } }" }, { next: () => {}, error: () => {}, complete: () => {} });
        await sleep(50);
        unsubscribe();
      }
      const another = connect(undefined, limited);
      own.push(another);
      const refused = await errorsOf(another, "subscription { graphChanged { version } }");
      expect(refused[0]).toMatchObject({ extensions: { code: "RATE_LIMITED", retryAfterSeconds: expect.any(Number) } });
      expect(refused[0].message).toMatch(/^too many subscriptions started: the limit is 3 per minute; retry in \d+ s$/);
      // A caller with a key has a bucket of its own.
      const started = listen(keyed, { entities: ["UNODC"] });
      await sleep(300);
      expect(started.errors).toEqual([]);
    } finally {
      for (const c of own) await c.dispose();
      await limited.close();
    }
  });

  it("masks an internal fault in a subscription as HTTP does: a code and an error id, never its message", async () => {
    class FailingCache extends ReferenceCache {
      override get(): never {
        throw new Error("connect ECONNREFUSED 10.1.2.3:7687 (user neo4j, secret-internal-detail)");
      }
    }
    const failing = await startTestServer(db, {}, { referenceCache: new FailingCache() });
    try {
      const client = connect(undefined, failing);
      const errors = await errorsOf(client, `subscription { graphChanged(filter: { entities: ["UNODC"] }) { version } }`);
      await client.dispose();
      expect(errors).toHaveLength(1);
      expect(errors[0].message).toMatch(/^Internal server error \(error id [0-9a-f-]{36}\)$/);
      expect(errors[0].extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", errorId: expect.any(String) });
      expect(JSON.stringify(errors)).not.toContain("secret-internal-detail");
      // A client's own mistake keeps its code and message.
      const unknown = connect(undefined, failing);
      const bad = await errorsOf(unknown, "subscription { graphChanged(filter: { kinds: 3 }) { nope } }");
      await unknown.dispose();
      expect(bad[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    } finally {
      await failing.close();
    }
  });

  it("runs registered subscriptions only when HTTP does (GRAPHQL_PERSISTED_ONLY), and suggests no field names when introspection is off", async () => {
    const registered = "subscription Followed { graphChanged(filter: { entities: [\"theme:victims\"] }) { version ids } }";
    const closed = await startTestServer(db, { persistedOnly: true, introspection: false, versionPollMs: 200 }, { manifest: { [sha256(registered)]: { name: "Followed", file: "f.graphql", query: registered } } });
    try {
      const client = connect(undefined, closed);
      const other = await errorsOf(client, "subscription { graphChanged { version ids } }");
      expect(other[0].extensions.code).toBe("PERSISTED_QUERY_NOT_ALLOWED");
      // The registered one runs: a write to what it follows (through the other server) reaches it.
      const told: unknown[] = [];
      client.subscribe({ query: registered }, { next: (r) => told.push(r.errors ?? r.data), error: (e) => told.push(e), complete: () => told.push("completed") });
      await sleep(300);
      expect((await renameTheme("theme:victims", "Victims (followed)")).errors).toBeUndefined();
      for (let i = 0; i < 50 && !told.length; i++) await sleep(100);
      expect(told).toEqual([{ graphChanged: { version: expect.any(String), ids: ["theme:victims"] } }]);
      await client.dispose();

      const suggestions = await startTestServer(db, { introspection: false });
      try {
        const asking = connect(undefined, suggestions);
        const misspelt = await errorsOf(asking, "subscription { graphChanged { versio } }");
        await asking.dispose();
        expect(misspelt[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
        expect(misspelt[0].message).toBe('Cannot query field "versio" on type "GraphChange". [Suggestion hidden]');
      } finally {
        await suggestions.close();
      }
    } finally {
      await closed.close();
    }
  });
});
