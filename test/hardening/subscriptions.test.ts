/**
 * graphChanged over a real WebSocket (graphql-ws client): a write that touches the filtered
 * entity is told once, a burst of writes is coalesced into one event a second, other entities are
 * not told, and a wrong key is refused.
 */
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
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

function connect(authorization?: string): Client {
  const client = createClient({
    url: `${server.url.replace("http", "ws")}subscriptions`,
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
