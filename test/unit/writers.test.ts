/** The export writers on hand-made networks: well-formed XML, exact CSV, and no spreadsheet formulas. */
import { PassThrough } from "node:stream";
import { XMLParser } from "fast-xml-parser";
import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import type { NetworkEdge, NetworkNode } from "../../src/export/network.js";
import { createSink, type ExportFormat } from "../../src/export/writers.js";

const NODES: NetworkNode[] = [
  { id: "organization:unodc", label: "UNODC & <friends> \"quoted\" 'single'", kind: "Organization", country: null, startYear: null },
  { id: "project:x", label: "Línea, con coma\ny salto", kind: "Project", country: "AR", startYear: 2020 },
  { id: "agency:ctrl", label: "bell\u0007 and nul\u0000 removed", kind: "Agency", country: "CL", startYear: null },
];
const EDGES: NetworkEdge[] = [
  { id: "organization:unodc|project:x|partner", source: "organization:unodc", target: "project:x", type: "PARTICIPATES_IN", role: "partner", weight: 1 },
  { id: "agency:ctrl|project:x|lead", source: "agency:ctrl", target: "project:x", type: "PARTICIPATES_IN", role: null, weight: 2.5 },
];

/** Runs a sink over the network and returns what it wrote. */
async function render(format: ExportFormat, nodes = NODES, edges = EDGES, directed = true): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const sink = createSink(format, out);
  await sink.begin({ directed });
  for (const n of nodes) await sink.node(n);
  await sink.nodesDone();
  for (const e of edges) await sink.edge(e);
  await sink.end();
  out.end();
  return Buffer.concat(chunks).toString("utf8");
}

const xmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (name) => ["node", "edge", "data", "attvalue"].includes(name) });

describe("GraphML", () => {
  it("is well-formed, escapes markup and drops characters XML forbids", async () => {
    const text = await render("graphml");
    const doc = xmlParser.parse(text, true);
    const nodes = doc.graphml.graph.node as any[];
    expect(nodes.map((n) => n["@id"])).toEqual(["organization:unodc", "project:x", "agency:ctrl"]);
    const label = (i: number) => nodes[i].data.find((d: any) => d["@key"] === "label")["#text"];
    // The parser decodes the escapes: what a reader gets back is the label itself.
    expect(label(0)).toBe(NODES[0]!.label);
    expect(text).toContain("UNODC &amp; &lt;friends&gt; &quot;quoted&quot; &apos;single&apos;");
    expect(label(2)).toBe("bell and nul removed");
    const edges = doc.graphml.graph.edge as any[];
    expect(edges).toHaveLength(2);
    expect(edges[1].data.map((d: any) => d["@key"])).toEqual(["type", "weight"]);
  });
});

describe("edge direction", () => {
  it("writes participations as directed and a co-participation network as undirected, in GraphML and GEXF", async () => {
    const coop: NetworkEdge[] = [{ id: "agency:ctrl|organization:unodc", source: "agency:ctrl", target: "organization:unodc", type: "COOPERATES_WITH", role: null, weight: 3 }];
    expect(xmlParser.parse(await render("graphml")).graphml.graph["@edgedefault"]).toBe("directed");
    expect(xmlParser.parse(await render("gexf")).gexf.graph["@defaultedgetype"]).toBe("directed");
    expect(xmlParser.parse(await render("graphml", NODES, coop, false)).graphml.graph["@edgedefault"]).toBe("undirected");
    expect(xmlParser.parse(await render("gexf", NODES, coop, false)).gexf.graph["@defaultedgetype"]).toBe("undirected");
  });
});

describe("GEXF", () => {
  it("is well-formed, with nodes before edges and weights on edges", async () => {
    const doc = xmlParser.parse(await render("gexf"), true);
    expect(doc.gexf.graph.nodes.node.map((n: any) => n["@id"])).toEqual(["organization:unodc", "project:x", "agency:ctrl"]);
    expect(doc.gexf.graph.edges.edge.map((e: any) => e["@weight"])).toEqual(["1", "2.5"]);
  });
});

describe("CSV", () => {
  it("quotes commas, quotes and line breaks so that a CSV parser reads the values back exactly", async () => {
    const rows = parseCsv(await render("csv-nodes"), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.label)).toEqual([NODES[0]!.label, NODES[1]!.label, NODES[2]!.label]);
    expect(rows[1]).toMatchObject({ id: "project:x", country: "AR", startYear: "2020" });
    const edges = parseCsv(await render("csv-edges"), { columns: true }) as Record<string, string>[];
    expect(edges).toEqual([
      { source: "organization:unodc", target: "project:x", type: "Directed", label: "PARTICIPATES_IN", role: "partner", weight: "1" },
      { source: "agency:ctrl", target: "project:x", type: "Directed", label: "PARTICIPATES_IN", role: "", weight: "2.5" },
    ]);
  });

  it("neutralises cells a spreadsheet would run as formulas (=, +, -, @, tab, carriage return)", async () => {
    const hostile = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"];
    const nodes = hostile.map((label, i) => ({ id: `organization:h${i}`, label, kind: "Organization", country: null, startYear: null }));
    const rows = parseCsv(await render("csv-nodes", nodes, []), { columns: true, relax_quotes: true }) as Record<string, string>[];
    expect(rows).toHaveLength(hostile.length);
    for (const [i, row] of rows.entries()) {
      expect(row.label, hostile[i]).toBe(`'${hostile[i]}`);
      expect(row.label).not.toMatch(/^[=+\-@\t\r]/);
    }
    const edges = parseCsv(await render("csv-edges", [], [{ ...EDGES[0]!, role: "=cmd()" }]), { columns: true }) as Record<string, string>[];
    expect(edges[0]!.role).toBe("'=cmd()");
    // Numbers stay numbers: a weight is never a formula.
    expect(edges[0]!.weight).toBe("1");
  });
});
