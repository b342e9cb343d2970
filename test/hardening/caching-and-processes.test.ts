/**
 * Caching that never serves an answer older than the graph, an allowlist of registered
 * operations, and two real API processes over one Neo4j: a write through one is read through the
 * other at once (with the bookmark it returned) and within a poll without it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { InMemoryLRUCache } from "@apollo/utils.keyvaluecache";
import { sha256 } from "../../src/graphql/persisted-operations.js";
import { BookmarkSigner } from "../../src/http/bookmarks.js";
import { dataOf, graphqlClient, startTestServer, type TestServer } from "../support/api.js";
import { testDatabase } from "../support/db.js";
import { createLauncher, waitFor } from "../support/launcher.js";
import { resetToSeed } from "../support/reset.js";

const EDITOR = "editor-key-0123456789abcdef";
const db = testDatabase();
let server: TestServer;
const launcher = createLauncher("two-processes");

beforeAll(async () => {
  server = await startTestServer(db, { apiKeys: `editor:${EDITOR}` });
});
afterAll(async () => {
  await server.close();
  await resetToSeed(db);
  await db.close();
  launcher.cleanup();
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

const json = async (res: Response): Promise<Record<string, any>> => (await res.json()) as Record<string, any>;

/** The Server-Timing header's two metrics, in ms, and the statements it names. */
function serverTiming(res: Response) {
  const header = res.headers.get("server-timing") ?? "";
  const match = /^db;dur=(\d+\.\d\d);desc="(1 statement|\d+ statements)", total;dur=(\d+\.\d\d)$/.exec(header);
  if (!match || match[2] === "1 statements") throw new Error(`unexpected Server-Timing: "${header}"`);
  return { db: Number(match[1]), statements: Number.parseInt(match[2]!, 10), total: Number(match[3]) };
}

const rename = (name: string) => ({
  query: `mutation($name: String!) { upsertTheme(input: { id: "theme:victims", name: $name, citation: { source: "source:coopgraph-enrichment", quote: "test rename" } }) { id } }`,
  variables: { name },
});

describe("the response cache", () => {
  it("serves a repeated question from the cache and answers the new state right after a write", async () => {
    const question = { query: `{ node(id: "theme:victims") { ... on Theme { name } } }` };
    const first = await post(server.url, question);
    expect(first.headers.get("x-coopgraph-queries")).not.toBe("0");
    const timing = serverTiming(first);
    expect(timing.statements).toBe(Number(first.headers.get("x-coopgraph-queries")));
    expect(timing.db).toBeGreaterThan(0);
    expect(timing.total).toBeGreaterThanOrEqual(timing.db);
    expect(await json(first)).toEqual({ data: { node: { name: "Victims and their protection" } } });
    const again = await post(server.url, question);
    expect(again.headers.get("age")).not.toBeNull();
    // A cached answer waits for no statement.
    expect(serverTiming(again)).toMatchObject({ db: 0, statements: 0 });
    expect(await json(again)).toEqual({ data: { node: { name: "Victims and their protection" } } });

    const written = await post(server.url, rename("Victims (cached?)"), { authorization: `Bearer ${EDITOR}` });
    // A mutation's write transaction is counted and timed like a query's statements (once).
    const writeTiming = serverTiming(written);
    expect(writeTiming.statements).toBe(1);
    expect(writeTiming.db).toBeGreaterThan(0);
    expect((await json(written)).errors).toBeUndefined();
    const after = await post(server.url, question);
    expect(await json(after)).toEqual({ data: { node: { name: "Victims (cached?)" } } });
  });
});

describe("automatic persisted queries", () => {
  it("are kept apart from the cached answers: registering queries evicts no answer", async () => {
    const answers = new InMemoryLRUCache<string>();
    const own = await startTestServer(db, {}, { responseCacheStore: answers });
    try {
      const question = { query: `{ node(id: "theme:victims") { ... on Theme { name } } }` };
      await post(own.url, question);
      const cached = [...answers.keys()];
      expect(cached.length).toBeGreaterThan(0);
      // A client registering a query of its own (any caller may): hash and text.
      const query = `{ themes { name } } # ${"x".repeat(10_000)}`;
      const registered = await post(own.url, { query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
      expect((await json(registered)).data.themes).toHaveLength(7);
      const byHash = await post(own.url, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
      expect((await json(byHash)).data.themes).toHaveLength(7);
      expect([...answers.keys()].filter((k) => k.startsWith("apq:"))).toEqual([]);
      expect([...answers.keys()]).toEqual(expect.arrayContaining(cached));
    } finally {
      await own.close();
    }
  });
});

describe("registered operations only", () => {
  it("runs registered operations, by text or by hash, and refuses anything else with a code", async () => {
    const query = "query ThemeNames { themes { name } }";
    const closed = await startTestServer(db, { persistedOnly: true }, { manifest: { [sha256(query)]: { name: "ThemeNames", file: "t.graphql", query } } });
    try {
      expect(dataOf(await graphqlClient(closed)(query)).themes).toHaveLength(7);
      const byHash = await post(closed.url, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
      expect((await json(byHash)).data.themes).toHaveLength(7);
      const other = await post(closed.url, { query: "{ themes { id } }" });
      expect(other.status).toBe(200);
      expect((await json(other)).errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_ALLOWED");
    } finally {
      await closed.close();
    }
  });
});

describe("bookmarks a client sends", () => {
  const question = { query: `{ node(id: "theme:victims") { ... on Theme { name } } }` };
  const refusal = async (bookmark: string) => {
    const res = await post(server.url, question, { "x-coopgraph-bookmark": bookmark });
    return { status: res.status, code: (await json(res)).errors?.[0]?.extensions?.code as string | undefined };
  };
  /** A bookmark of this database naming a transaction far ahead: Neo4j would wait 30 s for it. */
  const farAhead = (bookmark: string) => {
    const bytes = Buffer.from(bookmark.replace(/^FB:/, ""), "base64");
    return `FB:${Buffer.concat([bytes.subarray(0, 19), Buffer.from("ca7fffffff90", "hex")]).toString("base64")}`;
  };

  it("are read after the write when this graph's API signed them, and refused before Neo4j otherwise", async () => {
    const written = await post(server.url, rename("Victims (bookmarked)"), { authorization: `Bearer ${EDITOR}` });
    const signed = written.headers.get("x-coopgraph-bookmark")!;
    expect(signed).toMatch(/^FB:[A-Za-z0-9+/=]+~[A-Za-z0-9_-]{22}$/);
    const fresh = await post(server.url, question, { "x-coopgraph-bookmark": signed });
    expect(await json(fresh)).toEqual({ data: { node: { name: "Victims (bookmarked)" } } });

    const [raw, mac] = signed.split("~") as [string, string];
    const forged = [
      raw, // unsigned
      `${farAhead(raw)}~${mac}`, // another transaction under this one's signature
      `${raw}~${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`, // signature changed
      "abc",
      Array(17).fill(signed).join(","),
    ];
    for (const bookmark of forged) expect(await refusal(bookmark)).toEqual({ status: 400, code: "BAD_REQUEST" });
  });

  it("signed with a new graph secret are taken after the graph changed it (a wiped and reloaded graph), and the old ones still are", async () => {
    const written = await post(server.url, rename("Victims and their protection"), { authorization: `Bearer ${EDITOR}` });
    const signed = written.headers.get("x-coopgraph-bookmark")!;
    await db.write("MATCH (v:GraphVersion {id: 'graph'}) REMOVE v.bookmarkSecret");
    const other = await new BookmarkSigner(db).start();
    const resigned = await other.sign([signed.split("~")[0]!]);
    expect(resigned).not.toBe(signed);
    // The server reads the graph's secret again at most once a second (refusals above read it).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (const bookmark of [resigned, signed]) {
      const fresh = await post(server.url, question, { "x-coopgraph-bookmark": bookmark });
      expect(await json(fresh)).toEqual({ data: { node: { name: "Victims and their protection" } } });
    }
    // What the server signs now, the other signer verifies: one secret again.
    const next = await post(server.url, rename("Victims and their protection"), { authorization: `Bearer ${EDITOR}` });
    const nextSigned = next.headers.get("x-coopgraph-bookmark")!;
    expect(await other.verify(nextSigned)).toEqual([nextSigned.split("~")[0]]);
    expect(next.headers.get("vary")).toContain("x-coopgraph-bookmark");
  });
});

describe("two API processes over one graph", () => {
  it("reads a write made through the other process at once with its bookmark, and within a poll without", async () => {
    await resetToSeed(db, server);
    const env = { NEO4J_URI: inject("neo4jUri"), COOPGRAPH_API_KEYS: `editor:${EDITOR}`, GRAPH_VERSION_POLL_MS: "500" };
    const [a, b] = await Promise.all([launcher.startApi(1, env), launcher.startApi(1, env)]);
    const question = { query: `{ resolveReferences(references: ["theme:victims"]) { name } }` };
    const nameOnB = async (headers: Record<string, string> = {}) => (await json(await post(b.url, question, headers))).data?.resolveReferences?.[0]?.name;
    // B resolves (and caches) the reference first.
    expect(await nameOnB()).toBe("Victims and their protection");

    const written = await post(a.url, rename("Victims of crime"), { authorization: `Bearer ${EDITOR}` });
    expect((await json(written)).errors).toBeUndefined();
    const bookmark = written.headers.get("x-coopgraph-bookmark");
    expect(bookmark).toBeTruthy();
    // With the bookmark, at once: B reads after A's commit and skips its caches.
    expect(await nameOnB({ "x-coopgraph-bookmark": bookmark! })).toBe("Victims of crime");
    // Without it, within B's next poll of the write version (500 ms here).
    const started = Date.now();
    expect(await waitFor(async () => (await nameOnB()) === "Victims of crime", 3000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
    for (const p of [a, b]) p.child.kill("SIGTERM");
  }, 120_000);
});

