/** The explorer's GEXF and GraphML: exactly the entities and relationships drawn, in the server export's formats. */
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { drawnFile, drawnNetwork } from "../../web/explore/export.js";

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (name) => ["node", "edge", "data", "attvalue"].includes(name) });
const edge = (source: string, type: string, target: string, roles: string[] = []) => ({ key: `${source}|${type}|${target}`, source, target, type, roles });
const NODES = [
  { id: "organization:unodc", kind: "Organization", label: "UNODC & friends" },
  { id: "project:shown", kind: "Project", label: "Shown project", startYear: 2020, endYear: 2021 },
  // A related project no seed involves, drawn on the canvas: the old export (built from the seeds) left it out.
  { id: "project:related", kind: "Project", label: "Related project", startYear: 2019 },
  { id: "project:hidden", kind: "Project", label: "Hidden by the theme", startYear: 2015 },
  { id: "country:PE", kind: "Country", label: "Peru" },
];
const EDGES = [
  // One line, two roles: two participations.
  edge("organization:unodc", "PARTICIPATES_IN", "project:shown", ["co-organizer", "funder"]),
  edge("project:shown", "RELATED_TO", "project:related"),
  edge("organization:unodc", "PARTICIPATES_IN", "project:hidden", ["lead"]),
  edge("project:shown", "TAKES_PLACE_IN", "country:PE"),
  edge("project:related", "RELATED_TO", "project:related"),
];
const hidden = { hiddenNodes: new Set(["project:hidden"]), hiddenEdges: new Set([edge("project:shown", "TAKES_PLACE_IN", "country:PE").key]) };

describe("drawnNetwork", () => {
  it("keeps exactly what is drawn: no hidden entity, no relationship hidden or with a hidden end, no loop", () => {
    const network = drawnNetwork(NODES, EDGES, hidden);
    expect(network.nodes.map((n) => n.id)).toEqual(["country:PE", "organization:unodc", "project:related", "project:shown"]);
    expect(network.edges).toEqual([
      { id: "organization:unodc|PARTICIPATES_IN|project:shown|co-organizer", source: "organization:unodc", target: "project:shown", type: "PARTICIPATES_IN", role: "co-organizer", weight: 1 },
      { id: "organization:unodc|PARTICIPATES_IN|project:shown|funder", source: "organization:unodc", target: "project:shown", type: "PARTICIPATES_IN", role: "funder", weight: 1 },
      { id: "project:shown|RELATED_TO|project:related", source: "project:shown", target: "project:related", type: "RELATED_TO", role: null, weight: 1 },
    ]);
    // A role the filter hides is left out; the line stays while another of its roles is shown.
    const withoutFunders = drawnNetwork(NODES, EDGES, { ...hidden, hiddenRoles: new Set(["funder"]) });
    expect(withoutFunders.edges.map((e) => e.id)).toEqual(["organization:unodc|PARTICIPATES_IN|project:shown|co-organizer", "project:shown|RELATED_TO|project:related"]);
  });

  it("writes GEXF that Gephi reads: labels, kinds, years, roles, and where and in what colour each entity is drawn", () => {
    const at = (id: string) => ({ position: { x: id.length, y: -1.23456 }, color: id.startsWith("project:") ? "#c0392b" : "#d9822b" });
    const doc = xml.parse(drawnFile("gexf", drawnNetwork(NODES, EDGES, hidden, at)));
    expect(doc.gexf.graph["@defaultedgetype"]).toBe("directed");
    const nodes = doc.gexf.graph.nodes.node as any[];
    expect(nodes.map((n) => n["@label"])).toEqual(["Peru", "UNODC & friends", "Related project", "Shown project"]);
    expect(nodes[3].attvalues.attvalue).toEqual([{ "@for": "kind", "@value": "Project" }, { "@for": "startYear", "@value": "2020" }]);
    expect(nodes[3]["viz:position"]).toEqual({ "@x": "13", "@y": "-1.235", "@z": "0" });
    expect(nodes[3]["viz:color"]).toEqual({ "@r": "192", "@g": "57", "@b": "43" });
    const edges = doc.gexf.graph.edges.edge as any[];
    expect(edges.map((e) => `${e["@source"]} ${e["@target"]} ${e.attvalues.attvalue.map((a: any) => a["@value"]).join(" ")}`)).toEqual([
      "organization:unodc project:shown PARTICIPATES_IN co-organizer",
      "organization:unodc project:shown PARTICIPATES_IN funder",
      "project:shown project:related RELATED_TO",
    ]);
  });

  it("writes GraphML with the same nodes and edges", () => {
    const doc = xml.parse(drawnFile("graphml", drawnNetwork(NODES, EDGES, hidden)));
    expect((doc.graphml.graph.node as any[]).map((n) => n["@id"])).toEqual(["country:PE", "organization:unodc", "project:related", "project:shown"]);
    expect((doc.graphml.graph.edge as any[]).map((e) => e["@id"])).toEqual(["organization:unodc|PARTICIPATES_IN|project:shown|co-organizer", "organization:unodc|PARTICIPATES_IN|project:shown|funder", "project:shown|RELATED_TO|project:related"]);
  });
});
