/**
 * `npm run bench:execution -- --scale S [--only Q1,Q3] [--runs 400] [--bolt-port 17691]`
 *
 * The API's own work per request, with the database out of the way: two in-process API servers,
 * one per executor (GRAPHQL_EXECUTOR graphql-js and jit), over a Database that answers every
 * statement it has seen from memory (the benchmark's rows, fetched once from the bench graph), and
 * requests through Fastify's inject (no sockets). The two are called in turn, request by request,
 * so that machine drift hits them alike; prints the p50 of each and their ratio. Needs the bench
 * graph of the scale (`npm run bench -- --scale S` builds it) and its context in
 * bench/results/<scale>.json (or --context <file>), which every benchmark run writes.
 */
import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import neo4j from "neo4j-driver";
import { PROJECT_ROOT, loadDatabaseConfig, loadServerConfig, type GraphQLExecutorName } from "../src/config/config.js";
import { Database, type Params, type Row, type RunOptions } from "../src/db/database.js";
import { startManagedNeo4j } from "../src/db/managed-neo4j.js";
import { buildApp } from "../src/http/server.js";
import { createLogger } from "../src/http/logging.js";
import { QUERIES, type BenchContext } from "./queries.js";
import { option } from "./args.js";

const scale = option("scale", "S").toUpperCase();
const RUNS = Number(option("runs", "400"));
const ONLY = option("only", "Q1,Q2,Q3,Q8").split(",").filter(Boolean);
const BOLT_PORT = option("bolt-port", String({ S: 17691, M: 17692, L: 17693 }[scale] ?? 17691));
const CONTEXT_FILE = option("context", path.join(PROJECT_ROOT, "bench", "results", `${scale}.json`));

/** Every read answered from memory after its first run: the API's work without the database's. */
class RowsInMemory extends Database {
  private readonly rows = new Map<string, Promise<Row[]>>();
  // A request's bookmarks or counter would make a plain Database, which reads from Neo4j.
  protected override derive(): Database {
    return this;
  }
  override read(cypher: string, params: Params = {}, opts: RunOptions = {}): Promise<Row[]> {
    const key = `${cypher}\u0000${JSON.stringify(params, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))}`;
    let rows = this.rows.get(key);
    if (!rows) {
      rows = super.read(cypher, params, opts);
      this.rows.set(key, rows);
    }
    return rows;
  }
}

const p50 = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;

async function main() {
  const context = JSON.parse(fs.readFileSync(CONTEXT_FILE, "utf8")).context as BenchContext;
  const cfg = loadDatabaseConfig({
    COOPGRAPH_DATA_DIR: path.join(PROJECT_ROOT, ".coopgraph", `bench-${scale.toLowerCase()}`), NEO4J_BOLT_PORT: BOLT_PORT,
  });
  const neo = await startManagedNeo4j(cfg.managed, { mode: "attached", log: (line) => console.error(line) });
  const driver = neo4j.driver(neo.uri, undefined, { disableLosslessIntegers: true });
  // Statements that reach Neo4j: after the warm-up there must be none (else the figures include it).
  let statements = 0;
  const executeQuery = driver.executeQuery.bind(driver);
  driver.executeQuery = ((...args: Parameters<typeof executeQuery>) => {
    statements += 1;
    return executeQuery(...args);
  }) as typeof driver.executeQuery;
  const db = new RowsInMemory(driver, undefined, 600_000);
  const executors: GraphQLExecutorName[] = ["graphql-js", "jit"];
  const apps = await Promise.all(executors.map(async (graphqlExecutor) => {
    const server = { ...loadServerConfig({}), responseCache: false, rateLimitPerMinute: 0, maxCost: 1_000_000, maxDepth: 20, graphqlExecutor };
    return (await buildApp(db, server, { log: createLogger("silent") })).app;
  }));
  try {
    console.log(`| query | graphql-js p50 ms | jit p50 ms | jit/graphql-js |\n|---|---|---|---|`);
    for (const q of QUERIES.filter((x) => ONLY.includes(x.id))) {
      const payload = q.api(context);
      const call = async (i: number) => {
        const started = process.hrtime.bigint();
        const res = await apps[i]!.inject({ method: "POST", url: "/graphql", payload, headers: { "content-type": "application/json" } });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        return { ms, body: res.json() as { data?: unknown; errors?: unknown } };
      };
      // Warm: the rows into memory, each operation compiled (jit compiles on the second run), V8 warm.
      const answers = [];
      for (let i = 0; i < 30; i++) answers.push((await call(0)).body, (await call(1)).body);
      if (answers.some((a) => a.errors) || !isDeepStrictEqual(answers.at(-2), answers.at(-1))) {
        throw new Error(`${q.id}: the two executors disagree or fail: ${JSON.stringify(answers.slice(-2)).slice(0, 500)}`);
      }
      const times: number[][] = [[], []];
      const warmStatements = statements;
      for (let i = 0; i < RUNS; i++) {
        const order = i % 2 ? [1, 0] : [0, 1];
        for (const side of order) times[side]!.push((await call(side)).ms);
      }
      if (statements !== warmStatements) throw new Error(`${q.id}: ${statements - warmStatements} statements reached Neo4j after the warm-up`);
      const [plain, jit] = times.map(p50) as [number, number];
      console.log(`| ${q.id} | ${plain.toFixed(2)} | ${jit.toFixed(2)} | ${(jit / plain).toFixed(2)} |`);
    }
  } finally {
    for (const app of apps) await app.close();
    await driver.close();
    await neo.stop();
  }
}

await main();
