/**
 * The offline import's in-memory graph replays the writer's MERGE semantics, and its CSV files
 * carry what the importer can (no database: test/ingest/offline-import.test.ts compares a real
 * import with the idempotent path).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AGGREGATES_VERSION } from "../../src/db/aggregates.js";
import { GraphImage, OFFLINE_AGGREGATES_VERSION } from "../../src/synthetic/offline-import.js";
import { streamInWorkers } from "../../src/synthetic/offline-workers.js";
import { importerHeapMb } from "../../src/db/managed-neo4j.js";

const cite = (source: string, quote = `said by ${source}`) => [{ source, quote }];

function network(): GraphImage {
  const image = new GraphImage();
  image.apply({
    sources: [{ id: "source:a", kind: "test", title: "A" }, { id: "source:b", kind: "test", title: "B" }],
    nodes: [
      { id: "region:419", type: "Region", name: "Latin America", sources: cite("source:a") },
      { id: "country:AR", type: "Country", name: "Argentina", code: "AR", sources: cite("source:a") },
      { id: "theme:water", type: "Theme", name: "Water", sources: cite("source:a") },
      { id: "organization:coop", type: "Organization", name: "Cooperativa", sources: cite("source:a") },
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

  /** Every CSV row of a folder, with its file's header and labels or type, in a canonical order. */
  function rows(spec: { nodes: { labels: string[]; file: string }[]; relationships: { type: string; file: string }[] }): string[] {
    const out: string[] = [];
    for (const f of [...spec.nodes.map((n) => ({ name: n.labels.join(":"), file: n.file })), ...spec.relationships.map((r) => ({ name: r.type, file: r.file }))]) {
      const [header, ...lines] = fs.readFileSync(f.file, "utf8").trim().split("\n");
      for (const line of lines) out.push(`${f.name}|${header}|${line}`);
    }
    return out.sort();
  }

  const projects = (first: number) => ({
    nodes: [
      { id: `project:q${first}`, type: "Project", name: "Otro", startYear: 2021, sources: cite("source:b") },
      { id: `funding:f${first}`, type: "Funding", kind: "grant", amount: "10.50", currency: "USD", date: "2021-01-01", sources: cite("source:b") },
      // The same node twice in one document: merged.
      { id: `project:q${first}`, type: "Project", name: "Otro", startYear: 2021, sources: cite("source:b", "twice") },
    ],
    relationships: [
      { type: "PARTICIPATES_IN", from: "agency:mpf", to: `project:q${first}`, role: "lead", sources: cite("source:b") },
      // Two roles of one actor: one participant (one project more for the pair).
      { type: "PARTICIPATES_IN", from: "organization:coop", to: `project:q${first}`, role: "partner", sources: cite("source:b") },
      { type: "PARTICIPATES_IN", from: "organization:coop", to: `project:q${first}`, role: "funder", sources: cite("source:b") },
      { type: "ABOUT", from: `project:q${first}`, to: "theme:water", sources: cite("source:b") },
      { type: "TAKES_PLACE_IN", from: `project:q${first}`, to: "country:AR", sources: cite("source:b") },
      { type: "TAKES_PLACE_IN", from: `project:q${first}`, to: "country:AR", sources: cite("source:b", "again") },
      { type: "FUNDS", from: `funding:f${first}`, to: `project:q${first}`, sources: cite("source:b") },
    ],
  });

  it("streams self-contained documents to the same CSV rows as building them in memory, holding none of them", () => {
    const dirs = [fs.mkdtempSync(path.join(os.tmpdir(), "coopgraph-csv-")), fs.mkdtempSync(path.join(os.tmpdir(), "coopgraph-csv-"))];
    try {
      const inMemory = network();
      for (const i of [1, 2]) inMemory.apply(projects(i));
      inMemory.deriveProjectProperties();
      expect(OFFLINE_AGGREGATES_VERSION).toBe(AGGREGATES_VERSION);
      expect(inMemory.computeAggregates()).toBe(true);
      const reference = inMemory.writeCsv(dirs[0]!);

      const streamed = network();
      streamed.openCsv(dirs[1]!);
      for (const i of [1, 2]) expect(streamed.stream(projects(i))).toEqual({ nodes: 3, relationships: 6 });
      expect(streamed.nodes.has("project:q1")).toBe(false);
      expect(streamed.relationships).toHaveLength(4);
      streamed.deriveProjectProperties();
      expect(streamed.computeAggregates()).toBe(true);
      const written = streamed.writeCsv(dirs[1]!);

      expect(rows(written.spec)).toEqual(rows(reference.spec));
      // The aggregates ride along (rebuildAggregates' result, which test/ingest compares with the idempotent path's).
      const tallies = rows(written.spec).filter((r) => r.startsWith("FundingTally|"));
      expect(tallies).toHaveLength(2);
      // Both flows have no funder (null) and 10.50 each: the total is exact.
      expect(tallies[0]).toContain('"[""country:AR"",null,""USD"",2021,null]","country:AR","USD",2021,"21",2,0');
      // Version 5: the pair [flowType, currency] and the group [funder, flowType, currency] the window index holds, nulls kept.
      expect(tallies[0]).toContain('"21",2,0,"[null,""USD""]","[null,null,""USD""]"');
      // Theme tallies: the set {water} and `*`, each with q1 and q2 (2021 to 2021): two regular
      // projects, the year tables from 2021 (started by 2021: 2; ended before 2021: 0), no irregular ones.
      const themeSets = rows(written.spec).filter((r) => r.startsWith("ThemeSetTally"));
      expect(themeSets).toHaveLength(2);
      const water = themeSets.find((r) => r.includes('"[""theme:water""]"'))!;
      const [, header, line] = water.split("|") as [string, string, string];
      const fields = Object.fromEntries(header.split(",").slice(1).map((h, i) => [h, line.split(",")[i + 1]]));
      expect(fields).toEqual({
        "key:string": '"[""theme:water""]"', "themes:string[]": '"theme:water"', "projects:long": "2", "regular:long": "2",
        "base:long": "2021", "startsUpTo:long[]": '"2"', "endsBefore:long[]": '"0"',
      });
      // The empty irregular lists are restored after the import (marked by a label each).
      expect(water.split("|")[0]).toContain("CoopgraphImportEmpty_counts");
      // Partner tallies: agency:mpf and organization:coop share q1 and q2 (not p: coop is not in it).
      const partners = rows(written.spec).filter((r) => r.startsWith("PARTNERS_WITH|"));
      expect(partners).toHaveLength(1);
      const [, partnerHeader, partnerLine] = partners[0]!.split("|") as [string, string, string];
      expect(partnerHeader).toBe(":START_ID,:END_ID,a:string,b:string,shared:long");
      const agencyIndex = streamed.nodes.get("agency:mpf")!.index;
      const coopIndex = streamed.nodes.get("organization:coop")!.index;
      // From the smaller id ("agency:mpf" < "organization:coop") to the greater.
      expect(partnerLine).toBe(`${agencyIndex},${coopIndex},"agency:mpf","organization:coop",2`);
      expect([...written.emptyLists.nodes]).toEqual([...reference.emptyLists.nodes]);
      const project = rows(written.spec).find((r) => r.includes('"project:q1"'))!;
      // participantCount 2 (coop's two roles count once), involved places from the agency's country and the project's own.
      expect(project).toContain(',2,"country:AR\u001fregion:419"');
      // Its stored contributions: the sorted distinct participants, and its theme set with its years.
      expect(project).toContain('"agency:mpf\u001forganization:coop","[[""theme:water""],2021,2021]"');
      // The node given twice keeps the second entry of its source (the writer's provenance merge).
      expect(project).toContain('"source:b","twice"');
    } finally {
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    }
  });

  /**
   * Every CSV row with node indexes replaced by the node's id (workers number their nodes apart:
   * the same graph, other indexes), in a canonical order.
   */
  function rowsById(spec: { nodes: { labels: string[]; file: string }[]; relationships: { type: string; file: string }[] }): string[] {
    const idOf = new Map<string, string>();
    const out: string[] = [];
    for (const n of spec.nodes) {
      const [header, ...lines] = fs.readFileSync(n.file, "utf8").trim().split("\n");
      const idColumn = header!.split(",").indexOf("id:string");
      for (const line of lines) {
        const fields = line.split(",");
        idOf.set(fields[0]!, fields[idColumn]!);
        out.push(`${n.labels.join(":")}|${header!.slice(header!.indexOf(",") + 1)}|${line.slice(line.indexOf(",") + 1)}`);
      }
    }
    for (const r of spec.relationships) {
      const [header, ...lines] = fs.readFileSync(r.file, "utf8").trim().split("\n");
      for (const line of lines) {
        const [from, to, ...rest] = line.split(",");
        out.push(`${r.type}|${header}|${idOf.get(from!)}|${idOf.get(to!)}|${rest.join(",")}`);
      }
    }
    return out.sort();
  }

  it("streams through worker threads to the same rows as one thread, aggregates added up", async () => {
    const dirs = [fs.mkdtempSync(path.join(os.tmpdir(), "coopgraph-csv-")), fs.mkdtempSync(path.join(os.tmpdir(), "coopgraph-csv-"))];
    try {
      const documents = [1, 2, 3, 4, 5].map((i) => projects(i));
      const one = network();
      one.openCsv(dirs[0]!);
      for (const doc of documents) one.stream(doc);
      one.deriveProjectProperties();
      expect(one.computeAggregates()).toBe(true);
      const reference = one.writeCsv(dirs[0]!);

      const parallel = network();
      parallel.openCsv(dirs[1]!);
      expect(await streamInWorkers(parallel, documents, dirs[1]!, 2)).toEqual({ nodes: 15, relationships: 30 });
      parallel.deriveProjectProperties();
      expect(parallel.computeAggregates()).toBe(true);
      const written = parallel.writeCsv(dirs[1]!);

      // Each worker wrote files of its own; the rows are the same, the partner pair counted 5 times across both.
      expect(written.spec.nodes.length).toBeGreaterThan(reference.spec.nodes.length);
      const rows = rowsById(written.spec);
      expect(rows).toEqual(rowsById(reference.spec));
      expect(rows.filter((r) => r.startsWith("PARTNERS_WITH|"))).toEqual([expect.stringMatching(/"agency:mpf","organization:coop",5$/)]);
      // Node indexes never collide across workers and the image.
      const indexes = written.spec.nodes.flatMap((n) => fs.readFileSync(n.file, "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[0]));
      expect(new Set(indexes).size).toBe(indexes.length);
      expect([...written.emptyLists.nodes].sort()).toEqual([...reference.emptyLists.nodes].sort());

      // A document touching a node another worker wrote is refused by the main thread, as in one thread.
      const again = network();
      again.openCsv(dirs[1]!);
      await expect(streamInWorkers(again, [projects(1), projects(1)], dirs[1]!, 2)).rejects.toThrow(/earlier document/);
    } finally {
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    }
  }, 30_000);

  it("refuses to stream a document that is not self-contained", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coopgraph-csv-"));
    try {
      const image = network();
      image.openCsv(dir);
      image.stream(projects(1));
      // A node written out earlier cannot change, nor be linked to.
      expect(() => image.stream({ nodes: [{ id: "project:q1", type: "Project", name: "X", sources: cite("source:b") }] })).toThrow(/earlier document/);
      expect(() => image.stream({ relationships: [{ type: "FUNDS", from: "funding:f1", to: "project:p", sources: cite("source:b") }] })).toThrow(/earlier document/);
      // Two older nodes, or a change to places already written.
      expect(() => image.stream({ relationships: [{ type: "PARTICIPATES_IN", from: "agency:mpf", to: "project:p", role: "x", sources: cite("source:b") }] })).toThrow(/self-contained/);
      expect(() => image.stream({
        nodes: [{ id: "region:new", type: "Region", name: "New", sources: cite("source:b") }],
        relationships: [{ type: "IN_REGION", from: "country:AR", to: "region:new", sources: cite("source:b") }],
      })).toThrow(/places already written/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the importer's heap", () => {
  const GB = 1024 ** 3;
  it("is a quarter of the machine's memory, between 512 MB and 4 GB", () => {
    expect(importerHeapMb(24 * GB)).toBe(4096);
    expect(importerHeapMb(8 * GB)).toBe(2048);
    expect(importerHeapMb(1 * GB)).toBe(512);
  });
});
