import "reflect-metadata";
import { afterAll, beforeAll, expect } from "vitest";
import { loadServerConfig, type ServerConfig } from "../../src/config/config.js";
import type { Database, Params, QueryCounter } from "../../src/db/database.js";
import { createRepositories } from "../../src/domain/context.js";
import type { QueryRunner } from "../../src/domain/shared/query-runner.js";
import { ReferenceCache } from "../../src/domain/references/reference.repository.js";
import { startServer, type RunningServer, type ServerOptions } from "../../src/http/server.js";
import { createLogger } from "../../src/http/logging.js";
import { testDatabase } from "./db.js";
import { resetToSeed } from "./reset.js";

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export type TestServer = RunningServer & {
  /** The server's reference cache, so that a test that rewrites the database behind its back can invalidate it. */
  referenceCache: ReferenceCache;
};

/** A real API server on a free loopback port, over the test database. */
export async function startTestServer(db: Database, overrides: Partial<ServerConfig> = {}, opts: ServerOptions = {}): Promise<TestServer> {
  const cfg = { ...loadServerConfig({}), port: 0, host: "127.0.0.1", ...overrides };
  const referenceCache = opts.referenceCache ?? new ReferenceCache();
  // Request logs stay quiet in tests unless TEST_LOG_LEVEL asks for them.
  const server = await startServer(db, cfg, { log: createLogger(process.env.TEST_LOG_LEVEL ?? "silent"), ...opts, referenceCache });
  return Object.assign(server, { referenceCache });
}

export function graphqlClient(server: RunningServer) {
  return async function gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
    const res = await fetch(`${server.url}graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphQLResponse<T>;
  };
}

/** The data of a response that must have succeeded; fails the test with the errors otherwise. */
export function dataOf<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors, null, 2)}`);
  return response.data as T;
}

/** For a suite that reads: a server over the test database for the file, and a client of it. */
export function apiSuite() {
  const db = testDatabase();
  let server: TestServer | undefined;
  let gql: ReturnType<typeof graphqlClient> | undefined;
  beforeAll(async () => {
    server = await startTestServer(db);
    gql = graphqlClient(server);
  });
  afterAll(async () => {
    await server?.close();
    await db.close();
  });
  return {
    db,
    get server() { return server!; },
    gql: ((...args: Parameters<ReturnType<typeof graphqlClient>>) => gql!(...args)) as ReturnType<typeof graphqlClient>,
  };
}

/**
 * For a suite that writes: the test database reset to the seed before and after it, a server with
 * an admin key over it, and `admin(query)`, which runs an operation that must succeed.
 */
export function adminSuiteOverSeed(name: string) {
  const key = `admin-key-${name}-0123456789`;
  const db = testDatabase();
  let server: RunningServer;
  beforeAll(async () => {
    await resetToSeed(db);
    server = await startTestServer(db, { apiKeys: `admin:${key}` });
  });
  afterAll(async () => {
    await server.close();
    await resetToSeed(db);
    await db.close();
  });
  async function admin(query: string, variables?: Record<string, unknown>) {
    const res = await fetch(`${server.url}graphql`, {
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    expect(body.errors, query).toBeUndefined();
    return body.data;
  }
  /** Imports a JSON document (seed format) through `importData`; its records and rejections. */
  async function importJson(doc: object): Promise<{ records: number; rejected: { position: string; reason: string }[] }> {
    const data = await admin(`mutation($c: String!, $f: String) { importData(format: JSON, content: $c, fileName: $f) { records rejected { position reason } } }`,
      { c: JSON.stringify(doc), f: `${name}.json` });
    return data.importData;
  }
  return { db, admin, importJson };
}

/**
 * The query runner a request's repositories use, keeping every statement it sends with its
 * parameters: for tests that EXPLAIN or PROFILE a repository's own Cypher. Here and not in db.ts:
 * src/domain/context.js loads type-graphql's decorated classes, which need reflect-metadata
 * (loaded at the top of this file); suites that import db.ts alone do not load it.
 */
export function recordingRun(db: Database, counter?: QueryCounter): { run: QueryRunner; sent: { cypher: string; params: Params }[] } {
  const repos = createRepositories(counter ? db.forRequest(counter) : db, { timeoutMs: 10_000 });
  const sent: { cypher: string; params: Params }[] = [];
  const run: QueryRunner = (cypher, params = {}) => {
    sent.push({ cypher, params });
    return repos.run(cypher, params);
  };
  return { run, sent };
}
