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
import { startServer } from "../src/http/server.js";
import { ensureWebBuild } from "../src/web/web-assets.js";
import { launchBrowser } from "../test/support/browser.js";

const NODES = 2000;
const EDGES = 10_000;
const RUNS = 3;
const INTERACTION_SECONDS = 3;
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
  const db = new Database(neo4j.driver("bolt://127.0.0.1:9", undefined, { connectionTimeout: 500 }), undefined);
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
    await page.waitForFunction("window.__coopgraph && window.__coopgraph.debug.ready === true", undefined, { timeout: 30_000 });
    await page.waitForTimeout(1000);
    const firstLoad = new Map(scripts);

    const graph = syntheticGraph();
    const runs: { layoutMs: number; drawMs: number; totalMs: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      runs.push(await page.evaluate(`window.__coopgraph.injectGraph(${JSON.stringify(graph.nodes)}, ${JSON.stringify(graph.edges)})`));
      console.log(`run ${run + 1}: layout ${runs[run].layoutMs.toFixed(0)} ms, draw ${runs[run].drawMs.toFixed(0)} ms`);
    }
    const iterations = await page.evaluate(`window.__coopgraph.iterationsFor(${NODES})`);

    // Interaction as a person does it: drag to pan, wheel to zoom, move to hover, for a few seconds
    // each; sigma draws in animation frames, and every frame it draws is counted. (Strings, not
    // functions, go to the page: tsx's helpers do not exist there.)
    await page.evaluate(`(() => { window.__frames = 0; const tick = () => { window.__frames++; requestAnimationFrame(tick); }; requestAnimationFrame(tick); })()`);
    const box = (await page.locator("#graph").boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const frames = () => page.evaluate("window.__frames") as Promise<number>;
    async function measure(seconds: number, act: (t: number) => Promise<void>) {
      const before = await frames();
      const started = Date.now();
      let t = 0;
      while (Date.now() - started < seconds * 1000) await act(t++);
      await page.waitForTimeout(50);
      return Math.round((((await frames()) - before) * 1000 / (Date.now() - started)) * 10) / 10;
    }
    // The drag starts in the stage's empty margin: on a node it would move the node, not the camera.
    await page.mouse.move(box.x + 8, box.y + box.height - 8);
    await page.mouse.down();
    const panFps = await measure(INTERACTION_SECONDS, (t) => page.mouse.move(box.x + 8 + 150 * Math.abs(Math.sin(t / 10)), box.y + box.height - 8 - 100 * Math.abs(Math.cos(t / 13))));
    await page.mouse.up();
    const zoomFps = await measure(INTERACTION_SECONDS, async (t) => {
      await page.mouse.wheel(0, t % 20 < 10 ? -60 : 60);
      await page.waitForTimeout(16);
    });
    const hoverFps = await measure(INTERACTION_SECONDS, (t) => page.mouse.move(cx + 300 * Math.sin(t / 15), cy + 200 * Math.cos(t / 11)));
    const interaction = { panFps, zoomFps, hoverFps };
    console.log(interaction);
    fs.mkdirSync(path.join(PROJECT_ROOT, "bench", "results"), { recursive: true });
    await page.screenshot({ path: path.join(PROJECT_ROOT, "bench", "results", "web-2000.png") });

    const jsGzipBytes = [...firstLoad.values()].reduce((a, b) => a + b, 0);
    const worker = [...scripts.entries()].filter(([name]) => name.includes("layout.worker")).reduce((a, [, b]) => a + b, 0);
    // sigma and graphology: loaded with the first graph, not with the page.
    const drawing = [...scripts.entries()].filter(([name]) => !firstLoad.has(name) && !name.includes("layout.worker")).reduce((a, [, b]) => a + b, 0);
    const result = {
      date: new Date().toISOString(),
      machine: "2 cores, headless Chromium (@sparticuz/chromium), SwiftShader WebGL (no GPU)",
      graph: { nodes: NODES, edges: EDGES },
      layoutIterations: iterations,
      layoutMs: Math.round(median(runs.map((r) => r.layoutMs))),
      drawMs: Math.round(median(runs.map((r) => r.drawMs))),
      layoutPlusDrawMs: Math.round(median(runs.map((r) => r.totalMs))),
      runs: runs.map((r) => ({ layoutMs: Math.round(r.layoutMs), drawMs: Math.round(r.drawMs), totalMs: Math.round(r.totalMs) })),
      interactionFps: { ...interaction, seconds: INTERACTION_SECONDS, note: "animation frames the page got per second while dragging the stage, wheeling, hovering (a frame in which sigma redraws 10,000 edges in software WebGL delays the next); above 2,000 edges, edges are hidden while the camera moves" },
      exploreFirstLoadJs: { gzipBytes: jsGzipBytes, files: Object.fromEntries(firstLoad) },
      layoutWorkerGzipBytes: worker,
      drawingGzipBytes: drawing,
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
