/**
 * `npm run bench:web`: the explorer in headless Chromium with a synthetic 2,000-node, 10,000-edge
 * neighbourhood injected into the page. Measures layout (ForceAtlas2 in the web worker) + first
 * draw, frames per second while panning and zooming, and the gzip size of the JavaScript that
 * /explore loads first. The API runs for real but over an unreachable database: the page's own
 * queries fail quietly and nothing here needs Neo4j. Figures go to bench/results/web.json.
 */
import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import neo4j from "neo4j-driver";
import { loadServerConfig, PROJECT_ROOT } from "../src/config/config.js";
import { Database } from "../src/db/database.js";
import { startServer } from "../src/graphql/server.js";
import { ensureWebBuild } from "../src/web/web-assets.js";
import { launchBrowser } from "../test/support/browser.js";

const NODES = 2000;
const EDGES = 10_000;
const RUNS = 3;
const INTERACTION_MS = 4000;
const KINDS = ["Agency", "Organization", "Person", "Group", "Project", "Event", "Country", "Theme"];

/** Deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A hub-heavy network like the real one: edges attach preferentially to well-connected nodes. */
function syntheticGraph() {
  const rand = random(42);
  const nodes = Array.from({ length: NODES }, (_, i) => ({ id: `n${i}`, kind: KINDS[i % KINDS.length], label: `Entity ${i}` }));
  const ends: number[] = [0, 1];
  const seen = new Set<string>();
  const edges: { key: string; source: string; target: string; type: string; role: string | null }[] = [];
  for (let i = 1; edges.length < EDGES; i = (i % (NODES - 1)) + 1) {
    const source = i < NODES && edges.length < NODES - 1 ? i : Math.floor(rand() * NODES);
    const target = rand() < 0.7 ? ends[Math.floor(rand() * ends.length)] : Math.floor(rand() * NODES);
    const key = `n${source}|PARTICIPATES_IN|n${target}`;
    if (source === target || seen.has(key)) continue;
    seen.add(key);
    edges.push({ key, source: `n${source}`, target: `n${target}`, type: "PARTICIPATES_IN", role: "partner" });
    ends.push(source, target);
  }
  return { nodes, edges };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  await ensureWebBuild((line) => console.log(line));
  const db = new Database(neo4j.driver("bolt://127.0.0.1:9", undefined, { connectionTimeout: 500, maxConnectionLifetime: 1000 }));
  const server = await startServer(db, { ...loadServerConfig({}), port: 0, host: "127.0.0.1" });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    const scripts = new Map<string, number>();
    page.on("response", async (response) => {
      const url = response.url();
      if (/\/assets\/.+\.js$/.test(url)) scripts.set(new URL(url).pathname, zlib.gzipSync(await response.body(), { level: 9 }).length);
    });
    await page.goto(`${server.url}explore/`);
    await page.waitForFunction(() => (window as any).__coopgraph?.debug.ready === true, undefined, { timeout: 30_000 });
    await page.waitForLoadState("networkidle");
    const firstLoad = new Map(scripts);

    const graph = syntheticGraph();
    const runs: { layoutMs: number; drawMs: number; totalMs: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      runs.push(await page.evaluate(({ nodes, edges }) => (window as any).__coopgraph.injectGraph(nodes, edges), graph));
      console.log(`run ${run + 1}: layout ${runs[run].layoutMs.toFixed(0)} ms, draw ${runs[run].drawMs.toFixed(0)} ms`);
    }
    const iterations = await page.evaluate((n) => (window as any).__coopgraph.iterationsFor?.(n) ?? null, NODES);

    // Pan and zoom the camera every animation frame; count the frames sigma actually renders.
    const interaction = await page.evaluate(async (ms) => {
      const renderer = (window as any).__coopgraph.renderer;
      const camera = renderer.getCamera();
      let frames = 0;
      const frameTimes: number[] = [];
      let last = performance.now();
      const onRender = () => {
        frames++;
        const now = performance.now();
        frameTimes.push(now - last);
        last = now;
      };
      renderer.on("afterRender", onRender);
      const start = performance.now();
      await new Promise<void>((resolve) => {
        const step = (now: number) => {
          const t = (now - start) / 1000;
          camera.setState({ x: 0.5 + 0.2 * Math.sin(t * 2), y: 0.5 + 0.2 * Math.cos(t * 1.5), ratio: 0.6 + 0.4 * Math.sin(t * 3) });
          if (now - start < ms) requestAnimationFrame(step);
          else resolve();
        };
        requestAnimationFrame(step);
      });
      renderer.off("afterRender", onRender);
      const elapsed = performance.now() - start;
      frameTimes.sort((a, b) => a - b);
      return { fps: (frames * 1000) / elapsed, frames, p95FrameMs: frameTimes[Math.floor(frameTimes.length * 0.95)] ?? null };
    }, INTERACTION_MS);

    // Hover: move the mouse across the canvas; sigma picks the node under it each move.
    const box = (await page.locator("#graph").boundingBox())!;
    const hoverStart = Date.now();
    let moves = 0;
    while (Date.now() - hoverStart < 2000) {
      const t = moves / 60;
      await page.mouse.move(box.x + box.width * (0.5 + 0.4 * Math.sin(t)), box.y + box.height * (0.5 + 0.4 * Math.cos(t * 1.3)));
      moves++;
    }
    const hoverMovesPerSecond = (moves * 1000) / (Date.now() - hoverStart);
    fs.mkdirSync(path.join(PROJECT_ROOT, "bench", "results"), { recursive: true });
    await page.screenshot({ path: path.join(PROJECT_ROOT, "bench", "results", "web-2000.png") });

    const jsGzipBytes = [...firstLoad.values()].reduce((a, b) => a + b, 0);
    const worker = [...scripts.entries()].filter(([name]) => name.includes("layout.worker")).reduce((a, [, b]) => a + b, 0);
    const result = {
      date: new Date().toISOString(),
      machine: "2 cores, headless Chromium (@sparticuz/chromium), SwiftShader WebGL (no GPU)",
      graph: { nodes: NODES, edges: EDGES },
      layoutIterations: iterations,
      layoutMs: Math.round(median(runs.map((r) => r.layoutMs))),
      drawMs: Math.round(median(runs.map((r) => r.drawMs))),
      layoutPlusDrawMs: Math.round(median(runs.map((r) => r.totalMs))),
      runs: runs.map((r) => ({ layoutMs: Math.round(r.layoutMs), drawMs: Math.round(r.drawMs), totalMs: Math.round(r.totalMs) })),
      panZoom: { fps: Math.round(interaction.fps * 10) / 10, frames: interaction.frames, p95FrameMs: interaction.p95FrameMs && Math.round(interaction.p95FrameMs), seconds: INTERACTION_MS / 1000 },
      hoverMovesPerSecond: Math.round(hoverMovesPerSecond),
      exploreFirstLoadJs: { gzipBytes: jsGzipBytes, files: Object.fromEntries(firstLoad) },
      layoutWorkerGzipBytes: worker,
    };
    fs.writeFileSync(path.join(PROJECT_ROOT, "bench", "results", "web.json"), JSON.stringify(result, null, 2) + "\n");
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await browser.close();
    await server.close();
    await db.close().catch(() => {});
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
