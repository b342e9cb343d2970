/**
 * What the HTTP layer promises besides answers: cache headers that never let a shared cache keep a
 * keyed answer, security headers on every answer, one log line per request without the key, and exports that stop cleanly when the
 * client goes away.
 */
import { PassThrough, Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSink } from "../../src/export/writers.js";
import type { RunningServer } from "../../src/http/server.js";
import { startTestServer } from "../support/api.js";
import { testDatabase } from "../support/db.js";

const READER_KEY = "reader-key-0123456789abcdef";
const db = testDatabase();
const lines: Record<string, unknown>[] = [];
let open: RunningServer;
let keyed: RunningServer;

beforeAll(async () => {
  const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  open = await startTestServer(db, { apiKeys: `reader:${READER_KEY}` }, { log });
  keyed = await startTestServer(db, { apiKeys: `reader:${READER_KEY}`, readAccess: "key" });
});
afterAll(async () => {
  await open.close();
  await keyed.close();
  await db.close();
});

const post = (server: RunningServer, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

describe("cache headers", () => {
  it("are public for anonymous reads of an open API", async () => {
    expect((await post(open, { query: "{ themes { id } }" })).headers.get("cache-control")).toBe("max-age=60, public");
  });

  it("are private when the request carries a key, or when reads need one", async () => {
    const auth = { authorization: `Bearer ${READER_KEY}` };
    expect((await post(open, { query: "{ themes { id } }" }, auth)).headers.get("cache-control")).toBe("max-age=60, private");
    expect((await post(keyed, { query: "{ themes { id } }" }, auth)).headers.get("cache-control")).toBe("max-age=60, private");
    const exported = await fetch(`${keyed.url}export?format=csv-nodes`, { headers: auth });
    expect(exported.headers.get("cache-control")).toBe("private, no-store");
    await exported.text();
  });

  it("forbid storing mutations and answers with errors", async () => {
    const auth = { authorization: `Bearer ${READER_KEY}` };
    const mutation = await post(open, { query: `mutation { addParticipation(input: { actor: "UNODC", project: "x", role: "partner", citation: { quote: "q", source: "s" } }) { created } }` }, auth);
    expect((await mutation.json() as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("FORBIDDEN");
    expect(mutation.headers.get("cache-control")).toBe("no-store");
    const failed = await post(open, { query: `{ paths(from: "no such actor anywhere", to: "UNODC") { length } }` });
    expect((await failed.json() as { errors?: unknown[] }).errors?.length).toBeGreaterThan(0);
    expect(failed.headers.get("cache-control")).toBe("no-store");
  });
});

describe("security headers", () => {
  it("are set on GraphQL answers, refused requests and pages", async () => {
    const answers = [
      await post(open, { query: "{ themes { id } }" }),
      await post(keyed, { query: "{ themes { id } }" }),
      await fetch(`${open.url}health`),
    ];
    for (const res of answers) {
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("content-security-policy")).toContain("object-src 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(res.headers.get("cross-origin-embedder-policy")).toBeNull();
    }
    expect(answers[1]!.status).toBe(401);
  });
});

describe("the request log", () => {
  it("writes one line per request with operation, status, duration, Cypher round trips and role, never the key", async () => {
    lines.length = 0;
    await (await post(open, { query: "query ThemeList { themes { id } }", operationName: "ThemeList" }, { authorization: `Bearer ${READER_KEY}` })).text();
    const requests = lines.filter((l) => l.msg === "request");
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: "POST", path: "/graphql", status: 200, operation: "ThemeList", queries: 1, role: "reader" });
    expect(typeof requests[0]!.ms).toBe("number");
    expect(JSON.stringify(lines)).not.toContain(READER_KEY);
  });

  it("logs a refused request with its error codes", async () => {
    lines.length = 0;
    await (await post(open, { query: "{ nope }" })).text();
    expect(lines.find((l) => l.msg === "request")).toMatchObject({ status: 200, errors: ["GRAPHQL_VALIDATION_FAILED"] });
  });
});

describe("exports and clients that go away", () => {
  it("stops reading and closes the transaction when the stream is aborted", async () => {
    const gone = new AbortController();
    let rows = 0;
    const started = Date.now();
    const read = db.stream("UNWIND range(1, 10000000) AS x RETURN x", {}, async () => {
      rows += 1;
      if (rows === 100) gone.abort();
    }, { signal: gone.signal });
    expect(await read).toBe(100);
    expect(Date.now() - started).toBeLessThan(10_000);
    // The needle goes as a parameter, or this query would find itself.
    const open = await db.read("SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS $needle RETURN count(*) AS n", { needle: "range(1, 10000000)" });
    expect(open[0]!.n).toBe(0);
  });

  it("ends a statement still working towards its first row when the client goes, at once, without counting a database failure", async () => {
    const gone = new AbortController();
    const started = Date.now();
    // Counts 300 million rows (tens of seconds) before its one row: nothing reaches the loop to stop it.
    const read = db.stream("UNWIND range(1, 300000000) AS x WITH x WHERE x % 7 = 8 RETURN count(*) AS n", {}, () => {}, { signal: gone.signal, timeoutMs: 120_000 });
    setTimeout(() => gone.abort(), 500);
    expect(await read).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    const open = await db.read("SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS $needle RETURN count(*) AS n", { needle: "range(1, 300000000)" });
    expect(open[0]!.n).toBe(0);
    expect(db.availability.available).toBe(true);
  });

  it("waits for drain without piling up listeners, and gives up when the client has gone", async () => {
    // A destination that never drains: every write after the first waits.
    const stuck = new Writable({ highWaterMark: 1, write: () => {} });
    const gone = new AbortController();
    const sink = createSink("csv-nodes", stuck, gone.signal);
    const first = sink.begin({ directed: true });
    setTimeout(() => gone.abort(), 50);
    await expect(first).rejects.toThrow(/abort/i);
    expect(stuck.listenerCount("drain")).toBe(0);
    expect(stuck.listenerCount("error")).toBe(0);

    const flowing = new PassThrough({ highWaterMark: 16 });
    flowing.resume();
    const many = createSink("csv-nodes", flowing);
    for (let i = 0; i < 200; i++) await many.node({ id: `n${i}`, label: "x".repeat(40), kind: "Agency", country: null, startYear: null });
    expect(flowing.listenerCount("error")).toBeLessThanOrEqual(1);
  });
});
