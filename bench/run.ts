/**
 * `npm run bench -- --scale S|M|L [--seconds 3] [--samples 60] [--warmup 360] [--executor jit|graphql-js]`
 *
 * Starts what it needs (a managed Neo4j in .coopgraph/bench-<scale>, our API and the peer as
 * their own processes), loads the synthetic network if absent, warms Neo4j's JVM up (the whole mix
 * until its JIT compilers are quiet), checks that the three sides agree,
 * then measures each query: latency at concurrency 1 (p50/p95/p99, sides interleaved) and
 * throughput at concurrency 16 (autocannon for the HTTP sides, 16 concurrent sessions for the
 * floor; rounds alternate the sides' order so machine drift hits them alike; after each round,
 * what its abandoned requests still run in Neo4j is waited for or ended). Prints a markdown
 * table and writes bench/results/latest.json (and <scale>.json).
 */
import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import autocannon from "autocannon";
import neo4j, { type Driver } from "neo4j-driver";
import { PROJECT_ROOT, loadDatabaseConfig } from "../src/config/config.js";
import { Database } from "../src/db/database.js";
import { deleteDatabaseStore, startManagedNeo4j } from "../src/db/managed-neo4j.js";
import { migrate } from "../src/db/migrations.js";
import { encodeCursor } from "../src/domain/shared/pagination.js";
import { isEmpty, loadSeed } from "../src/seed/load-seed.js";
import type { Scale } from "../src/synthetic/generate.js";
import { fingerprintGraph, type Fingerprint } from "../src/synthetic/fingerprint.js";
import { AGGREGATE_RELATIONSHIP_TYPES } from "../src/db/aggregates.js";
import { LOAD_MODES, loadSynthetic, type LoadMode, type LoadReport, type OfflineTarget } from "../src/synthetic/load.js";
import { QUERIES, type BenchContext, type GraphQLCall } from "./queries.js";
import { API_NODE_ARGS } from "./api-process.js";
import { JitMeter, cpuMsOf, cpuMsOfThisProcess, memoryOf } from "./proc.js";
// @ts-expect-error plain JavaScript build script, no declarations
import { build } from "../scripts/build.mjs";

type Side = "api" | "floor" | "peer";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const scale = option("scale", "S").toUpperCase() as Scale;
if (!["S", "M", "L"].includes(scale)) throw new Error(`--scale must be S, M or L, got ${scale}`);
const SECONDS = Number(option("seconds", "3"));
const SAMPLES = Number(option("samples", scale === "L" ? "40" : "60"));
const ONLY = option("only", "").split(",").filter(Boolean);
const MEMORY = { S: ["1g", "512m"], M: ["2g", "2g"], L: ["4g", "8g"] }[scale];
/** Ports: fixed ones let several benchmarks (or a benchmark and a dev server) run side by side. */
const BOLT_PORT = Number(option("bolt-port", String({ S: 17691, M: 17692, L: 17693 }[scale])));
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
const VERIFY_LOAD = args.includes("--verify-load");
const log = (line: string) => console.error(line);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when the child has exited, or after 15 s. */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    setTimeout(resolve, 15_000).unref();
  });
}

/** `script` runs under tsx, except the API's compiled entry point (dist/), which runs as `npm start` runs it. */
async function startProcess(script: string, env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, script.startsWith("dist/") ? [...API_NODE_ARGS, script] : ["--import", "tsx", script], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let isReady = false;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      // Once ready, only the last 16 KB are kept (for a crash's message): the API logs a line per
      // request, and a growing copy tested on every chunk cost this process CPU that the measured
      // processes share the cores with.
      if (isReady) {
        output = (output + chunk.toString()).slice(-16_384);
        return;
      }
      output += chunk.toString();
      if (ready.test(output)) {
        isReady = true;
        output = output.slice(-16_384);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    // "close": after the child's output has all been read.
    child.once("close", (code, signal) => {
      if (!isReady) reject(new Error(`${script} exited with ${code ?? signal}:\n${output}`));
      else if (signal !== "SIGTERM" && code !== 0) log(`${script} exited with ${code ?? signal} during the run; its last output:\n${output}`);
    });
  });
  return { child, ms: Date.now() - started };
}

/**
 * One GraphQL call over a kept-alive connection, with node:http as autocannon does for the
 * throughput rounds. Not fetch: on this machine fetch spends 0.3-0.7 ms more per call than
 * node:http in the client (measured on a local server answering 20 KB), time that is neither the
 * API's nor the peer's. Uncompressed, as autocannon's requests are: gzip of a 20 KB answer costs
 * both ends about 4 ms on this machine, a transport choice (a proxy may do it), not the API's work.
 */
const keepAlive = new http.Agent({ keepAlive: true });

/** The API's Server-Timing: wall time with any of its statements in flight, and its whole time until the answer was serialized. */
interface ServerTiming { db: number; total: number }

function serverTimingOf(header: string | string[] | undefined): ServerTiming | undefined {
  const db = /db;dur=([\d.]+)/.exec(String(header ?? ""));
  const total = /total;dur=([\d.]+)/.exec(String(header ?? ""));
  return db && total ? { db: Number(db[1]), total: Number(total[1]) } : undefined;
}

/** One POST; a kept-alive socket the server closed as it was reused (its idle timeout, a race) is retried once on a new one, as Node's docs advise. */
function send(url: string, payload: string, retried = false): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: "POST",
      agent: keepAlive,
      headers: { "content-type": "application/json", "accept-encoding": "identity", "content-length": Buffer.byteLength(payload) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
      res.on("error", reject);
    });
    // A stalled server fails the run instead of hanging it.
    req.setTimeout(120_000, () => req.destroy(new Error(`${url}: no answer in 120 s`)));
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (!retried && req.reusedSocket && err.code === "ECONNRESET") {
        log(`${url}: a kept-alive connection was closed as it was reused; sent again on a new one`);
        send(url, payload, true).then(resolve, reject);
      }
      else reject(err);
    });
    req.end(payload);
  });
}

async function post(url: string, call: GraphQLCall): Promise<{ data: any; queries: number; timing?: ServerTiming }> {
  const { status, text, headers } = await send(url, JSON.stringify(call));
  if (!String(headers["content-type"] ?? "").includes("json")) throw new Error(`${url}: HTTP ${status}, not JSON: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { data?: unknown; errors?: unknown[] };
  if (body.errors?.length) throw new Error(`${url}: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return { data: body.data, queries: Number(headers["x-coopgraph-queries"] ?? 0), timing: serverTimingOf(headers["server-timing"]) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The median of unsorted values, to 2 decimals; null for none. */
function median(values: number[]): number | null {
  return values.length ? +percentile([...values].sort((a, b) => a - b), 50).toFixed(2) : null;
}

/** Requests in flight in a throughput round (autocannon's connections, the floor's sessions) and in the warm-up. */
const CONCURRENCY = 16;

/**
 * A warm-up round's length (a round then waits for the calls in flight: at L, where the peer's
 * take up to 1.6 s, rounds took about 7 s), and the JIT's share of one core below which a round is quiet; two quiet rounds in a
 * row end the warm-up.
 */
const WARMUP_ROUND_MS = 3000;
const JIT_QUIET_SHARE = 0.03;
const QUIET_ROUNDS = 2;

interface WarmUp { seconds: number; settled: boolean; rounds: number; jitShareLastRound: number | null }

/**
 * Runs every call of the mix round-robin at the throughput rounds' concurrency, in rounds of about 3 s,
 * until Neo4j's JIT compilers used less than 3 % of a core in two rounds in a row (one quiet round
 * can be luck), or `maxSeconds` have passed. Measured cold, a
 * 2-s throughput round at M had the compilers take a third of the machine's CPU and charged it to the
 * requests of that round; a server that has run for a while has compiled its hot code once.
 */
async function warmUp(calls: (() => Promise<unknown>)[], jit: JitMeter, maxSeconds: number): Promise<WarmUp> {
  const started = Date.now();
  let rounds = 0;
  let share: number | null = null;
  let next = 0;
  let quiet = 0;
  while (Date.now() - started < maxSeconds * 1000 && quiet < QUIET_ROUNDS) {
    const [jitBefore, roundStarted] = [jit.read(), Date.now()];
    await untilDeadline(roundStarted + WARMUP_ROUND_MS, () => calls[next++ % calls.length]!());
    rounds += 1;
    share = (jit.read() - jitBefore) / (Date.now() - roundStarted);
    log(`Warm-up round ${rounds}: Neo4j's JIT compilers used ${(share * 100).toFixed(1)} % of a core`);
    // NaN (no compiler threads to read): one round, as good as can be told.
    if (Number.isNaN(share)) break;
    quiet = share < JIT_QUIET_SHARE ? quiet + 1 : 0;
  }
  const settled = quiet >= QUIET_ROUNDS;
  return { seconds: +((Date.now() - started) / 1000).toFixed(1), settled, rounds, jitShareLastRound: share === null || Number.isNaN(share) ? null : +share.toFixed(3) };
}

/** CONCURRENCY callers, each starting `call()` again until `deadline` (ms since the epoch); the calls completed. */
async function untilDeadline(deadline: number, call: () => Promise<unknown>): Promise<number> {
  let done = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < deadline) {
      await call();
      done += 1;
    }
  }));
  return done;
}

async function floorThroughput(run: () => Promise<unknown>, seconds: number): Promise<Round> {
  const done = await untilDeadline(Date.now() + seconds * 1000, run);
  return { rps: done / seconds, sent: done };
}

/**
 * Waits until Neo4j runs nothing but this check, after a throughput round: autocannon returns when
 * its time is up, but the requests it abandons keep running in Neo4j (the peer's 16 at L for 10-26 s),
 * and would load the next round and the next query's latency samples. What still runs after
 * `graceMs` is ended (only statements older than that: the API's own short reads finish first).
 */
async function settleNeo4j(driver: Driver, graceMs = 1000): Promise<number> {
  const others = `SHOW TRANSACTIONS YIELD transactionId AS id, currentQuery, elapsedTime
    WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS'
    RETURN collect(id) AS ids, collect(CASE WHEN elapsedTime.milliseconds >= $grace THEN id END) AS old`;
  const started = Date.now();
  let ended = 0;
  while (Date.now() - started < 60_000) {
    const { records } = await driver.executeQuery(others, { grace: neo4j.int(graceMs) });
    const [ids, old] = [records[0]!.get("ids") as string[], records[0]!.get("old") as string[]];
    if (!ids.length) return ended;
    if (old.length && Date.now() - started >= graceMs) {
      await driver.executeQuery("TERMINATE TRANSACTIONS $old", { old });
      ended += old.length;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("Neo4j still busy 60 s after a throughput round");
}

/** A throughput round: answers per second, and every request sent (those autocannon abandoned at the end too). */
interface Round { rps: number; sent: number }

async function httpThroughput(url: string, call: GraphQLCall, seconds: number): Promise<Round> {
  const result = await autocannon({
    url, connections: CONCURRENCY, duration: seconds, method: "POST",
    headers: { "content-type": "application/json" }, body: JSON.stringify(call),
  });
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors under load`);
  return { rps: result.requests.average, sent: result.requests.sent };
}

async function benchContext(db: Database, sample: { hubOrganization: string; country: string; theme: string; midActors: [string, string]; region: string }): Promise<BenchContext> {
  const themes = (await db.read("MATCH (t:Theme) WHERE t.id STARTS WITH 'theme:' AND NOT t.id IN ['theme:cybercrime'] RETURN t.id AS id ORDER BY id")).map((r) => String(r.id)).slice(0, 12);
  const ctx = { themes: [sample.theme, ...themes].slice(0, 12), fromYear: 2003, toYear: 2024 };
  const [countRow] = await db.read(`MATCH (t:Theme) WHERE t.id IN $themes MATCH (t)<-[:ABOUT]-(p:Project) WITH DISTINCT p
    WHERE coalesce(p.endYear, p.startYear) >= $from AND p.startYear <= $to RETURN count(p) AS n`, { themes: ctx.themes, from: ctx.fromYear, to: ctx.toYear });
  const total = Number(countRow!.n);
  const deepPage = Math.max(2, Math.min(200, Math.floor(total / 50)));
  const deepOffset = (deepPage - 1) * 50;
  const [last] = await db.read(`MATCH (t:Theme) WHERE t.id IN $themes MATCH (t)<-[:ABOUT]-(p:Project) WITH DISTINCT p
    WHERE coalesce(p.endYear, p.startYear) >= $from AND p.startYear <= $to
    WITH p ORDER BY coalesce(p.startKey, ''), p.id SKIP $skip LIMIT 1 RETURN coalesce(p.startKey, '') AS key, p.id AS id`,
  { themes: ctx.themes, from: ctx.fromYear, to: ctx.toYear, skip: deepOffset - 1 });
  return {
    ...ctx, org: sample.hubOrganization, country: `country:${sample.country}`, countryCode: sample.country,
    midActors: sample.midActors, region: sample.region, deepOffset, deepPage, fundingFrom: 2016, fundingTo: 2020,
    deepCursor: encodeCursor([String(last!.key), String(last!.id)]), searchText: "fiscalia general",
  };
}

/** Times every floor candidate a few times and keeps the fastest (its index is reported). */
async function fastestFloor(q: (typeof QUERIES)[number], driver: Driver, ctx: BenchContext) {
  const candidates = q.floors ?? [q.floor];
  const medians: number[] = [];
  for (const candidate of candidates) {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = process.hrtime.bigint();
      await candidate(driver, ctx);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    medians.push(times.sort((a, b) => a - b)[3]!);
  }
  const index = medians.indexOf(Math.min(...medians));
  return { run: candidates[index]!, index, others: candidates.filter((_, i) => i !== index) };
}

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
  const cfg = loadDatabaseConfig({
    COOPGRAPH_DATA_DIR: path.join(PROJECT_ROOT, ".coopgraph", `bench-${scale.toLowerCase()}`),
    NEO4J_BOLT_PORT: String(BOLT_PORT), NEO4J_HEAP: MEMORY[0]!, NEO4J_PAGECACHE: MEMORY[1]!, NEO4J_TX_TIMEOUT: "600s",
  });
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
    // The response cache is off: the API must answer from the graph, as the floor and the peer do
    // (`npm run bench:cache` measures the cache).
    const env = { NEO4J_URI: neo.uri, NODE_ENV: "production", RESPONSE_CACHE: "false", QUERY_TIMEOUT_MS: "120000", GRAPHQL_MAX_COST: "1000000", GRAPHQL_MAX_DEPTH: "20" };
    build({ ifStale: true });
    const api = await startProcess("dist/main.js", { ...env, PORT: String(apiPort), ...(EXECUTOR ? { GRAPHQL_EXECUTOR: EXECUTOR } : {}) }, /API ready/);
    children.push(api.child);
    const peer = await startProcess("bench/peer-server.ts", { ...env, PORT: String(peerPort) }, /peer ready/);
    children.push(peer.child);
    const urls = { api: `http://127.0.0.1:${apiPort}/graphql`, peer: `http://127.0.0.1:${peerPort}/` };

    const mix = QUERIES.filter((x) => (!ONLY.length && !x.optional) || ONLY.includes(x.id));
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
      // Every candidate must agree too: with the tallies' floor fastest, the walk is what checks them.
      let candidatesAgree = true;
      for (const candidate of floor.others) {
        if (!isDeepStrictEqual(q.normalize.floor(await candidate(driver, ctx)), answers.api)) {
          candidatesAgree = false;
          log(`${q.id}: a floor candidate disagrees`);
        }
      }
      if (q.peer) answers.peer = q.normalize.peer!((await post(urls.peer, q.peer(ctx))).data);
      const agree = candidatesAgree && sides.every((s) => isDeepStrictEqual(answers[s], answers.api));
      if (!agree) log(`${q.id}: the sides disagree:\n${sides.map((s) => `  ${s}: ${JSON.stringify(answers[s]).slice(0, 400)}`).join("\n")}`);

      // Latency at concurrency 1, sides interleaved, after a warm-up.
      const times: Record<Side, number[]> = { api: [], floor: [], peer: [] };
      const apiTimings: (ServerTiming & { client: number })[] = [];
      for (let i = 0; i < 10; i++) for (const s of sides) await call[s]();
      for (let i = 0; i < SAMPLES; i++) {
        for (const s of i % 2 ? [...sides].reverse() : sides) {
          const t = process.hrtime.bigint();
          const answer = await call[s]();
          const ms = Number(process.hrtime.bigint() - t) / 1e6;
          times[s].push(ms);
          const timing = s === "api" ? (answer as { timing?: ServerTiming }).timing : undefined;
          if (timing) apiTimings.push({ ...timing, client: ms });
        }
      }
      const jitAtThroughput = jit.read();
      // Throughput at concurrency 16, two rounds in alternating order.
      const rps: Record<Side, number[]> = { api: [], floor: [], peer: [] };
      // CPU per answer under load: the side's own process (the API, the peer, or this one driving the
      // floor's driver) and Neo4j's, read once Neo4j has settled, so that the work on requests
      // autocannon abandoned at the end is charged to the requests sent, not to the next round.
      const cpu: Record<Side, { client: number; neo4j: number; answers: number }> = {
        api: { client: 0, neo4j: 0, answers: 0 }, floor: { client: 0, neo4j: 0, answers: 0 }, peer: { client: 0, neo4j: 0, answers: 0 },
      };
      for (const order of [sides, [...sides].reverse()]) {
        for (const s of order) {
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
        }
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
        // check and the latency samples, then the throughput rounds): what the warm-up left.
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
