/**
 * `npm run soak -- --minutes 30 --rate 100 [--url http://127.0.0.1:4000/]`: a fixed-rate mix of
 * reads against a running API (started with `npm start`), sampling the API process's RSS and the
 * latency percentiles each minute. Writes bench/results/soak.json; reports RSS growth and whether
 * p99 stayed flat. Without --url it starts `npm start` itself on a free port (its own data dir).
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { PROJECT_ROOT } from "../src/config/config.js";
import { startApiProcess } from "./api-process.js";
import { memoryOf } from "./proc.js";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    rate: { type: "string", default: "100" },
    url: { type: "string" },
    "sample-seconds": { type: "string", default: "60" },
  },
});

const MIX = [
  `{ projects(filter: { involvingAll: ["UNODC", "Peru"] }) { edges { node { id name participants { role actor { name } } } } } }`,
  `{ search(text: "fiscalia") { score item { ... on Node { id } } } }`,
  `{ partners(actor: "UNODC") { actor { name } sharedProjects } }`,
  `{ paths(from: "Fiscalía de Chile", to: "UNODC") { length steps { type role } } }`,
  `{ cooperationMatrix(level: COUNTRY) { a { name } b { name } sharedProjects } }`,
  `{ timeline { year active started } }`,
];

async function sample(url: string, seconds: number, rate: number) {
  let i = 0;
  const result = await autocannon({
    url: `${url}graphql`, duration: seconds, connections: 8, overallRate: rate,
    requests: [{ method: "POST", headers: { "content-type": "application/json" }, setupRequest: (req) => ({ ...req, body: JSON.stringify({ query: MIX[i++ % MIX.length] }) }) }],
  });
  return { requests: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

const minutes = Number(values.minutes);
const rate = Number(values.rate);
const sampleSeconds = Number(values["sample-seconds"]);
const SOAK_PORT = 4195;
const api = values.url
  ? { url: values.url.endsWith("/") ? values.url : `${values.url}/`, child: undefined }
  : {
    url: `http://127.0.0.1:${SOAK_PORT}/`,
    child: await startApiProcess(SOAK_PORT, {
      COOPGRAPH_DATA_DIR: path.join(PROJECT_ROOT, ".coopgraph", "soak"), NEO4J_BOLT_PORT: process.env.NEO4J_BOLT_PORT ?? "7695",
    }),
  };
const pid = api.child?.pid ?? Number(process.env.SOAK_PID ?? 0);
const samples: { minute: number; rssBytes: number | null; p50: number; p99: number; requests: number; non2xx: number; errors: number }[] = [];
try {
  for (let elapsed = 0; elapsed < minutes * 60; elapsed += sampleSeconds) {
    const s = await sample(api.url, sampleSeconds, rate);
    samples.push({ minute: (elapsed + sampleSeconds) / 60, rssBytes: memoryOf(pid, "VmRSS") ?? null, ...s });
    console.log(JSON.stringify(samples.at(-1)));
  }
} finally {
  api.child?.kill("SIGINT");
}
const first = samples[0]!;
const last = samples.at(-1)!;
const summary = {
  minutes, rate, sampleSeconds,
  rssGrowth: first.rssBytes && last.rssBytes ? (last.rssBytes - first.rssBytes) / first.rssBytes : null,
  p99First: first.p99, p99Last: last.p99, p99Max: Math.max(...samples.map((s) => s.p99)),
  non2xx: samples.reduce((n, s) => n + s.non2xx, 0), errors: samples.reduce((n, s) => n + s.errors, 0),
  samples,
};
fs.mkdirSync(path.join(import.meta.dirname, "results"), { recursive: true });
fs.writeFileSync(path.join(import.meta.dirname, "results", "soak.json"), JSON.stringify(summary, null, 2) + "\n");
console.log(JSON.stringify({ ...summary, samples: undefined }, null, 2));
