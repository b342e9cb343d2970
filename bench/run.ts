/**
 * `npm run bench -- --scale S|M|L [--seconds 3] [--samples 60] [--warmup 360] [--executor jit|graphql-js]`
 *
 * Starts what it needs (a managed Neo4j in .coopgraph/bench-<scale>, our API and the peer as
 * their own processes), loads the synthetic network if absent, warms Neo4j's JVM up (the whole mix
 * until its JIT compilers are quiet), checks that the three sides agree,
 * then measures each query: latency at concurrency 1 (p50/p95/p99; the API and the floor
 * interleaved) and throughput at concurrency 16 (autocannon for the HTTP sides, 16 concurrent
 * sessions for the floor; the API's and the floor's rounds alternate so machine drift hits them
 * alike), then the peer's latency and throughput on their own; after each round,
 * what its abandoned requests still run in Neo4j is waited for or ended). Prints a markdown
 * table and writes bench/results/latest.json (and <scale>.json).
 */
import "reflect-metadata";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import neo4j, { type Driver } from "neo4j-driver";
import { PROJECT_ROOT } from "../src/config/config.js";
import { Database } from "../src/db/database.js";
import { deleteDatabaseStore, startManagedNeo4j } from "../src/db/managed-neo4j.js";
import { migrate } from "../src/db/migrations.js";
import { isEmpty, loadSeed } from "../src/seed/load-seed.js";
import type { Scale } from "../src/synthetic/generate.js";
import { fingerprintGraph, type Fingerprint } from "../src/synthetic/fingerprint.js";
import { AGGREGATE_RELATIONSHIP_TYPES } from "../src/db/aggregates.js";
import { LOAD_MODES, loadSynthetic, type LoadMode, type LoadReport, type OfflineTarget } from "../src/synthetic/load.js";
import {
  CONCURRENCY, SCALE_NEO4J, benchApiEnv, benchContext, benchDatabaseConfig, benchMix, floorCandidatesAgree, exited, fastestFloor, floorThroughput, freePort, httpThroughput, keepAlive, log, median, percentile, post,
  settleNeo4j, startProcess, warmUp, type ServerTiming,
} from "./harness.js";
import { option } from "./args.js";
import { JitMeter, cpuMsOf, cpuMsOfThisProcess, memoryOf } from "./proc.js";
// @ts-expect-error plain JavaScript build script, no declarations
import { build } from "../scripts/build.mjs";

type Side = "api" | "floor" | "peer";

const scale = option("scale", "S").toUpperCase() as Scale;
if (!["S", "M", "L"].includes(scale)) throw new Error(`--scale must be S, M or L, got ${scale}`);
const SECONDS = Number(option("seconds", "3"));
const SAMPLES = Number(option("samples", scale === "L" ? "40" : "60"));
const ONLY = option("only", "").split(",").filter(Boolean);
const BOLT_PORT = Number(option("bolt-port", String(SCALE_NEO4J[scale].boltPort)));
const API_PORT = Number(option("api-port", "0"));
const PEER_PORT = Number(option("peer-port", "0"));
/**
 * How an empty database is loaded: `bulk` (CREATE-only, parallel), `import` (CSV files and Neo4j's
 * offline importer, with the server stopped) or `idempotent` (the importers' MERGE path).
 */
const LOAD_MODE = option("load", "bulk") as LoadMode;
if (!LOAD_MODES.includes(LOAD_MODE)) throw new Error(`--load must be one of ${LOAD_MODES.join(", ")}, got ${LOAD_MODE}`);
/** Results go to bench/results/<name>.json only (not latest.json and <scale>.json), e.g. a load-only run. */
const SAVE_AS = option("save-as", "");
/** The import mode: worker threads that generate the CSV files (0: in the main thread; src/synthetic/offline-workers.ts). */
const CSV_WORKERS = Number(option("csv-workers", "0"));
/** The API's GRAPHQL_EXECUTOR (jit or graphql-js); unset: the API's default. */
const EXECUTOR = option("executor", "");
/**
 * Neo4j's JVM is warmed up before anything is measured: the whole mix runs until its JIT compilers
 * go quiet, for this many seconds at most (0: no warm-up, a cold JVM as after a restart).
 */
const WARMUP_SECONDS = Number(option("warmup", "360"));
if (!(WARMUP_SECONDS >= 0)) throw new Error(`--warmup must be a number of seconds, 0 or more, got ${option("warmup", "")}`);
/** Load through both paths, one after the other, and check that they write the same graph. */
const VERIFY_LOAD = process.argv.includes("--verify-load");

/** The managed Neo4j of this run: the offline import and the wipe stop and start it. */
let offline: OfflineTarget;

/** Wipes the database back to empty: Neo4j stopped, its store files deleted, started again (the migrations then rebuild the schema). */
async function wipe(): Promise<void> {
  await offline.stop();
  deleteDatabaseStore(offline.config);
  await offline.start();
}

async function loadOnce(db: Database, mode: LoadMode) {
  await migrate(db, log);
  if (await isEmpty(db)) await loadSeed(db);
  log(`Loading synthetic scale ${scale} (if absent, ${mode})...`);
  return loadSynthetic(db, scale, log, mode, { offline, csvWorkers: CSV_WORKERS });
}

/**
 * Loads the graph (once per data folder). With --verify-load on an empty database, loads it through
 * both paths in turn and compares their fingerprints; the benchmark then runs on the --load one.
 */
async function loadGraph(db: Database): Promise<{ plan: Awaited<ReturnType<typeof loadSynthetic>>["plan"]; report: LoadReport; loads: Partial<Record<LoadMode, LoadReport>> & { fingerprints?: Fingerprint[]; sameGraph?: boolean } }> {
  await migrate(db, log);
  const [existing] = await db.read("MATCH (s:Source) WHERE s.id STARTS WITH 'source:synthetic-' RETURN count(s) AS n");
  if (!VERIFY_LOAD || Number(existing!.n) > 0) {
    const { plan, report } = await loadOnce(db, LOAD_MODE);
    return { plan, report, loads: { [report.mode]: report } };
  }
  const ignore = { ignoreNodeProperties: ["complete", "loadReport"] };
  // The idempotent path is the reference for the fast ones; the idempotent one is checked against bulk.
  const other: LoadMode = LOAD_MODE === "idempotent" ? "bulk" : "idempotent";
  const first = await loadOnce(db, other);
  const before = await fingerprintGraph(db, ignore);
  log(`${other} load: ${JSON.stringify(first.report)}; fingerprint ${JSON.stringify(before)}`);
  await wipe();
  const second = await loadOnce(db, LOAD_MODE);
  const after = await fingerprintGraph(db, ignore);
  const sameGraph = isDeepStrictEqual(before, after);
  log(`${LOAD_MODE} load: ${JSON.stringify(second.report)}; fingerprint ${JSON.stringify(after)}; same graph: ${sameGraph}`);
  if (!sameGraph) throw new Error(`the ${LOAD_MODE} and ${other} loads wrote different graphs: ${JSON.stringify([before, after])}`);
  return { plan: second.plan, report: second.report, loads: { [other]: first.report, [LOAD_MODE]: second.report, fingerprints: [before, after], sameGraph } };
}

async function main() {
  const cfg = benchDatabaseConfig(scale, BOLT_PORT);
  const neoStarted = Date.now();
  let neo = await startManagedNeo4j(cfg.managed, { mode: "attached", log });
  const neo4jColdStartMs = Date.now() - neoStarted;
  const driver: Driver = neo4j.driver(neo.uri, undefined, { disableLosslessIntegers: true, maxConnectionPoolSize: 64 });
  offline = {
    config: cfg.managed,
    stop: () => neo.stop(),
    start: async () => {
      neo = await startManagedNeo4j(cfg.managed, { mode: "attached", log });
      await driver.verifyConnectivity();
    },
  };
  const db = new Database(driver, undefined, 600_000);
  const children: ChildProcess[] = [];
  const cleanup = async () => {
    keepAlive.destroy();
    for (const c of children) c.kill("SIGTERM");
    // Waited for (before Neo4j stops): a profiled API writes its profile as it exits.
    await Promise.all(children.map(exited));
    await driver.close();
    await neo.stop();
  };
  // Interrupted: stop the API, the peer and Neo4j too, or they outlive the run.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  }
  try {
    const { plan, report, loads } = await loadGraph(db);
    // The graph's facts: the aggregates' own relationships (PARTNERS_WITH) are bookkeeping. Counted
    // per type from Neo4j's count store, without reading relationships.
    const [size] = await db.read(`CALL () { MATCH ()-[r]->() RETURN count(r) AS all }
      ${AGGREGATE_RELATIONSHIP_TYPES.map((t, i) => `CALL () { MATCH ()-[r:${t}]->() RETURN count(r) AS b${i} }`).join("\n      ")}
      RETURN all${AGGREGATE_RELATIONSHIP_TYPES.map((_, i) => ` - b${i}`).join("")} AS rels`);
    log(`Graph: ${size!.rels} relationships; load: ${JSON.stringify(report)}`);
    const ctx = await benchContext(db, plan.sample);

    const apiPort = API_PORT || await freePort();
    const peerPort = PEER_PORT || await freePort();
    const env = benchApiEnv(neo.uri);
    build({ ifStale: true });
    const api = await startProcess("dist/main.js", { ...env, PORT: String(apiPort), ...(EXECUTOR ? { GRAPHQL_EXECUTOR: EXECUTOR } : {}) }, /API ready/, children);
    const peer = await startProcess("bench/peer-server.ts", { ...env, PORT: String(peerPort) }, /peer ready/, children);
    const urls = { api: `http://127.0.0.1:${apiPort}/graphql`, peer: `http://127.0.0.1:${peerPort}/` };

    const mix = benchMix(ONLY);
    // Neo4j's process from here on (the load may have restarted it).
    const jit = new JitMeter(neo.state.pid);
    // Every side and every floor candidate, so that the floor is chosen on a warm JVM too.
    const warm = WARMUP_SECONDS > 0
      ? await warmUp(mix.flatMap((q) => [
        () => post(urls.api, q.api(ctx)),
        ...(q.floors ?? [q.floor]).map((candidate) => () => candidate(driver, ctx)),
        ...(q.peer ? [() => post(urls.peer, q.peer!(ctx))] : []),
      ]), jit, WARMUP_SECONDS)
      : null;
    if (warm && !warm.settled) log(`Neo4j's JIT compilers were still busy after ${warm.seconds} s of warm-up: the figures include some of their work`);

    const results = [];
    for (const q of mix) {
      const jitAtStart = jit.read();
      const sides: Side[] = q.peer ? ["api", "floor", "peer"] : ["api", "floor"];
      // The floor is the fastest of its hand-written candidates on this graph.
      const floor = await fastestFloor(q, driver, ctx);
      const call: Record<Side, () => Promise<unknown>> = {
        api: () => post(urls.api, q.api(ctx)),
        floor: () => floor.run(driver, ctx),
        peer: () => post(urls.peer, q.peer!(ctx)),
      };
      // The three sides (and every floor candidate) must give the same answer.
      // Round trips are counted on the second call: the first also resolves names into the reference cache.
      await post(urls.api, q.api(ctx));
      const apiAnswer = await post(urls.api, q.api(ctx));
      const answers: Partial<Record<Side, unknown>> = { api: q.normalize.api(apiAnswer.data), floor: q.normalize.floor(await floor.run(driver, ctx)) };
      // Every other candidate must agree too.
      const candidatesAgree = await floorCandidatesAgree(q, floor.others, driver, ctx, answers.api, q.id);
      if (q.peer) answers.peer = q.normalize.peer!((await post(urls.peer, q.peer(ctx))).data);
      const agree = candidatesAgree && sides.every((s) => isDeepStrictEqual(answers[s], answers.api));
      if (!agree) log(`${q.id}: the sides disagree:\n${sides.map((s) => `  ${s}: ${JSON.stringify(answers[s]).slice(0, 400)}`).join("\n")}`);

      // Latency at concurrency 1 after a warm-up: the API and the floor interleaved (the peer comes last, below).
      const times: Record<Side, number[]> = { api: [], floor: [], peer: [] };
      const apiTimings: (ServerTiming & { client: number })[] = [];
      const sample = async (s: Side) => {
        const t = process.hrtime.bigint();
        const answer = await call[s]();
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        times[s].push(ms);
        const timing = s === "api" ? (answer as { timing?: ServerTiming }).timing : undefined;
        if (timing) apiTimings.push({ ...timing, client: ms });
      };
      const paired: Side[] = ["api", "floor"];
      for (let i = 0; i < 10; i++) for (const s of paired) await call[s]();
      for (let i = 0; i < SAMPLES; i++) for (const s of i % 2 ? [...paired].reverse() : paired) await sample(s);
      const jitAtThroughput = jit.read();
      // Throughput at concurrency 16: two rounds each, the API's and the floor's in alternating order.
      const rps: Record<Side, number[]> = { api: [], floor: [], peer: [] };
      // CPU per answer under load: the side's own process (the API, the peer, or this one driving the
      // floor's driver) and Neo4j's, read once Neo4j has settled, so that the work on requests
      // autocannon abandoned at the end is charged to the requests sent, not to the next round.
      const cpu: Record<Side, { client: number; neo4j: number; answers: number }> = {
        api: { client: 0, neo4j: 0, answers: 0 }, floor: { client: 0, neo4j: 0, answers: 0 }, peer: { client: 0, neo4j: 0, answers: 0 },
      };
      const throughputRound = async (s: Side) => {
        const pid = s === "api" ? api.child.pid : s === "peer" ? peer.child.pid : undefined;
        const clientCpu = () => (pid === undefined ? cpuMsOfThisProcess() : cpuMsOf(pid));
        const before = { client: clientCpu(), neo4j: cpuMsOf(neo.state.pid) };
        const round = s === "floor" ? await floorThroughput(call.floor, SECONDS)
          : await httpThroughput(urls[s], s === "api" ? q.api(ctx) : q.peer!(ctx), SECONDS);
        rps[s].push(round.rps);
        const ended = await settleNeo4j(driver);
        if (ended) log(`${q.id}: ended ${ended} statements still running in Neo4j after the ${s}'s throughput round`);
        // The HTTP side's last answers, after Neo4j's, are serialized and written within this.
        if (pid !== undefined) await new Promise((resolve) => setTimeout(resolve, 100));
        cpu[s].client += clientCpu() - before.client;
        cpu[s].neo4j += cpuMsOf(neo.state.pid) - before.neo4j;
        cpu[s].answers += round.sent;
      };
      for (const s of ["api", "floor", "floor", "api"] as Side[]) await throughputRound(s);
      // The peer last, its latency samples then its throughput rounds: its statements run 60 ms to
      // 1.6 s at M and L, and interleaved with the others they left Neo4j busier (garbage, page
      // cache) for the next API and floor samples. A pause after it lets Neo4j's collector catch up
      // before the next query.
      if (q.peer) {
        for (let i = 0; i < 10; i++) await call.peer();
        for (let i = 0; i < SAMPLES; i++) await sample("peer");
        for (const s of ["peer", "peer"] as Side[]) await throughputRound(s);
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
      const stats = (s: Side) => {
        const sorted = [...times[s]].sort((a, b) => a - b);
        const perAnswer = (ms: number) => (cpu[s].answers && Number.isFinite(ms) ? +(ms / cpu[s].answers).toFixed(3) : null);
        return { p50: +percentile(sorted, 50).toFixed(2), p95: +percentile(sorted, 95).toFixed(2), p99: +percentile(sorted, 99).toFixed(2),
          rps: +(rps[s].reduce((a, b) => a + b, 0) / rps[s].length).toFixed(1),
          cpuMsPerAnswer: { client: perAnswer(cpu[s].client), neo4j: perAnswer(cpu[s].neo4j) } };
      };
      const row = {
        id: q.id, title: q.title, agree,
        api: {
          ...stats("api"),
          // Medians of each sample's parts (paired: the client's latency and its answer's header).
          server: {
            total: median(apiTimings.map((t) => t.total)), db: median(apiTimings.map((t) => t.db)),
            ownWork: median(apiTimings.map((t) => t.total - t.db)), clientAndHttp: median(apiTimings.map((t) => t.client - t.total)),
          },
        },
        floor: stats("floor"), peer: q.peer ? stats("peer") : null,
        roundTrips: apiAnswer.queries, floorCandidate: floor.index,
        // Neo4j's JIT compilers during this query's measurement (the floor's choice, the agreement
        // check and the API's and floor's latency samples, then the throughput rounds and the
        // peer's samples): what the warm-up left.
        neo4jJitMs: { latency: Math.round(jitAtThroughput - jitAtStart), throughput: Math.round(jit.read() - jitAtThroughput) },
      };
      results.push(row);
      log(`${q.id}: api p50 ${row.api.p50} ms, floor ${row.floor.p50} ms${row.peer ? `, peer ${row.peer.p50} ms` : ""}; rps api ${row.api.rps}, floor ${row.floor.rps}${row.peer ? `, peer ${row.peer.rps}` : ""}; round trips ${row.roundTrips}; agree ${agree}`);
    }

    const peakRss = memoryOf(api.child.pid, "VmHWM");
    const peakRssMb = peakRss === undefined ? null : Math.round(peakRss / 1024 / 1024);
    const output = {
      scale, date: new Date().toISOString(), machine: "2 cores, 24 GiB (noisy: compare ratios within one run)",
      relationships: Number(size!.rels), load: report, loads, neo4jColdStartMs, apiColdStartMs: api.ms, apiPeakRssMb: peakRssMb,
      settings: { samples: SAMPLES, seconds: SECONDS, concurrency: CONCURRENCY, executor: EXECUTOR || "default", warmUp: warm }, context: { ...ctx, deepCursor: undefined }, queries: results,
    };
    fs.mkdirSync(path.join(PROJECT_ROOT, "bench", "results"), { recursive: true });
    for (const name of SAVE_AS ? [`${SAVE_AS}.json`] : ["latest.json", `${scale}.json`]) {
      fs.writeFileSync(path.join(PROJECT_ROOT, "bench", "results", name), JSON.stringify(output, null, 2) + "\n");
    }
    console.log(table(output));
  } finally {
    await cleanup();
  }
}

function table(o: { scale: string; relationships: number; load: { relationshipsPerSecond: number; mode: string }; apiColdStartMs: number; neo4jColdStartMs: number; apiPeakRssMb: number | null; queries: any[] }): string {
  const ratio = (a: number, b: number) => (b ? (a / b).toFixed(2) : "-");
  const lines = [
    `Scale ${o.scale}: ${o.relationships} relationships; load ${o.load.relationshipsPerSecond} rel/s (${o.load.mode}); cold start: Neo4j ${o.neo4jColdStartMs} ms, API ${o.apiColdStartMs} ms; API peak RSS ${o.apiPeakRssMb ?? "unknown"} MB`,
    "",
    "| query | api p50/p95/p99 ms | floor p50/p95/p99 ms | peer p50/p95/p99 ms | api/floor p50 | api−floor p50 ms | rps api / floor / peer | api/floor rps | api/peer rps | round trips | agree |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const q of o.queries) {
    const f = (s: any) => (s ? `${s.p50} / ${s.p95} / ${s.p99}` : "n/a");
    lines.push(`| ${q.id} | ${f(q.api)} | ${f(q.floor)} | ${f(q.peer)} | ${ratio(q.api.p50, q.floor.p50)} | ${(q.api.p50 - q.floor.p50).toFixed(1)} | ${q.api.rps} / ${q.floor.rps} / ${q.peer?.rps ?? "n/a"} | ${ratio(q.api.rps, q.floor.rps)} | ${q.peer ? ratio(q.api.rps, q.peer.rps) : "n/a"} | ${q.roundTrips} | ${q.agree ? "yes" : "NO"} |`);
  }
  // Where the API's latency goes (its Server-Timing, medians of each latency sample's parts) and
  // what each answer costs in CPU under load: the answering process (the API, the peer, or this one
  // for the floor) and Neo4j.
  lines.push("", "| query | api p50 ms | server total / Neo4j statements | API's own (total − statements) | client and HTTP (latency − total) | CPU ms per answer, api: API / Neo4j | floor: benchmark / Neo4j | peer: peer / Neo4j |", "|---|---|---|---|---|---|---|---|");
  for (const q of o.queries) {
    const server = q.api.server ?? {};
    const cpu = (side: any) => (side?.cpuMsPerAnswer ? `${side.cpuMsPerAnswer.client ?? "n/a"} / ${side.cpuMsPerAnswer.neo4j ?? "n/a"}` : "n/a");
    lines.push(`| ${q.id} | ${q.api.p50} | ${server.total ?? "n/a"} / ${server.db ?? "n/a"} | ${server.ownWork ?? "n/a"} | ${server.clientAndHttp ?? "n/a"} | ${cpu(q.api)} | ${cpu(q.floor)} | ${cpu(q.peer)} |`);
  }
  return lines.join("\n");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
