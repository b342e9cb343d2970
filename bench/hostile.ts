/**
 * `npm run hostile -- --url http://127.0.0.1:4000/ --count 10000 [--concurrency 8] [--seed 42]`:
 * sends generated hostile requests to a running API and reports how it answered. Exits non-zero on
 * any 5xx, connection reset or uncoded error. Writes bench/results/hostile.json.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { hostileRequests, runHostile } from "./hostile-traffic.js";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:4000/" },
    count: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "8" },
    seed: { type: "string", default: "42" },
  },
});

async function projectsCount(url: string): Promise<number> {
  const res = await fetch(`${url}graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ projects { totalCount } }" }) });
  return ((await res.json()) as { data: { projects: { totalCount: number } } }).data.projects.totalCount;
}

const url = values.url.endsWith("/") ? values.url : `${values.url}/`;
const before = await projectsCount(url);
const started = Date.now();
const summary = await runHostile(url, hostileRequests(Number(values.count), Number(values.seed)), Number(values.concurrency));
const after = await projectsCount(url);
const report = {
  url, sent: summary.sent, seconds: (Date.now() - started) / 1000, byStatus: summary.byStatus,
  serverErrors: summary.serverErrors.length, connectionResets: summary.transportErrors.length, uncodedErrors: summary.uncoded.length,
  projectsBefore: before, projectsAfter: after, examples: [...summary.serverErrors, ...summary.transportErrors, ...summary.uncoded].slice(0, 10),
};
fs.mkdirSync(path.join(import.meta.dirname, "results"), { recursive: true });
fs.writeFileSync(path.join(import.meta.dirname, "results", "hostile.json"), JSON.stringify(report, null, 2) + "\n");
console.log(JSON.stringify({ ...report, examples: undefined }, null, 2));
const ok = report.serverErrors === 0 && report.connectionResets === 0 && report.uncodedErrors === 0 && before === after;
process.exit(ok ? 0 : 1);
