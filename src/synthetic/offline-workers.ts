/**
 * The offline import's CSV generation over worker threads (Node's own `worker_threads`, no pool
 * library: a fixed set of long-lived workers, each holding a copy of the image, is all it needs;
 * a task pool such as piscina would send the image with every task or need its own setup hook).
 * The main thread runs the documents' generator and `GraphImage.admit`'s checks (it sees every
 * document, so the refusals are those of one thread), and posts each project document to the
 * worker with the fewest in flight; each worker streams its documents to CSV files of its own
 * (`GraphImage.stream`), its new nodes taking every n-th index, and at the end sends back its files,
 * empty lists and tallies, which the main image adds up (`GraphImage.absorb`).
 */
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { GraphDocument } from "../ingest/graph-writer.js";
import type { GraphImage, ImageSnapshot, StreamedPart } from "./offline-import.js";

/** What the main thread sends a worker at its start. */
export interface WorkerSetup {
  snapshot: ImageSnapshot;
  dir: string;
  part: number;
  parts: number;
}

export type ToWorker = { doc: GraphDocument } | { end: true };
export type FromWorker = { streamed: { nodes: number; relationships: number } } | { finished: StreamedPart };

/** Documents posted ahead to each worker, so it never waits for the generator. */
const IN_FLIGHT = 2;

/** Workers to use by default: one per core (the main thread's generator is the lighter load), at most 4. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/**
 * Starts the worker script: compiled (dist/), it is JavaScript; under tsx or vitest it is
 * TypeScript, which a worker cannot load before a loader is registered in it (Node 20), so a
 * small module registers tsx's loader first and then imports the worker.
 */
function startWorker(setup: WorkerSetup): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./offline-worker.js", here), { workerData: setup });
  let api: string;
  try {
    api = import.meta.resolve("tsx/esm/api");
  } catch {
    api = pathToFileURL(createRequire(here).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
  }
  const target = new URL("./offline-worker.ts", here).href;
  const boot = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(target)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: setup });
}

interface Running {
  worker: Worker;
  inFlight: number;
  finished: Promise<StreamedPart>;
}

/**
 * Streams `docs` (project documents, self-contained: `GraphImage.stream`) through `workers`
 * threads into CSV files under `dir` (the image's `openCsv(dir)` first), and adds their results to
 * `image`. Returns the nodes and relationships the documents wrote, as `stream` counts them.
 */
export async function streamInWorkers(image: GraphImage, docs: Iterable<GraphDocument>, dir: string, workers = defaultWorkers(),
  progress: (summary: { nodes: number; relationships: number }) => void = () => {}): Promise<{ nodes: number; relationships: number }> {
  const snapshot = image.snapshot();
  const total = { nodes: 0, relationships: 0 };
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const running: Running[] = [];
  try {
    for (let part = 0; part < workers; part++) {
      const worker = startWorker({ snapshot, dir: path.join(dir, `part-${part}`), part, parts: workers });
      const entry: Running = { worker, inFlight: 0, finished: undefined as unknown as Promise<StreamedPart> };
      entry.finished = new Promise<StreamedPart>((resolve, reject) => {
        worker.on("message", (m: FromWorker) => {
          if ("streamed" in m) {
            entry.inFlight -= 1;
            total.nodes += m.streamed.nodes;
            total.relationships += m.streamed.relationships;
            progress(m.streamed);
            wake?.();
          } else resolve(m.finished);
        });
        const fail = (err: Error) => {
          failure ??= err;
          wake?.();
          reject(err);
        };
        worker.once("error", fail);
        // A worker that dies without an error event must stop the loop too, or documents go to a dead thread.
        worker.once("exit", (code) => fail(new Error(`offline import: a CSV worker exited (code ${code}) before it finished`)));
      });
      // Its rejection is read by the awaits below; this keeps an early one from going unhandled.
      entry.finished.catch(() => {});
      running.push(entry);
    }
    for (const doc of docs) {
      image.admit(doc);
      for (;;) {
        if (failure) throw failure;
        const free = running.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
        if (free.inFlight < IN_FLIGHT) {
          free.inFlight += 1;
          free.worker.postMessage({ doc } satisfies ToWorker);
          break;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
    for (const r of running) r.worker.postMessage({ end: true } satisfies ToWorker);
    for (const part of await Promise.all(running.map((r) => r.finished))) image.absorb(part);
  } finally {
    await Promise.all(running.map((r) => r.worker.terminate()));
  }
  return total;
}
