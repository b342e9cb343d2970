/// <reference lib="webworker" />
/** ForceAtlas2 (graphology's implementation) off the main thread: positions in, positions out. */
import Graph from "graphology";
import forceAtlas2 from "graphology-layout-forceatlas2";

export interface LayoutRequest {
  id: number;
  /** x, y per node, in the order of `fixed`. */
  positions: Float32Array;
  fixed: Uint8Array;
  /** Pairs of node indices. */
  edges: Uint32Array;
  iterations: number;
}

export interface LayoutAnswer { id: number; positions: Float32Array; ms: number }

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const { id, positions, fixed, edges, iterations } = event.data;
  const started = performance.now();
  const graph = new Graph({ type: "undirected", multi: false });
  const order = fixed.length;
  for (let i = 0; i < order; i++) graph.addNode(i, { x: positions[2 * i], y: positions[2 * i + 1], fixed: fixed[i] === 1 });
  for (let e = 0; e < edges.length; e += 2) {
    if (edges[e] !== edges[e + 1]) graph.mergeEdge(edges[e], edges[e + 1]);
  }
  const settings = { ...forceAtlas2.inferSettings(graph), barnesHutOptimize: order > 300, adjustSizes: false };
  forceAtlas2.assign(graph, { iterations, settings });
  const out = new Float32Array(order * 2);
  graph.forEachNode((node, attrs) => {
    const i = Number(node);
    out[2 * i] = attrs.x as number;
    out[2 * i + 1] = attrs.y as number;
  });
  const answer: LayoutAnswer = { id, positions: out, ms: performance.now() - started };
  (self as unknown as Worker).postMessage(answer, [out.buffer]);
};
