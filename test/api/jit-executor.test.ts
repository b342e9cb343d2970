/**
 * GRAPHQL_EXECUTOR=jit (src/graphql/jit-executor.ts) against graphql-js: two servers over the same
 * database, every operation sent to both; answers, errors (codes, messages, paths, locations), HTTP
 * statuses and Cypher round trips must be the same, and the jit server must have run each one
 * through its compiled form. The operations: the benchmark's mix on the seed's ids, the
 * playground's examples, abstract types (the Node and Actor interfaces, the Searchable union)
 * through inline and named fragments, variables, @skip/@include, aliases, and errors.
 */
import "reflect-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JitExecutor } from "../../src/graphql/jit-executor.js";
import { EXAMPLE_QUERIES } from "../../src/playground/examples.js";
import { encodeCursor, sortScope } from "../../src/domain/shared/pagination.js";
import { QUERIES, type BenchContext } from "../../bench/queries.js";
import { startTestServer, type TestServer } from "../support/api.js";
import { testDatabase } from "../support/db.js";

const db = testDatabase();
const EDITOR = "editor-key-jit-executor-0123456789";
let plain: TestServer;
let jit: TestServer;
let executor: JitExecutor;

beforeAll(async () => {
  // Without the response cache: every request below is executed.
  plain = await startTestServer(db, { graphqlExecutor: "graphql-js", responseCache: false });
  // Compiled from the first time an operation comes, so that every operation below runs compiled.
  jit = await startTestServer(db, { graphqlExecutor: "jit", responseCache: false, apiKeys: `editor:${EDITOR}` },
    { jit: { compileOnSighting: 1, compileMsPerMinute: 60_000, maxCompileMs: 60_000, onExecutor: (e) => (executor = e) } });
});

afterAll(async () => {
  await plain?.close();
  await jit?.close();
  await db.close();
});

interface Answer { status: number; queries: string | null; body: any }

async function send(server: TestServer, query: string, variables?: Record<string, unknown>, operationName?: string): Promise<Answer> {
  const res = await fetch(`${server.url}graphql`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables, operationName }),
  });
  const body = await res.json() as { errors?: { extensions?: { errorId?: string } }[] };
  // Masked internal errors carry a random id: the same on neither side.
  for (const error of body.errors ?? []) if (error.extensions?.errorId) error.extensions.errorId = "(id)";
  return { status: res.status, queries: res.headers.get("x-coopgraph-queries"), body };
}

/**
 * Sends the operation to both servers twice; returns the answer after checking they agree and jit
 * ran it compiled. Round trips are compared the second time: the first request of an operation
 * fills caches (resolved references) that the second server may find filled.
 */
async function same(query: string, variables?: Record<string, unknown>, operationName?: string): Promise<Answer & { ranCompiled: boolean }> {
  const runs = executor.stats.jitRuns;
  const [expected, actual] = [await send(plain, query, variables, operationName), await send(jit, query, variables, operationName)];
  expect({ ...actual, queries: null }, query).toEqual({ ...expected, queries: null });
  const [again, jitAgain] = [await send(plain, query, variables, operationName), await send(jit, query, variables, operationName)];
  expect(jitAgain, query).toEqual(again);
  return Object.assign(again, { ranCompiled: executor.stats.jitRuns === runs + 2 });
}

/** The benchmark's context, on the seed's ids. */
const bench: BenchContext = {
  org: "organization:unodc", country: "country:PE", countryCode: "PE",
  themes: ["theme:cybercrime", "theme:drug-markets", "theme:victims", "theme:training", "theme:international-cooperation", "theme:regional-cooperation"],
  fromYear: 2003, toYear: 2024, midActors: ["agency:fiscalia-chile", "organization:undp"], region: "region:419",
  fundingFrom: 2000, fundingTo: 2030, deepCursor: encodeCursor(["2018", "project:"], sortScope("START_DATE", "ASC")), deepOffset: 1, deepPage: 2, searchText: "fiscalia general",
};

describe("GRAPHQL_EXECUTOR=jit", () => {
  it("answers the benchmark's queries as graphql-js does, compiled", async () => {
    for (const q of QUERIES) {
      const call = q.api(bench);
      const answer = await same(call.query, call.variables);
      expect(answer.body.errors, q.id).toBeUndefined();
      expect(answer.ranCompiled, q.id).toBe(true);
    }
    expect(executor.stats.refused).toBe(0);
  });

  it("answers the playground's examples as graphql-js does, compiled", async () => {
    for (const example of EXAMPLE_QUERIES) {
      const answer = await same(example.query);
      expect(answer.body.errors, example.title).toBeUndefined();
      expect(answer.ranCompiled, example.title).toBe(true);
    }
  });

  it("resolves interfaces and unions, with fragments, aliases and directives", async () => {
    const node = await same(`query N($id: String!, $withName: Boolean!) {
      node(id: $id) { __typename id ...Named ... on Actor @include(if: $withName) { acronyms } }
      other: node(id: "project:does-not-exist") { id }
    }
    fragment Named on Actor { name ... on Organization { organizationType } ... on Agency { agencyType jurisdiction } }`, { id: "organization:unodc", withName: true });
    expect(node.body.data.node).toMatchObject({ __typename: "Organization", id: "organization:unodc", acronyms: expect.arrayContaining(["UNODC"]) });
    expect(node.body.data.other).toBeNull();
    await same(`query N($id: String!, $withName: Boolean!) { node(id: $id) { __typename ... on Actor @skip(if: $withName) { name } } }`, { id: "agency:fiscalia-chile", withName: true });

    const hits = await same(`{ search(text: "fiscalia", first: 10) { score item { __typename ... on Actor { id name } ... on Project { id name } ...Place } } }
      fragment Place on Searchable { ... on Country { code } ... on Region { id } }`);
    expect(hits.body.data.search.length).toBeGreaterThan(0);
    expect(hits.body.data.search[0].item.__typename).toBeTruthy();

    const actor = await same(`query A($ref: String!) { actor(reference: $ref) { __typename id ... on Agency { agencyType } participations(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { role project { id } } } } } }`,
      { ref: "Fiscalía de Chile" });
    expect(actor.body.data.actor.__typename).toBe("Agency");
    expect(actor.body.data.actor.participations.totalCount).toBeGreaterThan(0);
  });

  it("gives the same errors: codes, messages, paths, locations and statuses", async () => {
    const tooMany = await same(`query P($n: Int) { projects(first: $n) { edges { node { id } } } }`, { n: 500 });
    expect(tooMany.body.errors[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" }, path: ["projects"], locations: [{ line: 1, column: 20 }] });
    // An error in a non-null field: the whole answer is null.
    const cursor = await same(`{ ok: projects(first: 1) { totalCount } bad: projects(after: "nope") { edges { cursor } } }`);
    expect(cursor.body.data).toBeNull();
    expect(cursor.body.errors[0]).toMatchObject({ path: ["bad"], extensions: { code: "BAD_USER_INPUT" } });
    // An error in a nullable field: the rest of the answer stays.
    const partial = await same(`{ ok: projects(first: 1) { totalCount } actor(reference: "organization:unodc") { id participations(after: "nope") { totalCount } } }`);
    expect(partial.body.data.ok.totalCount).toBeGreaterThan(0);
    expect(partial.body.errors[0].path).toEqual(["actor", "participations"]);
    // Variables that do not fit: refused before execution (graphql-js words these).
    const wrongType = await same(`query P($n: Int) { projects(first: $n) { totalCount } }`, { n: "many" });
    expect(wrongType.status).toBe(200);
    expect(wrongType.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    const missing = await same(`query A($ref: String!) { actor(reference: $ref) { id } }`, {});
    expect(missing.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    const unknownActor = await same(`{ actor(reference: "nobody at all") { id } }`);
    expect(unknownActor.body.errors?.[0]?.extensions?.code).toBe("REFERENCE_NOT_FOUND");
    // Several operations in one document, chosen by name.
    await same(`query One { projects(first: 1) { edges { node { id } } } } query Two { search(text: "UNODC", first: 1) { item { ... on Organization { id } } } }`, undefined, "Two");
  });

  it("leaves to graphql-js what jit would answer otherwise (found in review)", async () => {
    // A fragment with a condition on one of its two uses, and a fragment shared by two operations
    // of which one conditions it: jit kept the condition on the shared nodes and dropped fields.
    const twice = await same(`query Q($x: Boolean!) { a: node(id: "organization:unodc") { ...F @include(if: $x) } b: node(id: "organization:undp") { ...F } }
      fragment F on Actor { id name }`, { x: false });
    expect(twice.body.data).toEqual({ a: {}, b: { id: "organization:undp", name: expect.any(String) } });
    const shared = `query One($x: Boolean!) { node(id: "organization:unodc") { ...G @include(if: $x) } } query Two { node(id: "organization:undp") { ...G } }
      fragment G on Actor { id }`;
    await same(shared, { x: false }, "One");
    expect((await same(shared, undefined, "Two")).body.data).toEqual({ node: { id: "organization:undp" } });

    // A variable inside an input literal, left out: graphql-js takes the field's default (ASC);
    // jit passed null. Sent, the same operation runs compiled.
    const sorted = `query S($d: SortDirection) { projects(first: 3, sort: { field: START_DATE, direction: $d }) { edges { node { id } } } }`;
    const omitted = await same(sorted, {});
    expect(omitted.ranCompiled).toBe(false);
    expect(omitted.body.errors).toBeUndefined();
    const sent = await same(sorted, { d: "ASC" });
    expect(sent.ranCompiled).toBe(true);
    expect(sent.body).toEqual(omitted.body);

    // Mutations: graphql-js stops at the first failed root field; jit ran the later ones.
    const before = await db.read("MATCH (t:Theme {id: 'theme:victims'}) RETURN t.name AS name");
    const cite = `citation: { source: "source:coopgraph-enrichment", quote: "jit test" }`;
    const res = await fetch(`${jit.url}graphql`, {
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${EDITOR}` },
      body: JSON.stringify({ query: `mutation { a: recordFunding(input: { funder: "IDB", project: "DMI", amount: "-5", currency: "USD", ${cite} }) { id }
        b: upsertTheme(input: { id: "theme:victims", name: "Renamed by a later root field", ${cite} }) { id } }` }),
    });
    const body = await res.json() as { data: unknown; errors: { path: string[] }[] };
    expect(body.data).toBeNull();
    expect(body.errors.map((e) => e.path)).toEqual([["a"]]);
    expect(await db.read("MATCH (t:Theme {id: 'theme:victims'}) RETURN t.name AS name")).toEqual(before);
  });

  it("compiles an operation the second time it comes, not the first", async () => {
    const server = await startTestServer(db, { graphqlExecutor: "jit", responseCache: false }, { jit: { onExecutor: (e) => (executor = e) } });
    try {
      const query = `{ projects(first: 3) { edges { node { id name } } } }`;
      const first = await send(server, query);
      expect(executor.stats).toMatchObject({ compiled: 0, jitRuns: 0, graphqlJsRuns: 1 });
      const second = await send(server, query);
      expect(executor.stats).toMatchObject({ compiled: 1, jitRuns: 1, graphqlJsRuns: 1 });
      expect(second).toEqual(first);
      expect(first.body.data.projects.edges).toHaveLength(3);
    } finally {
      await server.close();
    }
  });
});
