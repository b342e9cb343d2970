/**
 * `npm run bench:centrality -- [--scale S|M] [--seconds 10]`: does a heavy graph algorithm stall
 * other requests? Loads the synthetic network into its own managed Neo4j, starts the API as a
 * separate process, and measures a simple query's latency (p50, p99) while idle and while
 * betweenness centrality runs back to back. Writes bench/results/centrality-load.json.
 */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import neo4j from "neo4j-driver";
import { PROJECT_ROOT, loadDatabaseConfig } from "../src/config/config.js";
import { Database } from "../src/db/database.js";
import { startManagedNeo4j } from "../src/db/managed-neo4j.js";
import { migrate } from "../src/db/migrations.js";
import { loadSynthetic } from "../src/synthetic/load.js";
import { startApiProcess } from "./api-process.js";
import type { Scale } from "../src/synthetic/generate.js";

const { values } = parseArgs({ options: { scale: { type: "string", default: "M" }, seconds: { type: "string", default: "10" } } });
const seconds = Number(values.seconds);
const BOLT = 7696;
const PORT = 4196;
const SIMPLE = JSON.stringify({ query: "{ themes { id name } }" });
const HEAVY = JSON.stringify({ query: "{ centrality(metric: BETWEENNESS, first: 5) { score } }" });

async function latency(url: string) {
  const r = await autocannon({ url: `${url}graphql`, method: "POST", headers: { "content-type": "application/json" }, body: SIMPLE, connections: 4, duration: seconds });
  return { p50: r.latency.p50, p99: r.latency.p99, requests: r.requests.total, non2xx: r.non2xx };
}

const cfg = loadDatabaseConfig({ COOPGRAPH_DATA_DIR: path.join(PROJECT_ROOT, ".coopgraph", "bench-centrality"), NEO4J_BOLT_PORT: String(BOLT), NEO4J_HEAP: "2g", NEO4J_PAGECACHE: "1g" });
const neo = await startManagedNeo4j(cfg.managed, { log: console.log });
const db = new Database(neo4j.driver(neo.uri, undefined, { disableLosslessIntegers: true }), undefined, 600_000);
let api: ChildProcess | undefined;
try {
  await migrate(db);
  const { report } = await loadSynthetic(db, values.scale as Scale, console.log, "bulk");
  api = await startApiProcess(PORT, {
    NEO4J_URI: neo.uri, QUERY_TIMEOUT_MS: "120000", ANALYTICS_TIMEOUT_MS: "120000", RESPONSE_CACHE: "false",
  });
  const url = `http://127.0.0.1:${PORT}/`;
  const idle = await latency(url);
  let heavyRuns = 0;
  let heavyMs = 0;
  let running = true;
  const heavy = (async () => {
    while (running) {
      const started = Date.now();
      const res = await fetch(`${url}graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: HEAVY });
      await res.text();
      heavyMs += Date.now() - started;
      heavyRuns += 1;
    }
  })();
  await new Promise((r) => setTimeout(r, 500));
  const busy = await latency(url);
  running = false;
  await heavy;
  const result = {
    scale: values.scale, relationships: report.relationships, seconds, idle, whileCentrality: busy,
    centralityRuns: heavyRuns, centralityMeanMs: Math.round(heavyMs / Math.max(heavyRuns, 1)),
    p99Ratio: Math.round((busy.p99 / Math.max(idle.p99, 1)) * 100) / 100,
  };
  console.log(JSON.stringify(result, null, 2));
  fs.mkdirSync(path.join(import.meta.dirname, "results"), { recursive: true });
  fs.writeFileSync(path.join(import.meta.dirname, "results", "centrality-load.json"), JSON.stringify(result, null, 2) + "\n");
} finally {
  api?.kill("SIGINT");
  await db.close();
  await neo.stop();
}
