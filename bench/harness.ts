/**
 * What the benchmarks share: starting the API and the peer as processes, calling them over HTTP,
 * percentiles, the warm-up until Neo4j's JIT compilers are quiet, throughput rounds, waiting for
 * Neo4j to settle after one, the benchmark's context on a graph and the choice of each query's floor.
 */
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import autocannon from "autocannon";
import neo4j, { type Driver } from "neo4j-driver";
import { PROJECT_ROOT, loadDatabaseConfig } from "../src/config/config.js";
import type { Scale } from "../src/synthetic/generate.js";
import type { Database } from "../src/db/database.js";
import { encodeCursor, sortScope } from "../src/domain/shared/pagination.js";
import { QUERIES, type BenchContext, type GraphQLCall } from "./queries.js";
import { API_NODE_ARGS } from "./api-process.js";
import type { JitMeter } from "./proc.js";

export const log = (line: string) => console.error(line);

/** The queries measured: those `--only` names, or every query that is not optional. */
export function benchMix(only: string[]): (typeof QUERIES)[number][] {
  return QUERIES.filter((x) => (!only.length && !x.optional) || only.includes(x.id));
}

/**
 * The environment of a benchmarked API process over `neo4jUri`: as `npm start` runs it in
 * production, with the response cache off (the API must answer from the graph, as the floor and
 * the peer do; `npm run bench:cache` measures the cache) and limits the mix stays under.
 */
export function benchApiEnv(neo4jUri: string): Record<string, string> {
  return { NEO4J_URI: neo4jUri, NODE_ENV: "production", RESPONSE_CACHE: "false", QUERY_TIMEOUT_MS: "120000", GRAPHQL_MAX_COST: "1000000", GRAPHQL_MAX_DEPTH: "20" };
}

/** Each scale's managed Neo4j: fixed Bolt ports let several benchmarks (or a benchmark and a dev server) run side by side. */
export const SCALE_NEO4J: Record<Scale, { boltPort: number; heap: string; pageCache: string }> = {
  S: { boltPort: 17691, heap: "1g", pageCache: "512m" },
  M: { boltPort: 17692, heap: "2g", pageCache: "2g" },
  L: { boltPort: 17693, heap: "4g", pageCache: "8g" },
};

/** The configuration of a scale's managed Neo4j, in .coopgraph/bench-<scale>. */
export function benchDatabaseConfig(scale: Scale, boltPort = SCALE_NEO4J[scale].boltPort) {
  const { heap, pageCache } = SCALE_NEO4J[scale];
  return loadDatabaseConfig({
    COOPGRAPH_DATA_DIR: path.join(PROJECT_ROOT, ".coopgraph", `bench-${scale.toLowerCase()}`),
    NEO4J_BOLT_PORT: String(boltPort), NEO4J_HEAP: heap, NEO4J_PAGECACHE: pageCache, NEO4J_TX_TIMEOUT: "600s",
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when the child has exited, or after 15 s. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    setTimeout(resolve, 15_000).unref();
  });
}

/** `script` runs under tsx, except the API's compiled entry point (dist/), which runs as `npm start` runs it. */
export async function startProcess(script: string, env: Record<string, string>, ready: RegExp, children: ChildProcess[]): Promise<{ child: ChildProcess; ms: number }> {
  const started = Date.now();
  // Among the children to stop from the moment it exists: a run interrupted while it starts must not orphan it.
  const child = spawn(process.execPath, script.startsWith("dist/") ? [...API_NODE_ARGS, script] : ["--import", "tsx", script], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
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
export const keepAlive = new http.Agent({ keepAlive: true });

/** The API's Server-Timing: wall time with any of its statements in flight, and its whole time until the answer was serialized. */
export interface ServerTiming { db: number; total: number }

export function serverTimingOf(header: string | string[] | undefined): ServerTiming | undefined {
  const db = /db;dur=([\d.]+)/.exec(String(header ?? ""));
  const total = /total;dur=([\d.]+)/.exec(String(header ?? ""));
  return db && total ? { db: Number(db[1]), total: Number(total[1]) } : undefined;
}

/**
 * One POST; a kept-alive socket the server closed as it was reused (its idle timeout, a race) is
 * retried, as Node's docs advise. The retry may be handed another idle socket of the pool, closed
 * too (after a pause, every one of them is): it retries while the socket was a reused one (at most
 * 64 times), and fails on a fresh socket's error.
 */
export function send(url: string, payload: string, retries = 0): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
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
      if (retries < 64 && req.reusedSocket && err.code === "ECONNRESET") {
        if (!retries) log(`${url}: a kept-alive connection was closed as it was reused; sent again`);
        send(url, payload, retries + 1).then(resolve, reject);
      }
      else reject(err);
    });
    req.end(payload);
  });
}

export async function post(url: string, call: GraphQLCall): Promise<{ data: any; queries: number; timing?: ServerTiming }> {
  const { status, text, headers } = await send(url, JSON.stringify(call));
  if (!String(headers["content-type"] ?? "").includes("json")) throw new Error(`${url}: HTTP ${status}, not JSON: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { data?: unknown; errors?: unknown[] };
  if (body.errors?.length) throw new Error(`${url}: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return { data: body.data, queries: Number(headers["x-coopgraph-queries"] ?? 0), timing: serverTimingOf(headers["server-timing"]) };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The median of unsorted values, to 2 decimals; null for none. */
export function median(values: number[]): number | null {
  return values.length ? +percentile([...values].sort((a, b) => a - b), 50).toFixed(2) : null;
}

/** Requests in flight in a throughput round (autocannon's connections, the floor's sessions) and in the warm-up. */
export const CONCURRENCY = 16;

/**
 * A warm-up round's length (a round then waits for the calls in flight: at L, where the peer's
 * take up to 1.6 s, rounds took about 7 s), and the JIT's share of one core below which a round is quiet; two quiet rounds in a
 * row end the warm-up.
 */
const WARMUP_ROUND_MS = 3000;
const JIT_QUIET_SHARE = 0.03;
const QUIET_ROUNDS = 2;

export interface WarmUp { seconds: number; settled: boolean; rounds: number; jitShareLastRound: number | null }

/**
 * Runs every call of the mix round-robin at the throughput rounds' concurrency, in rounds of about 3 s,
 * until Neo4j's JIT compilers used less than 3 % of a core in two rounds in a row (one quiet round
 * can be luck), or `maxSeconds` have passed. Measured cold, a
 * 2-s throughput round at M had the compilers take a third of the machine's CPU and charged it to the
 * requests of that round; a server that has run for a while has compiled its hot code once.
 */
export async function warmUp(calls: (() => Promise<unknown>)[], jit: JitMeter, maxSeconds: number): Promise<WarmUp> {
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
export async function untilDeadline(deadline: number, call: () => Promise<unknown>): Promise<number> {
  let done = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < deadline) {
      await call();
      done += 1;
    }
  }));
  return done;
}

export async function floorThroughput(run: () => Promise<unknown>, seconds: number): Promise<Round> {
  const done = await untilDeadline(Date.now() + seconds * 1000, run);
  return { rps: done / seconds, sent: done };
}

/**
 * Waits until Neo4j runs nothing but this check, after a throughput round: autocannon returns when
 * its time is up, but the requests it abandons keep running in Neo4j (the peer's 16 at L for 10-26 s),
 * and would load the next round and the next query's latency samples. What still runs after
 * `graceMs` is ended (only statements older than that: the API's own short reads finish first).
 */
export async function settleNeo4j(driver: Driver, graceMs = 1000): Promise<number> {
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
export interface Round { rps: number; sent: number }

export async function httpThroughput(url: string, call: GraphQLCall, seconds: number): Promise<Round> {
  const result = await autocannon({
    url, connections: CONCURRENCY, duration: seconds, method: "POST",
    headers: { "content-type": "application/json" }, body: JSON.stringify(call),
  });
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors under load`);
  return { rps: result.requests.average, sent: result.requests.sent };
}

export async function benchContext(db: Database, sample: { hubOrganization: string; country: string; theme: string; midActors: [string, string]; region: string }): Promise<BenchContext> {
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
    deepCursor: encodeCursor([String(last!.key), String(last!.id)], sortScope("START_DATE", "ASC")), searchText: "fiscalia general",
  };
}

/** Times every floor candidate a few times and keeps the fastest (its index is reported). */
export async function fastestFloor(q: (typeof QUERIES)[number], driver: Driver, ctx: BenchContext) {
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

/**
 * Whether every given floor candidate returns the API's (normalized) answer; each that does not is
 * logged with both answers. With the tallies' floor fastest, the walk is what checks them.
 */
export async function floorCandidatesAgree(
  q: (typeof QUERIES)[number], candidates: ((driver: Driver, ctx: BenchContext) => Promise<unknown>)[],
  driver: Driver, ctx: BenchContext, api: unknown, label: string,
): Promise<boolean> {
  let agree = true;
  for (const candidate of candidates) {
    const floor = q.normalize.floor(await candidate(driver, ctx));
    if (isDeepStrictEqual(floor, api)) continue;
    agree = false;
    log(`${label}: the API and a floor candidate disagree:\n  api: ${JSON.stringify(api).slice(0, 400)}\n  floor: ${JSON.stringify(floor).slice(0, 400)}`);
  }
  return agree;
}
