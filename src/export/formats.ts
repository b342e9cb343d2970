/**
 * GraphML, GEXF (both open in Gephi) and CSV, as text: each part of a network file from its nodes
 * and edges, with no stream and no Node.js API, so that the server's export (writers.ts) and the
 * explorer's export of what it draws (web/explore/export.ts) write the same files.
 */

export type ExportFormat = "graphml" | "gexf" | "csv-nodes" | "csv-edges";

export interface NetworkNode {
  id: string; label: string; kind: string; country: string | null; startYear: number | null;
  /** Where the explorer drew it, and in what colour ("#rrggbb"): GEXF carries them to Gephi (viz:position, viz:color). */
  position?: { x: number; y: number }; color?: string;
}
export interface NetworkEdge { id: string; source: string; target: string; type: string; role: string | null; weight: number }

/** The text of each part of a file, in the order written: begin, every node, nodesDone, every edge, end. */
export interface NetworkFormat {
  /** `directed`: participations go from an actor to a project; co-participation has no direction. */
  begin(graph: { directed: boolean }): string;
  node(node: NetworkNode): string;
  nodesDone: string;
  edge(edge: NetworkEdge, graph: { directed: boolean }): string;
  end: string;
}

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

/** GEXF's viz:color from "#rrggbb" (anything else gives none). */
function vizColor(color: string | undefined): string {
  const match = color ? /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color) : null;
  return match ? `<viz:color r="${parseInt(match[1]!, 16)}" g="${parseInt(match[2]!, 16)}" b="${parseInt(match[3]!, 16)}"/>` : "";
}

const round = (value: number) => Math.round(value * 1000) / 1000;

export const FORMATS: Record<ExportFormat, NetworkFormat> = {
  graphml: {
    begin: ({ directed }) => `<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="label" for="node" attr.name="label" attr.type="string"/>
  <key id="kind" for="node" attr.name="kind" attr.type="string"/>
  <key id="country" for="node" attr.name="country" attr.type="string"/>
  <key id="startYear" for="node" attr.name="startYear" attr.type="int"/>
  <key id="type" for="edge" attr.name="type" attr.type="string"/>
  <key id="role" for="edge" attr.name="role" attr.type="string"/>
  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>
  <graph id="coopgraph" edgedefault="${directed ? "directed" : "undirected"}">
`,
    node: (n) => `    <node id="${xmlEscape(n.id)}"><data key="label">${xmlEscape(n.label)}</data><data key="kind">${n.kind}</data>` +
      `${n.country ? `<data key="country">${xmlEscape(n.country)}</data>` : ""}${n.startYear !== null ? `<data key="startYear">${n.startYear}</data>` : ""}</node>\n`,
    nodesDone: "",
    edge: (e) => `    <edge id="${xmlEscape(e.id)}" source="${xmlEscape(e.source)}" target="${xmlEscape(e.target)}"><data key="type">${e.type}</data>` +
      `${e.role ? `<data key="role">${xmlEscape(e.role)}</data>` : ""}<data key="weight">${e.weight}</data></edge>\n`,
    end: "  </graph>\n</graphml>\n",
  },
  gexf: {
    begin: ({ directed }) => `<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">
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
`,
    node: (n) => `      <node id="${xmlEscape(n.id)}" label="${xmlEscape(n.label)}"><attvalues><attvalue for="kind" value="${n.kind}"/>` +
      `${n.country ? `<attvalue for="country" value="${xmlEscape(n.country)}"/>` : ""}${n.startYear !== null ? `<attvalue for="startYear" value="${n.startYear}"/>` : ""}</attvalues>` +
      `${n.position ? `<viz:position x="${round(n.position.x)}" y="${round(n.position.y)}" z="0"/>` : ""}${vizColor(n.color)}</node>\n`,
    nodesDone: "    </nodes>\n    <edges>\n",
    edge: (e) => `      <edge id="${xmlEscape(e.id)}" source="${xmlEscape(e.source)}" target="${xmlEscape(e.target)}" weight="${e.weight}"><attvalues>` +
      `<attvalue for="type" value="${e.type}"/>${e.role ? `<attvalue for="role" value="${xmlEscape(e.role)}"/>` : ""}</attvalues></edge>\n`,
    end: "    </edges>\n  </graph>\n</gexf>\n",
  },
  "csv-nodes": {
    begin: () => "id,label,kind,country,startYear\n",
    node: (n) => [n.id, n.label, n.kind, n.country, n.startYear].map(csvCell).join(",") + "\n",
    nodesDone: "", edge: () => "", end: "",
  },
  // Gephi's edge table reads "Type" as the edge's direction (Directed or Undirected) and "Label" as
  // its label: the relationship type goes in label, never in type.
  "csv-edges": {
    begin: () => "source,target,type,label,role,weight\n",
    node: () => "", nodesDone: "",
    edge: (e, { directed }) => [e.source, e.target, directed ? "Directed" : "Undirected", e.type, e.role, e.weight].map(csvCell).join(",") + "\n",
    end: "",
  },
};

/** A whole file at once, for a network already in memory (the explorer's view). */
export function networkFile(format: ExportFormat, graph: { directed: boolean }, nodes: NetworkNode[], edges: NetworkEdge[]): string {
  const f = FORMATS[format];
  return [f.begin(graph), ...nodes.map((n) => f.node(n)), f.nodesDone, ...edges.map((e) => f.edge(e, graph)), f.end].join("");
}
