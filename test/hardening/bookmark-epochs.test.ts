/**
 * Bookmarks are bound to the graph's epoch: one handed out before the store was replaced (here:
 * wiped and reloaded, which draws a new epoch) is refused even under BOOKMARK_SECRET, whose secret
 * does not change with the store, while bookmarks handed out after it work at once. And a process
 * with BOOKMARK_SECRET and one without over one graph are told at start. Real Neo4j, real HTTP
 * servers on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BookmarkSigner } from "../../src/http/bookmarks.js";
import { startTestServer, type TestServer } from "../support/api.js";
import { testDatabase } from "../support/db.js";
import { resetToSeed } from "../support/reset.js";

const EDITOR = "editor-key-0123456789abcdef";
const SECRET = "a-configured-bookmark-secret-of-40-chars!";
const db = testDatabase();

const post = (server: TestServer, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
const rename = (name: string) => ({
  query: `mutation($name: String!) { upsertTheme(input: { id: "theme:victims", name: $name, citation: { source: "source:coopgraph-enrichment", quote: "test rename" } }) { id } }`,
  variables: { name },
});
const question = { query: `{ node(id: "theme:victims") { ... on Theme { name } } }` };

/** Renames through `server` and returns the bookmark its answer carried. */
async function write(server: TestServer, name: string): Promise<string> {
  const res = await post(server, rename(name), { authorization: `Bearer ${EDITOR}` });
  expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();
  return res.headers.get("x-coopgraph-bookmark")!;
}
const readWith = async (server: TestServer, bookmark: string) => {
  const res = await post(server, question, { "x-coopgraph-bookmark": bookmark });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: { message: string; extensions: { code: string } }[] } };
};

const forgetSigners = () => db.write(`MATCH (v:GraphVersion {id: 'graph'})
  REMOVE v.bookmarkSecret, v.bookmarkGraphAt, v.bookmarkConfiguredAt, v.bookmarkConfiguredId`);

beforeAll(async () => {
  await resetToSeed(db);
});
afterAll(async () => {
  await resetToSeed(db);
  await db.close();
});

describe("a process with BOOKMARK_SECRET and one without over one graph", () => {
  it("are told at start, each about the other kind, and about another BOOKMARK_SECRET", async () => {
    await forgetSigners();
    const said = async (configured?: string) => {
      const warnings: string[] = [];
      await new BookmarkSigner(db, configured, (m) => warnings.push(m)).start();
      return warnings;
    };
    expect(await said(SECRET)).toEqual([]);
    expect(await said(SECRET)).toEqual([]);
    const withoutAfterWith = await said(undefined);
    expect(withoutAfterWith).toHaveLength(1);
    expect(withoutAfterWith[0]).toMatch(/^a process with BOOKMARK_SECRET started over this graph at \d{4}-\d\d-\d\dT/);
    const withAfterWithout = await said(SECRET);
    expect(withAfterWithout).toHaveLength(1);
    expect(withAfterWithout[0]).toMatch(/^a process without BOOKMARK_SECRET started over this graph at \d{4}-\d\d-\d\dT/);
    const another = await said(`${SECRET}-another`);
    expect(another.some((m) => m.startsWith("a process with another BOOKMARK_SECRET started over this graph at"))).toBe(true);
    await forgetSigners();
  });
});

describe("bookmarks under BOOKMARK_SECRET across a store replacement", () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startTestServer(db, { apiKeys: `editor:${EDITOR}`, bookmarkSecret: SECRET });
    b = await startTestServer(db, { apiKeys: `editor:${EDITOR}`, bookmarkSecret: SECRET });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it("are read after the write through either process while the store is the same", async () => {
    const bookmark = await write(a, "Victims (epoch one)");
    for (const server of [a, b]) expect(await readWith(server, bookmark)).toEqual({ status: 200, body: { data: { node: { name: "Victims (epoch one)" } } } });
  });

  it("are refused once the store was replaced, saying so, and the new store's bookmarks work at once", async () => {
    const old = await write(a, "Victims (before the replacement)");
    const [[epochBefore]] = (await db.read("MATCH (v:GraphVersion {id: 'graph'}) RETURN v.epoch AS e")).map((r) => [r.e]);
    await resetToSeed(db, a, b);
    const [[epochAfter]] = (await db.read("MATCH (v:GraphVersion {id: 'graph'}) RETURN v.epoch AS e")).map((r) => [r.e]);
    expect(epochAfter).not.toBe(epochBefore);
    // Through the process that handed it out (which learns the new epoch within a poll, or when a
    // bookmark fails) and through the other one.
    await new Promise((r) => setTimeout(r, 1100));
    for (const server of [a, b]) {
      const refused = await readWith(server, old);
      expect(refused.status).toBe(400);
      expect(refused.body.errors![0]!.extensions.code).toBe("BAD_REQUEST");
      expect(refused.body.errors![0]!.message).toContain("handed out before the graph was replaced");
    }
    // Right after the replacement, a write and a read with its bookmark through the other process: no false refusal.
    const fresh = await write(b, "Victims (after the replacement)");
    for (const server of [b, a]) expect(await readWith(server, fresh)).toEqual({ status: 200, body: { data: { node: { name: "Victims (after the replacement)" } } } });
  });
});
