/**
 * `npm run bench:cache -- --uri bolt://127.0.0.1:7696 [--seconds 10]`: a dashboard's mix of
 * queries (timeline, funding flows, cooperation matrix, a filtered page) against the API with the
 * response cache on and off, each as a process of its own over the same Neo4j. Writes
 * bench/results/cache-mix.json with requests/s and latencies for both, and their ratio.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { startApiProcess } from "./api-process.js";

const { values } = parseArgs({ options: { uri: { type: "string", default: "bolt://127.0.0.1:7696" }, seconds: { type: "string", default: "10" } } });

const MIX = [
  `query DashboardTimeline { timeline { year started active } }`,
  `query DashboardFunding { fundingFlows(groupBy: [FUNDER, YEAR]) { keys { dimension value name } currency total flows } }`,
  `query DashboardMatrix { cooperationMatrix(level: COUNTRY) { a { code } b { code } sharedProjects } }`,
  `query DashboardProjects { projects(first: 20, filter: { involvingAll: ["UNODC"] }) { totalCount edges { node { id name startYear } } } }`,
];

async function run(port: number) {
  let i = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/graphql`, connections: 8, duration: Number(values.seconds),
    requests: [{ method: "POST", headers: { "content-type": "application/json" }, setupRequest: (req) => ({ ...req, body: JSON.stringify({ query: MIX[i++ % MIX.length] }) }) }],
  });
  return { rps: Math.round(result.requests.average * 10) / 10, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx };
}

const results: Record<string, unknown> = {};
for (const [name, cache, port] of [["off", false, 4198], ["on", true, 4199]] as const) {
  const api = await startApiProcess(port, {
    NEO4J_URI: values.uri, RESPONSE_CACHE: String(cache), QUERY_TIMEOUT_MS: "60000", GRAPHQL_MAX_COST: "1000000",
  });
  try {
    await run(port); // warm-up: plans, JIT, and (cache on) the first answers
    results[name] = await run(port);
  } finally {
    api.kill("SIGINT");
    await new Promise((r) => api.once("exit", r));
  }
}
const on = results.on as { rps: number };
const off = results.off as { rps: number };
const report = { uri: values.uri, seconds: Number(values.seconds), ...results, ratio: Math.round((on.rps / Math.max(off.rps, 0.1)) * 10) / 10 };
console.log(JSON.stringify(report, null, 2));
fs.mkdirSync(path.join(import.meta.dirname, "results"), { recursive: true });
fs.writeFileSync(path.join(import.meta.dirname, "results", "cache-mix.json"), JSON.stringify(report, null, 2) + "\n");
