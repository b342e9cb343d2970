import fs from "node:fs";
import { auditServer } from "graphql-http";
import neo4j from "neo4j-driver";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { Database } from "../../src/db/database.js";
import type { RunningServer } from "../../src/http/server.js";
import { printCoopgraphSchema } from "../../src/graphql/schema.js";
import { createRepositories } from "../../src/domain/context.js";
import { SCHEMA_FILE } from "../../src/cli/schema-file.js";
import { dataOf, graphqlClient, startTestServer } from "../support/api.js";
import { testDatabase } from "../support/db.js";

const db = testDatabase();
let server: RunningServer;
let gql: ReturnType<typeof graphqlClient>;

beforeAll(async () => {
  server = await startTestServer(db, { corsOrigins: ["https://dashboard.example.org"] });
  gql = graphqlClient(server);
});
afterAll(async () => {
  await server.close();
  await db.close();
});

describe("GraphQL over HTTP", () => {
  it("passes every MUST and every SHOULD of graphql-http's server audits", async () => {
    const results = await auditServer({ url: `${server.url}graphql` });
    // "error" is a failed MUST, "warn" a failed SHOULD; "notice" (a MAY) is a choice.
    const failed = results.flatMap((r) => (r.status === "error" || r.status === "warn" ? [`${r.status} ${r.id} ${r.name}: ${r.reason}`] : []));
    expect(failed).toEqual([]);
    expect(results.filter((r) => r.status === "ok").length).toBeGreaterThanOrEqual(54);
  });

  it("serves queries over GET when the client sends a CSRF-safe header, and refuses them otherwise", async () => {
    const query = encodeURIComponent(`{ country(reference: "PE") { nameEs } }`);
    const ok = await fetch(`${server.url}graphql?query=${query}`, { headers: { "apollo-require-preflight": "true" } });
    expect(await ok.json()).toEqual({ data: { country: { nameEs: "Perú" } } });
    const blocked = await fetch(`${server.url}graphql?query=${query}`);
    expect(blocked.status).toBe(400);
    expect(await blocked.text()).toContain("CSRF");
  });

  it("sends cache hints so that dashboards can cache repeated queries", async () => {
    const res = await fetch(`${server.url}graphql`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ themes { name } }` }),
    });
    expect(res.headers.get("cache-control")).toBe("max-age=60, public");
  });

  it("allows configured CORS origins only", async () => {
    const preflight = await fetch(`${server.url}graphql`, { method: "OPTIONS", headers: { origin: "https://dashboard.example.org" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://dashboard.example.org");
    const other = await fetch(`${server.url}graphql`, { method: "OPTIONS", headers: { origin: "https://evil.example.com" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("keeps the committed SDL in step with the code (run `npm run schema` after changing the API)", async () => {
    expect(fs.readFileSync(SCHEMA_FILE, "utf8")).toBe(await printCoopgraphSchema());
  });
});

describe("safety limits", () => {
  it("refuses queries that are too deep, with a clear error", async () => {
    let inner = "id";
    for (let i = 0; i < 3; i++) inner = `project { participants { actor { participations { edges { node { ${inner} } } } } } }`;
    const deep = `{ projects { edges { node { ${inner.slice("project { ".length, -2)} } } } }`;
    const res = await gql(deep);
    expect(res.errors![0]!.extensions!.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(res.errors![0]!.message).toMatch(/depth limit/i);
  });

  it("refuses too many aliases", async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: themes { name }`).join(" ");
    const res = await gql(`{ ${aliases} }`);
    expect(res.errors![0]!.message).toMatch(/aliases/i);
  });

  it("refuses queries over the cost limit", async () => {
    const small = await startTestServer(db, { maxCost: 50 });
    try {
      const res = await graphqlClient(small)(`{ projects { edges { node { participants { actor { basedIn { name regions { name } } } } } } } }`);
      expect(res.errors![0]!.message).toMatch(/cost/i);
    } finally {
      await small.close();
    }
  });

  it("cuts a slow query with a transaction timeout and says so", async () => {
    // The seed answers every API query in milliseconds, so run a slow read through the same runner.
    const repos = createRepositories(db, { timeoutMs: 300 });
    const slow = (repos.search as unknown as { run: (q: string) => Promise<unknown> }).run(
      "UNWIND range(1, 200000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x) AS n");
    const started = Date.now();
    const err = await slow.then(() => null, (e: unknown) => e as { extensions?: Record<string, unknown>; message: string });
    expect(err?.extensions).toMatchObject({ code: "QUERY_TIMEOUT", limitMs: 300 });
    expect(err?.message).toContain("300 ms");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("masks internal errors by default: no stack trace, no Cypher, an error id that the log holds in full", async () => {
    const brokenDb = new Database(neo4j.driver(inject("neo4jUri"), undefined, { disableLosslessIntegers: true }), "no-such-database");
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
    const masked = await startTestServer(brokenDb, { exposeErrors: false }, { log });
    try {
      const res = await graphqlClient(masked)(`{ themes { name } }`);
      const error = res.errors![0]!;
      const errorId = String(error.extensions!.errorId);
      expect(error).toEqual({ message: `Internal server error (error id ${errorId})`, locations: [{ line: 1, column: 3 }], path: ["themes"], extensions: { code: "INTERNAL_SERVER_ERROR", errorId } });
      expect(errorId).toMatch(/^[0-9a-f-]{36}$/);
      const logged = lines.map((l) => JSON.parse(l) as { errorId?: string; err?: { message: string } }).find((l) => l.errorId === errorId);
      expect(logged?.err?.message).toMatch(/no-such-database/i);
    } finally {
      await masked.close();
      await brokenDb.close();
    }
  });

  it("can turn introspection off", async () => {
    const closed = await startTestServer(db, { introspection: false });
    try {
      const res = await graphqlClient(closed)(`{ __schema { queryType { name } } }`);
      expect(res.errors![0]!.message).toMatch(/introspection/i);
      expect(dataOf(await graphqlClient(closed)(`{ themes { id } }`)).themes.length).toBe(7);
      // No message names what the schema has: fields, enum values (literal or variable), union members.
      const asked = [
        [`{ themes { nam } }`, undefined],
        [`{ centrality(metric: PAGERNK) { score } }`, undefined],
        [`query($m: CentralityMetric!) { centrality(metric: $m) { score } }`, { m: "PAGERNK" }],
        [`{ search(text: "UNODC") { item { name } } }`, undefined],
      ] as const;
      for (const [query, variables] of asked) {
        const res = await graphqlClient(closed)(query, variables);
        const message = res.errors![0]!.message;
        expect(message, query).toContain("[Suggestion hidden]");
        expect(message, query).not.toMatch(/Did you mean|PAGERANK|"Agency"|"Organization"/);
        expect(res.errors![0]!.extensions!.code, query).toMatch(/GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT/);
      }
      // With introspection on, suggestions help.
      expect((await graphqlClient(server)(`{ themes { nam } }`)).errors![0]!.message).toContain('Did you mean "name"?');
    } finally {
      await closed.close();
    }
  });
});
