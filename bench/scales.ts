/**
 * `npm run bench:scales -- [--scales S,L] [--samples 40] [--block 1] [--only Q1,Q3] [--warmup 240] [--save-as scales]`
 *
 * How each query's latency grows with the graph, measured in one stretch of time. `npm run bench`
 * measures one scale per run, and this machine's speed drifts by up to 2x between half hours, so
 * dividing an L run by an S run taken earlier mixes the graph's growth with the machine's. Here the
 * scales' managed Neo4j instances (each graph built by `npm run bench -- --scale X`) and an API on
 * each run side by side, and every latency sample round goes through all of them (a block of
 * `--block` samples of the API, then of the floor, at each scale, in an order reversed every
 * round), at concurrency 1: the ratios between scales come from samples taken seconds apart.
 * Prints a table and writes bench/results/scales.json (or <save-as>.json).
 */
import "reflect-metadata";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import neo4j, { type Driver } from "neo4j-driver";
import { PROJECT_ROOT } from "../src/config/config.js";
import { Database } from "../src/db/database.js";
import { startManagedNeo4j, type RunningNeo4j } from "../src/db/managed-neo4j.js";
import { planSynthetic, type Scale } from "../src/synthetic/generate.js";
import { QUERIES, type BenchContext } from "./queries.js";
import {
  benchApiEnv, benchContext, benchDatabaseConfig, benchMix, exited, fastestFloor, floorCandidatesAgree, freePort, keepAlive, log, median,
  post, startProcess, warmUp, type ServerTiming,
} from "./harness.js";
import { option } from "./args.js";
import { JitMeter } from "./proc.js";
// @ts-expect-error plain JavaScript build script, no declarations
import { build } from "../scripts/build.mjs";

const SCALES = option("scales", "S,L").toUpperCase().split(",").filter(Boolean) as Scale[];
if (SCALES.length < 2 || SCALES.some((s) => !["S", "M", "L"].includes(s))) throw new Error(`--scales takes two or more of S, M, L, got ${option("scales", "")}`);
if (new Set(SCALES).size !== SCALES.length) throw new Error(`--scales names a scale twice: ${SCALES.join(",")}`);
const SAMPLES = Number(option("samples", "40"));
if (!(Number.isInteger(SAMPLES) && SAMPLES > 0)) throw new Error(`--samples must be a whole number above 0, got ${option("samples", "")}`);
/**
 * Samples taken in a row of one side at one scale before the next (1: strict alternation). Blocks
 * of 5 were tried against the processor's caches holding the other scale's data after each switch:
 * S's Q1 stayed slower than alone (7.56 ms at 03:00 UTC, `r10-scales-block5.json`; a lone S run
 * at 03:08 took 4.67, `r10-S-q1-lone.json`).
 */
const BLOCK = Number(option("block", "1"));
if (!(Number.isInteger(BLOCK) && BLOCK > 0)) throw new Error(`--block must be a whole number above 0, got ${option("block", "")}`);
const ONLY = option("only", "").split(",").filter(Boolean);
const WARMUP_SECONDS = Number(option("warmup", "240"));
if (!(WARMUP_SECONDS >= 0)) throw new Error(`--warmup must be a number of seconds, 0 or more, got ${option("warmup", "")}`);
const SAVE_AS = option("save-as", "scales");

/** A scale's stack: its Neo4j, a driver for the floor, the API process over it, and the benchmark's context on its graph. */
interface Stack { scale: Scale; neo: RunningNeo4j; driver: Driver; api: ChildProcess; url: string; ctx: BenchContext; jit: JitMeter }

async function startStack(scale: Scale, children: ChildProcess[]): Promise<Stack> {
  const cfg = benchDatabaseConfig(scale);
  const neo = await startManagedNeo4j(cfg.managed, { mode: "attached", log });
  const driver = neo4j.driver(neo.uri, undefined, { disableLosslessIntegers: true, maxConnectionPoolSize: 64 });
  try {
    // Another run's server (`npm run bench` on the same folder) would share its samples with this one.
    if (!neo.ownedByUs) throw new Error(`the Neo4j of scale ${scale} (${cfg.managed.dataDir}) is already running: stop what uses it first`);
    const db = new Database(driver, undefined, 600_000);
    const plan = planSynthetic(scale);
    const [loaded] = await db.read("MATCH (s:Source {id: $id}) RETURN s.complete AS complete", { id: plan.sourceId });
    if (!loaded?.complete) throw new Error(`scale ${scale} has no complete graph in ${cfg.managed.dataDir}: run \`npm run bench -- --scale ${scale}\` first`);
    const ctx = await benchContext(db, plan.sample);
    const port = await freePort();
    const api = await startProcess("dist/main.js", { ...benchApiEnv(neo.uri), PORT: String(port) }, /API ready/, children);
    return { scale, neo, driver, api: api.child, url: `http://127.0.0.1:${port}/graphql`, ctx, jit: new JitMeter(neo.state.pid) };
  } catch (err) {
    // Not yet among the stacks that cleanup stops.
    await driver.close();
    if (neo.ownedByUs) await neo.stop();
    throw err;
  }
}

/** The samples at one scale: the API's and the floor's latencies, and the API's own work from its Server-Timing. */
interface Samples { api: number[]; floor: number[]; ownWork: number[] }

async function measure(q: (typeof QUERIES)[number], stacks: Stack[]) {
  // One scale at a time: timed side by side, one scale's candidates would slow the other's.
  const floors: Awaited<ReturnType<typeof fastestFloor>>[] = [];
  for (const s of stacks) floors.push(await fastestFloor(q, s.driver, s.ctx));
  const calls = stacks.flatMap((s, i) => [
    { scale: s.scale, side: "api" as const, run: () => post(s.url, q.api(s.ctx)) },
    { scale: s.scale, side: "floor" as const, run: () => floors[i]!.run(s.driver, s.ctx) },
  ]);
  // At each scale the API and every floor candidate must agree, as in `npm run bench`.
  const agree: boolean[] = [];
  for (const [i, s] of stacks.entries()) {
    const api = q.normalize.api((await post(s.url, q.api(s.ctx))).data);
    agree.push(await floorCandidatesAgree(q, [floors[i]!.run, ...floors[i]!.others], s.driver, s.ctx, api, `${q.id} at ${s.scale}`));
  }
  for (let i = 0; i < 10; i++) for (const c of calls) await c.run();
  const samples = new Map<Scale, Samples>(stacks.map((s) => [s.scale, { api: [], floor: [], ownWork: [] }]));
  for (let round = 0; round * BLOCK < SAMPLES; round++) {
    for (const c of round % 2 ? [...calls].reverse() : calls) for (let k = 0; k < Math.min(BLOCK, SAMPLES - round * BLOCK); k++) {
      const t = process.hrtime.bigint();
      const answer = await c.run();
      const into = samples.get(c.scale)!;
      into[c.side].push(Number(process.hrtime.bigint() - t) / 1e6);
      const timing = c.side === "api" ? (answer as { timing?: ServerTiming }).timing : undefined;
      if (timing) into.ownWork.push(timing.total - timing.db);
    }
  }
  return {
    id: q.id, title: q.title,
    scales: Object.fromEntries(stacks.map((s, i) => {
      const x = samples.get(s.scale)!;
      return [s.scale, { api: median(x.api), floor: median(x.floor), ownWork: median(x.ownWork), floorCandidate: floors[i]!.index, agree: agree[i] }];
    })),
  };
}

type Row = Awaited<ReturnType<typeof measure>>;

function table(rows: Row[]): string {
  const [first, ...others] = SCALES as [Scale, ...Scale[]];
  const ratio = (a: number | null, b: number | null) => (a && b ? (a / b).toFixed(2) : "n/a");
  const head = [
    "query", ...SCALES.map((s) => `${s} api / floor p50 ms`), ...SCALES.map((s) => `${s} own work`),
    ...others.flatMap((s) => [`api ${s}/${first}`, `floor ${s}/${first}`]), "agree",
  ];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const r of rows) {
    const at = (s: Scale) => r.scales[s]!;
    lines.push(`| ${[
      r.id, ...SCALES.map((s) => `${at(s).api} / ${at(s).floor}`), ...SCALES.map((s) => String(at(s).ownWork)),
      ...others.flatMap((s) => [ratio(at(s).api, at(first).api), ratio(at(s).floor, at(first).floor)]),
      SCALES.every((s) => at(s).agree) ? "yes" : "NO",
    ].join(" | ")} |`);
  }
  return lines.join("\n");
}

async function main() {
  build({ ifStale: true });
  const children: ChildProcess[] = [];
  const stacks: Stack[] = [];
  const cleanup = async () => {
    keepAlive.destroy();
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(children.map(exited));
    // Every stack is stopped, whatever one of them throws.
    const stopped = await Promise.allSettled(stacks.map(async (s) => {
      await s.driver.close();
      await s.neo.stop();
    }));
    for (const r of stopped) if (r.status === "rejected") log(`stopping a stack: ${String(r.reason)}`);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  try {
    // One at a time: the starts and the contexts' reads would otherwise share the two cores.
    for (const scale of SCALES) stacks.push(await startStack(scale, children));
    const mix = benchMix(ONLY);
    const warm = [];
    for (const s of WARMUP_SECONDS > 0 ? stacks : []) {
      const calls = mix.flatMap((q) => [() => post(s.url, q.api(s.ctx)), ...(q.floors ?? [q.floor]).map((f) => () => f(s.driver, s.ctx))]);
      log(`Warming up scale ${s.scale}`);
      const w = await warmUp(calls, s.jit, WARMUP_SECONDS);
      if (!w.settled) log(`Scale ${s.scale}: Neo4j's JIT compilers were still busy after ${w.seconds} s of warm-up`);
      warm.push({ scale: s.scale, ...w });
    }
    const rows: Row[] = [];
    for (const q of mix) {
      const row = await measure(q, stacks);
      log(`${q.id}: ${SCALES.map((s) => `${s} api ${row.scales[s]!.api} / floor ${row.scales[s]!.floor} ms`).join("; ")}`);
      rows.push(row);
    }
    const output = { scales: SCALES, date: new Date().toISOString(), settings: { samples: SAMPLES, block: BLOCK, warmUp: warm }, queries: rows };
    fs.writeFileSync(path.join(PROJECT_ROOT, "bench", "results", `${SAVE_AS}.json`), JSON.stringify(output, null, 2) + "\n");
    console.log(table(rows));
  } finally {
    await cleanup();
  }
}

await main();
