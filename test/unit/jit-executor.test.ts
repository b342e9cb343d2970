/**
 * The graphql-jit executor (src/graphql/jit-executor.ts) on a small schema: when it compiles, what
 * it keeps, and that its answers and errors are graphql-js's.
 */
import { describe, expect, it } from "vitest";
import { buildSchema, execute, GraphQLError, isAbstractType, parse, type ExecutionResult } from "graphql";
import { ConfigError, loadServerConfig } from "../../src/config/config.js";
import { JitExecutor } from "../../src/graphql/jit-executor.js";

const schema = buildSchema(`
  interface Named { name: String! }
  type Person implements Named { name: String! age: Int }
  type Place implements Named { name: String! code: String }
  union Thing = Person | Place
  type Query {
    things(n: Int!): [Thing!]!
    named: Named
    fails: String
    failsHard: String!
    tagged: String
  }
`);

const rows = [{ nodeType: "Person", name: "Ana", age: 40 }, { nodeType: "Place", name: "Lima", code: "PE" }];
for (const name of ["Named", "Thing"]) {
  const type = schema.getType(name);
  if (isAbstractType(type)) type.resolveType = (v) => (v as { nodeType: string }).nodeType;
}
const fields = schema.getQueryType()!.getFields();
fields.things!.resolve = (_root, args: { n: number }) => rows.slice(0, args.n);
fields.named!.resolve = async () => rows[1];
fields.fails!.resolve = () => {
  throw new Error("plain failure");
};
fields.failsHard!.resolve = () => null;
fields.tagged!.resolve = () => {
  throw new GraphQLError("not allowed", { extensions: { code: "FORBIDDEN", detail: 1 } });
};

let hash = 0;
/** Runs `query` through the executor under a fixed hash per query text, as Apollo gives it. */
const hashes = new Map<string, string>();
function run(executor: JitExecutor, query: string, variables?: Record<string, unknown>, operationName?: string) {
  if (!hashes.has(query)) hashes.set(query, `h${hash++}`);
  return executor.execute({ queryHash: hashes.get(query)!, document: parse(query), source: query, contextValue: {}, variables, operationName });
}

/** graphql-js's result as Apollo formats it: errors as JSON (message, locations, path, extensions). */
const formatted = (result: ExecutionResult) => JSON.parse(JSON.stringify({ data: result.data, errors: result.errors?.map((e) => e.toJSON()) }));

describe("JitExecutor", () => {
  const cases: [string, Record<string, unknown>?][] = [
    ["query Q($n: Int!) { things(n: $n) { __typename ... on Named { name } ... on Person { age } ...P } } fragment P on Place { code }", { n: 2 }],
    ["{ named { __typename name ... on Place { code } } }"],
    ["{ fails tagged named { name } }"],
    ["{ failsHard named { name } }"],
    ["query Q($n: Int!) { things(n: $n) { __typename } }", { n: "two" }],
    ["query Q($n: Int!) { things(n: $n) { __typename } }", {}],
  ];

  it("answers as graphql-js does, data and errors, once compiled", async () => {
    const executor = new JitExecutor(schema, { compileOnSighting: 1 });
    for (const [query, variables] of cases) {
      const expected = formatted(await execute({ schema, document: parse(query), contextValue: {}, variableValues: variables }));
      expect(formatted(await run(executor, query, variables)), query).toEqual(expected);
    }
    expect(executor.stats.refused).toBe(0);
    // The four whose variables fit ran compiled; the last two went back to graphql-js for its wording.
    expect(executor.stats.jitRuns).toBe(4);
  });

  it("keeps the thrown error's code and the field's location and path", async () => {
    const executor = new JitExecutor(schema, { compileOnSighting: 1 });
    const result = await run(executor, "{\n  fails\n  tagged\n}");
    expect(result.errors!.map((e) => e instanceof GraphQLError)).toEqual([true, true]);
    const [plain, tagged] = result.errors!.map((e) => e.toJSON());
    expect(plain).toEqual({ message: "plain failure", locations: [{ line: 2, column: 3 }], path: ["fails"] });
    expect(tagged).toEqual({ message: "not allowed", locations: [{ line: 3, column: 3 }], path: ["tagged"], extensions: { code: "FORBIDDEN", detail: 1 } });
    expect(result.errors![0]!.originalError?.message).toBe("plain failure");
    // Apollo reads extensions.code of every error: graphql-js gives an empty object, never undefined.
    expect(result.errors![0]!.extensions).toEqual({});
  });

  it("compiles an operation on its second run, per operation name", async () => {
    const executor = new JitExecutor(schema);
    const query = "query A { named { name } } query B { things(n: 1) { __typename } }";
    await run(executor, query, undefined, "A");
    await run(executor, query, undefined, "B");
    expect(executor.stats).toEqual({ compiled: 0, jitRuns: 0, graphqlJsRuns: 2, refused: 0, deferred: 0 });
    expect((await run(executor, query, undefined, "A")).data).toEqual({ named: { name: "Lima" } });
    expect(executor.stats).toMatchObject({ compiled: 1, jitRuns: 1 });
    await run(executor, query, undefined, "A");
    expect(executor.stats).toMatchObject({ compiled: 1, jitRuns: 2 });
  });

  it("compiles nothing for a stream of distinct documents, and keeps a bounded number", async () => {
    const executor = new JitExecutor(schema, { maxSeen: 10, maxCompiled: 3 });
    for (let i = 0; i < 100; i++) await run(executor, `{ things(n: ${i % 50}) { __typename } }`);
    // Each came twice, but 50 others between its two runs pushed it out of the 10 remembered.
    expect(executor.stats).toMatchObject({ compiled: 0, jitRuns: 0, graphqlJsRuns: 100 });
    for (let i = 0; i < 5; i++) {
      await run(executor, `{ named { name } t${i}: things(n: 1) { __typename } }`);
      await run(executor, `{ named { name } t${i}: things(n: 1) { __typename } }`);
    }
    expect(executor.stats.compiled).toBe(5);
    // The first two were dropped (3 kept): run again, they are remembered as seen, not compiled.
    await run(executor, `{ named { name } t0: things(n: 1) { __typename } }`);
    expect(executor.stats.compiled).toBe(5);
    await run(executor, `{ named { name } t4: things(n: 1) { __typename } }`);
    expect(executor.stats).toMatchObject({ compiled: 5, jitRuns: 6 });
  });

  it("never compiles a long document, and compiles no more than its time budget allows", async () => {
    const long = new JitExecutor(schema, { compileOnSighting: 1, maxSourceLength: 40 });
    const padded = `{ named { name } ${"#".repeat(40)}\n}`;
    await run(long, padded);
    await run(long, "{ named { name } }");
    expect(long.stats).toMatchObject({ compiled: 1, jitRuns: 1, graphqlJsRuns: 1 });

    // A budget spent by the first compilation: the next operations wait on graphql-js.
    const thrifty = new JitExecutor(schema, { compileOnSighting: 1, compileMsPerMinute: 1e-6 });
    await run(thrifty, "{ named { __typename } }");
    await run(thrifty, "{ things(n: 2) { __typename } }");
    await run(thrifty, "{ things(n: 2) { __typename } }");
    expect(thrifty.stats).toMatchObject({ compiled: 1, jitRuns: 1, graphqlJsRuns: 2, deferred: 2 });
  });
});

describe("GRAPHQL_EXECUTOR", () => {
  it("is jit unless set to graphql-js, and refuses anything else", () => {
    expect(loadServerConfig({}).graphqlExecutor).toBe("jit");
    expect(loadServerConfig({ GRAPHQL_EXECUTOR: "graphql-js" }).graphqlExecutor).toBe("graphql-js");
    expect(() => loadServerConfig({ GRAPHQL_EXECUTOR: "JIT" })).toThrow(ConfigError);
  });
});
