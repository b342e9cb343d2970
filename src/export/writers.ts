/** GraphML, GEXF (both open in Gephi) and CSV writers over a NetworkSink, writing as they go. */
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { NetworkEdge, NetworkNode, NetworkSink } from "./network.js";

export type ExportFormat = "graphml" | "gexf" | "csv-nodes" | "csv-edges";

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  graphml: "application/graphml+xml; charset=utf-8",
  gexf: "application/gexf+xml; charset=utf-8",
  "csv-nodes": "text/csv; charset=utf-8",
  "csv-edges": "text/csv; charset=utf-8",
};

function xmlEscape(value: unknown): string {
  return String(value ?? "").replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "\"": "&quot;", "'": "&apos;" })[c]!)
    // Characters XML 1.0 forbids.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "");
}

/** Text a spreadsheet would run as a formula ("CSV injection"); OWASP's advice: prefix a quote. */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, "\"\"")}"` : text;
}

/**
 * Writes with backpressure: waits for 'drain' when the destination's buffer is full. `once` from
 * node:events removes its listeners whichever way the wait ends, and `signal` ends it when the
 * client has gone away (no drain would ever come).
 */
function writer(out: Writable, signal?: AbortSignal) {
  return async (chunk: string) => {
    if (!out.write(chunk)) await once(out, "drain", { signal });
  };
}

export function createSink(format: ExportFormat, out: Writable, signal?: AbortSignal): NetworkSink {
  const write = writer(out, signal);
  const noop = async () => {};
  switch (format) {
    case "graphml":
      return {
        begin: ({ directed }) => write(`<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="label" for="node" attr.name="label" attr.type="string"/>
  <key id="kind" for="node" attr.name="kind" attr.type="string"/>
  <key id="country" for="node" attr.name="country" attr.type="string"/>
  <key id="startYear" for="node" attr.name="startYear" attr.type="int"/>
  <key id="type" for="edge" attr.name="type" attr.type="string"/>
  <key id="role" for="edge" attr.name="role" attr.type="string"/>
  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>
  <graph id="coopgraph" edgedefault="${directed ? "directed" : "undirected"}">
`),
        node: (n: NetworkNode) => write(`    <node id="${xmlEscape(n.id)}"><data key="label">${xmlEscape(n.label)}</data><data key="kind">${n.kind}</data>` +
          `${n.country ? `<data key="country">${xmlEscape(n.country)}</data>` : ""}${n.startYear !== null ? `<data key="startYear">${n.startYear}</data>` : ""}</node>\n`),
        nodesDone: noop,
        edge: (e: NetworkEdge) => write(`    <edge id="${xmlEscape(e.id)}" source="${xmlEscape(e.source)}" target="${xmlEscape(e.target)}"><data key="type">${e.type}</data>` +
          `${e.role ? `<data key="role">${xmlEscape(e.role)}</data>` : ""}<data key="weight">${e.weight}</data></edge>\n`),
        end: () => write("  </graph>\n</graphml>\n"),
      };
    case "gexf":
      return {
        begin: ({ directed }) => write(`<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" version="1.3">
  <meta><creator>coopgraph</creator></meta>
  <graph defaultedgetype="${directed ? "directed" : "undirected"}" mode="static">
    <attributes class="node">
      <attribute id="kind" title="kind" type="string"/>
      <attribute id="country" title="country" type="string"/>
      <attribute id="startYear" title="startYear" type="integer"/>
    </attributes>
    <attributes class="edge">
      <attribute id="type" title="type" type="string"/>
      <attribute id="role" title="role" type="string"/>
    </attributes>
    <nodes>
`),
        node: (n: NetworkNode) => write(`      <node id="${xmlEscape(n.id)}" label="${xmlEscape(n.label)}"><attvalues><attvalue for="kind" value="${n.kind}"/>` +
          `${n.country ? `<attvalue for="country" value="${xmlEscape(n.country)}"/>` : ""}${n.startYear !== null ? `<attvalue for="startYear" value="${n.startYear}"/>` : ""}</attvalues></node>\n`),
        nodesDone: () => write("    </nodes>\n    <edges>\n"),
        edge: (e: NetworkEdge) => write(`      <edge id="${xmlEscape(e.id)}" source="${xmlEscape(e.source)}" target="${xmlEscape(e.target)}" weight="${e.weight}"><attvalues>` +
          `<attvalue for="type" value="${e.type}"/>${e.role ? `<attvalue for="role" value="${xmlEscape(e.role)}"/>` : ""}</attvalues></edge>\n`),
        end: () => write("    </edges>\n  </graph>\n</gexf>\n"),
      };
    case "csv-nodes":
      return {
        begin: () => write("id,label,kind,country,startYear\n"),
        node: (n: NetworkNode) => write([n.id, n.label, n.kind, n.country, n.startYear].map(csvCell).join(",") + "\n"),
        nodesDone: noop, edge: noop, end: noop,
      };
    case "csv-edges": {
      // Gephi's edge table reads "Type" as the edge's direction (Directed or Undirected) and "Label"
      // as its label: the relationship type goes in label, never in type.
      let direction = "Directed";
      return {
        begin: ({ directed }) => {
          direction = directed ? "Directed" : "Undirected";
          return write("source,target,type,label,role,weight\n");
        },
        node: noop, nodesDone: noop,
        edge: (e: NetworkEdge) => write([e.source, e.target, direction, e.type, e.role, e.weight].map(csvCell).join(",") + "\n"),
        end: noop,
      };
    }
  }
}
