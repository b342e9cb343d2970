/**
 * The offline import's in-memory graph replays the writer's MERGE semantics, and its CSV files
 * carry what the importer can (no database: test/ingest/offline-import.test.ts compares a real
 * import with the idempotent path).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GraphImage } from "../../src/synthetic/offline-import.js";

const cite = (source: string, quote = `said by ${source}`) => [{ source, quote }];

function network(): GraphImage {
  const image = new GraphImage();
  image.apply({
    sources: [{ id: "source:a", kind: "test", title: "A" }, { id: "source:b", kind: "test", title: "B" }],
    nodes: [
      { id: "region:419", type: "Region", name: "Latin America", sources: cite("source:a") },
      { id: "country:AR", type: "Country", name: "Argentina", code: "AR", sources: cite("source:a") },
    ],
    relationships: [{ type: "IN_REGION", from: "country:AR", to: "region:419", sources: cite("source:a") }],
  });
  image.apply({
    nodes: [
      { id: "agency:mpf", type: "Agency", name: 'Ministerio "Público", Fiscal', aliases: [], officialNameLanguage: "es", sources: cite("source:a") },
      { id: "project:p", type: "Project", name: "Programa", startYear: 2020, sources: cite("source:a") },
    ],
    relationships: [
      { type: "BASED_IN", from: "agency:mpf", to: "country:AR", sources: cite("source:a") },
      { type: "PARTICIPATES_IN", from: "agency:mpf", to: "project:p", role: "lead", sources: cite("source:a") },
      // The same relationship twice in a document: MERGE writes it once.
      { type: "PARTICIPATES_IN", from: "agency:mpf", to: "project:p", role: "lead", sources: cite("source:a", "again") },
      { type: "PARTICIPATES_IN", from: "agency:mpf", to: "project:p", role: "partner", sources: cite("source:a") },
    ],
  });
  return image;
}

describe("GraphImage (offline import)", () => {
  it("merges nodes and relationships as the writer does: keys, provenance per source, nulls removed", () => {
    const image = network();
    expect(image.relationships.filter((r) => r.type === "PARTICIPATES_IN").map((r) => r.props.role)).toEqual(["lead", "partner"]);
    const lead = image.relationships.find((r) => r.props.role === "lead")!;
    expect(lead.props.quotes).toEqual(["again"]);

    // A later write from another source keeps source:a's entry and adds source:b's; a null removes the property.
    image.apply({ nodes: [{ id: "agency:mpf", type: "Agency", name: "MPF", officialNameLanguage: null, sources: cite("source:b") }] });
    const agency = image.nodes.get("agency:mpf")!;
    expect(agency.props.sourceIds).toEqual(["source:a", "source:b"]);
    expect(agency.props.quotes).toEqual(["said by source:a", "said by source:b"]);
    expect(agency.props.name).toBe("MPF");
    expect("officialNameLanguage" in agency.props).toBe(false);
    expect([...agency.labels].sort()).toEqual(["Actor", "Agency"]);
    // Relationships between two older nodes merge too (through the index built on first need).
    image.apply({ relationships: [{ type: "BASED_IN", from: "agency:mpf", to: "country:AR", sources: cite("source:b") }] });
    expect(image.relationships.filter((r) => r.type === "BASED_IN")).toHaveLength(1);
    expect(image.relationships.find((r) => r.type === "BASED_IN")!.props.sourceIds).toEqual(["source:a", "source:b"]);
  });

  it("derives participantCount and involvedPlaces from the final graph", () => {
    const image = network();
    image.deriveProjectProperties();
    const project = image.nodes.get("project:p")!;
    expect(project.props.participantCount).toBe(1);
    expect(project.props.involvedPlaces).toEqual(["country:AR", "region:419"]);
    expect(project.props.startKey).toBe("2020");
  });

  it("writes typed CSV files, quotes values, and leaves empty lists out with a mark", () => {
    const image = network();
    image.deriveProjectProperties();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coopgraph-csv-"));
    try {
      const { spec, emptyLists } = image.writeCsv(dir);
      expect([...emptyLists.nodes]).toEqual(["aliases"]);
      const agencyFile = spec.nodes.find((n) => n.labels.includes("Agency"))!;
      expect(agencyFile.labels).toEqual(expect.arrayContaining(["Actor", "Agency", "CoopgraphImportEmpty_aliases"]));
      const [header, row] = fs.readFileSync(agencyFile.file, "utf8").trim().split("\n");
      expect(header).toContain("sourceIds:string[]");
      expect(header).not.toContain("aliases");
      expect(row).toContain('"Ministerio ""Público"", Fiscal"');
      const projectFile = spec.nodes.find((n) => n.labels.includes("Project"))!;
      const projectText = fs.readFileSync(projectFile.file, "utf8");
      expect(projectText).toContain("participantCount:long");
      expect(projectText).toContain("startYear:long");
      expect(projectText).toContain('"country:AR\u001fregion:419"');
      expect(spec.relationships.map((r) => r.type).sort()).toEqual(["BASED_IN", "IN_REGION", "PARTICIPATES_IN"]);
      expect(spec.multiline).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
