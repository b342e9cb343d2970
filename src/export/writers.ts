/** GraphML, GEXF (both open in Gephi) and CSV writers over a NetworkSink, writing as they go (the text of each part: formats.ts). */
import { once } from "node:events";
import type { Writable } from "node:stream";
import { FORMATS, type ExportFormat } from "./formats.js";
import type { NetworkSink } from "./network.js";

export type { ExportFormat } from "./formats.js";

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  graphml: "application/graphml+xml; charset=utf-8",
  gexf: "application/gexf+xml; charset=utf-8",
  "csv-nodes": "text/csv; charset=utf-8",
  "csv-edges": "text/csv; charset=utf-8",
};

/**
 * Writes with backpressure: waits for 'drain' when the destination's buffer is full. `once` from
 * node:events removes its listeners whichever way the wait ends, and `signal` ends it when the
 * client has gone away (no drain would ever come). A part with no text (a CSV of nodes has no edges) writes nothing.
 */
function writer(out: Writable, signal?: AbortSignal) {
  return async (chunk: string) => {
    if (chunk && !out.write(chunk)) await once(out, "drain", { signal });
  };
}

export function createSink(format: ExportFormat, out: Writable, signal?: AbortSignal): NetworkSink {
  const write = writer(out, signal);
  const f = FORMATS[format];
  let shape = { directed: true };
  return {
    begin: (graph) => {
      shape = graph;
      return write(f.begin(graph));
    },
    node: (node) => write(f.node(node)),
    nodesDone: () => write(f.nodesDone),
    edge: (edge) => write(f.edge(edge, shape)),
    end: () => write(f.end),
  };
}
