/**
 * Layout: every node starts where a hash of its id puts it (so the same graph always starts the same
 * way), pinned nodes stay where they were pinned, and ForceAtlas2 runs a fixed number of iterations
 * in a web worker. Same graph and pins in, same picture out: a shared URL shows what its sender saw.
 */
import type { LayoutAnswer, LayoutRequest } from "./layout.worker";

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, (answer: LayoutAnswer) => void>();

function layoutWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<LayoutAnswer>) => {
      pending.get(event.data.id)?.(event.data);
      pending.delete(event.data.id);
    };
  }
  return worker;
}

/** FNV-1a: a stable number per id. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function seedPosition(id: string): [number, number] {
  const h = hash(id);
  const angle = ((h & 0xffff) / 0xffff) * 2 * Math.PI;
  const radius = 10 + ((h >>> 16) / 0xffff) * 90;
  return [Math.cos(angle) * radius, Math.sin(angle) * radius];
}

/** Iterations: enough to settle small views, bounded for large ones (measured in bench/web.ts). */
export function iterationsFor(order: number): number {
  if (order <= 50) return 400;
  if (order <= 500) return 200;
  return 80;
}

export interface LayoutResult { positions: Map<string, [number, number]>; ms: number }

export function layout(ids: string[], edges: [string, string][], pinned: Record<string, [number, number]>): Promise<LayoutResult> {
  const index = new Map(ids.map((id, i) => [id, i]));
  const positions = new Float32Array(ids.length * 2);
  const fixed = new Uint8Array(ids.length);
  ids.forEach((id, i) => {
    const [x, y] = pinned[id] ?? seedPosition(id);
    positions[2 * i] = x;
    positions[2 * i + 1] = y;
    fixed[i] = pinned[id] ? 1 : 0;
  });
  const pairs = new Uint32Array(edges.length * 2);
  let n = 0;
  for (const [source, target] of edges) {
    const s = index.get(source);
    const t = index.get(target);
    if (s === undefined || t === undefined) continue;
    pairs[n++] = s;
    pairs[n++] = t;
  }
  const request: LayoutRequest = { id: nextId++, positions, fixed, edges: pairs.subarray(0, n), iterations: iterationsFor(ids.length) };
  return new Promise((resolve) => {
    pending.set(request.id, (answer) => {
      const result = new Map<string, [number, number]>();
      ids.forEach((id, i) => result.set(id, [answer.positions[2 * i], answer.positions[2 * i + 1]]));
      resolve({ positions: result, ms: answer.ms });
    });
    layoutWorker().postMessage(request, [positions.buffer, fixed.buffer]);
  });
}
