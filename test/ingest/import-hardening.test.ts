/**
 * Imports fed what attackers and broken exports produce: an entity reference that is not a
 * character, columns that try to overwrite provenance and derived counts, rejected records in the
 * summary, and the CLI's one-line errors that say what was committed.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AGGREGATES_VERSION } from "../../src/db/aggregates.js";
import { importFile } from "../../src/ingest/import-pipeline.js";
import { legacyIdSlug } from "../../src/model/names.js";
import { testDatabase } from "../support/db.js";
import { createLauncher } from "../support/launcher.js";
import { resetToSeed } from "../support/reset.js";

const db = testDatabase();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "coopgraph-import-hardening-"));
const launcher = createLauncher("import-cli");

beforeAll(async () => resetToSeed(db));
afterAll(async () => {
  await resetToSeed(db);
  await db.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  launcher.cleanup();
});

const activity = (id: string, title: string) => `<iati-activity default-currency="USD">
  <iati-identifier>${id}</iati-identifier>
  <reporting-org ref="TEST-ORG"><narrative>Test publisher</narrative></reporting-org>
  <title><narrative xml:lang="en">${title}</narrative></title>
</iati-activity>`;

describe("hostile imports", () => {
  it("keeps a narrative whose entity is not a character, and every other activity of the file", async () => {
    const file = path.join(tmp, "entities.xml");
    fs.writeFileSync(file, `<iati-activities version="2.03">
${activity("TEST-ENT-1", "Before")}
${activity("TEST-ENT-2", "Odd &amp;#99999999; and &amp;#xD800; here")}
${activity("TEST-ENT-3", "After")}
</iati-activities>`);
    const summary = await importFile(db, file);
    expect(summary).toMatchObject({ records: 3, created: 3, rejected: [] });
    const rows = await db.read("MATCH (p:Project) WHERE p.iatiIdentifier STARTS WITH 'TEST-ENT-' RETURN p.name AS name ORDER BY p.iatiIdentifier");
    expect(rows.map((r) => r.name)).toEqual(["Before", "Odd &#99999999; and &#xD800; here", "After"]);
  });

  it("keeps two IATI organisations whose long names share their first 80 characters apart, and one imported before under its cut id in place", async () => {
    const stem = "Asociacion Latinoamericana de Ministerios Publicos para la Cooperacion Juridica Internacional";
    const [north, south, older] = [`${stem} Norte`, `${stem} Sur`, `${stem} Oeste`];
    // What an earlier release wrote for `older`: its id cut at 80 characters.
    const olderCut = `organization:iati-name:${legacyIdSlug(older)}`;
    await db.write("CREATE (:Actor:Organization {id: $id, name: $name, nameKey: $name, sourceIds: ['source:iap27-mahiques-abstract'], quotes: ['x']})", { id: olderCut, name: older });
    const file = path.join(tmp, "long-names.xml");
    fs.writeFileSync(file, `<iati-activities version="2.03">
<iati-activity default-currency="USD">
  <iati-identifier>TEST-LONG-1</iati-identifier>
  <reporting-org ref="TEST-ORG"><narrative>Test publisher</narrative></reporting-org>
  <title><narrative xml:lang="en">Long names</narrative></title>
  ${[older, north, south].map((name) => `<participating-org role="4"><narrative>${name}</narrative></participating-org>`).join("\n  ")}
</iati-activity>
</iati-activities>`);
    expect(await importFile(db, file)).toMatchObject({ records: 1, created: 1, rejected: [] });
    const rows = await db.read(`MATCH (a:Actor)-[:PARTICIPATES_IN]->(:Project {iatiIdentifier: 'TEST-LONG-1'}) RETURN a.id AS id, a.name AS name ORDER BY name`);
    expect(rows.map((r) => r.name)).toEqual([north, older, south]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(3);
    expect(rows.find((r) => r.name === older)!.id).toBe(olderCut);
    const [stored] = await db.read(`MATCH (a:Organization) WHERE a.name STARTS WITH $stem RETURN count(a) AS n`, { stem });
    expect(Number(stored!.n)).toBe(3);
  });

  it("updates a stored node with a CSV or JSON record as a mutation would: the years, dates and acronyms it leaves out are kept", async () => {
    const file = path.join(tmp, "partial.csv");
    fs.writeFileSync(file, `id,type,name,kind,source,quote
project:cybercrime-conferences,Project,Cybercrime Conferences,conference-series,source:iap27-mahiques-abstract,the Cybercrime Conferences
organization:unodc,Organization,United Nations Office on Drugs and Crime,,source:iap27-mahiques-abstract,United Nations Office on Drugs and Crime (UNODC)
`);
    const summary = await importFile(db, file);
    expect(summary).toMatchObject({ created: 0, rejected: [] });
    const [project] = await db.read("MATCH (p:Project {id: 'project:cybercrime-conferences'}) RETURN p.startYear AS startYear, p.endYear AS endYear, p.startKey AS startKey");
    expect(project).toEqual({ startYear: 2020, endYear: 2021, startKey: "2020" });
    const [unodc] = await db.read("MATCH (a:Actor {id: 'organization:unodc'}) RETURN a.names AS names");
    expect(String(unodc!.names)).toContain("ONUDD");
    // A record whose years contradict the stored ones is rejected by position; the file's others land.
    const json = path.join(tmp, "partial.json");
    fs.writeFileSync(json, JSON.stringify({ nodes: [
      { id: "project:cybercrime-conferences", type: "Project", name: "Cybercrime Conferences", startYear: 2025, sources: [{ source: "source:iap27-mahiques-abstract", quote: "q" }] },
      { id: "theme:partial-test", type: "Theme", name: "Partial test", sources: [{ source: "source:iap27-mahiques-abstract", quote: "q" }] },
    ] }));
    // A dry run says so too (it writes nothing, so the writer never saw the record).
    expect((await importFile(db, json, { dryRun: true })).rejected).toEqual([
      { position: "partial.json nodes[0] (project:cybercrime-conferences)", reason: "startYear: the project would end (2021) before it starts (2025)" }]);
    const refused = await importFile(db, json);
    expect(refused.rejected).toEqual([{ position: "partial.json nodes[0] (project:cybercrime-conferences)", reason: "startYear: the project would end (2021) before it starts (2025)" }]);
    expect(refused).toMatchObject({ created: 1, updated: 0 });
    const [after] = await db.read("MATCH (p:Project {id: 'project:cybercrime-conferences'}) RETURN p.startYear AS startYear");
    expect(after!.startYear).toBe(2020);
  });

  it("rejects dates and years the filters cannot read (\"May 2020\", a year as text, 2021-02-30) by position, and imports the rest", async () => {
    const file = path.join(tmp, "dates.json");
    const cite = [{ source: "source:iap27-mahiques-abstract", quote: "q" }];
    fs.writeFileSync(file, JSON.stringify({ nodes: [
      { id: "project:dates-words", type: "Project", name: "Dates in words", startDate: "May 2020", sources: cite },
      { id: "project:dates-text-year", type: "Project", name: "Year as text", startYear: "2020", sources: cite },
      { id: "project:dates-no-such-day", type: "Project", name: "No such day", startDate: "2021-02-30", sources: cite },
      { id: "project:dates-fine", type: "Project", name: "Fine dates", startDate: "2020-05-01", endYear: 2021, sources: cite },
    ] }));
    const summary = await importFile(db, file);
    expect(summary.rejected).toEqual([
      { position: "dates.json nodes[0] (project:dates-words)", reason: 'startDate "May 2020" is not a date of the form YYYY-MM-DD' },
      { position: "dates.json nodes[1] (project:dates-text-year)", reason: 'startYear "2020" is not a year written as a whole number (e.g. 2020)' },
      { position: "dates.json nodes[2] (project:dates-no-such-day)", reason: 'startDate "2021-02-30" is not a date of the form YYYY-MM-DD' },
    ]);
    const rows = await db.read("MATCH (p:Project) WHERE p.id STARTS WITH 'project:dates-' RETURN p.id AS id, p.startYear AS startYear, p.endYear AS endYear");
    expect(rows).toEqual([{ id: "project:dates-fine", startYear: 2020, endYear: 2021 }]);
  });

  for (const column of ["sourceIds", "quotes", "participantCount"]) {
    it(`rejects a CSV row that sets ${column}, and leaves the stored value alone`, async () => {
      const file = path.join(tmp, `${column}.csv`);
      const before = await db.read("MATCH (p:Project {id: 'project:cybercrime-conferences'}) RETURN p.sourceIds AS sourceIds, p.quotes AS quotes, p.participantCount AS participantCount");
      fs.writeFileSync(file, `id,type,name,${column},source,quote
project:cybercrime-conferences,Project,Cybercrime Conferences,forged,source:iap27-mahiques-abstract,forged quote
theme:csv-test-${column.toLowerCase()},Theme,CSV test ${column},,source:iap27-mahiques-abstract,a theme
`);
      const summary = await importFile(db, file);
      expect(summary.rejected).toEqual([{ position: `${column}.csv nodes[0] (project:cybercrime-conferences)`, reason: `"${column}" is kept by coopgraph itself (provenance, sort keys, counts) and cannot be imported; remove it` }]);
      expect(summary).toMatchObject({ created: 1, updated: 0 });
      const after = await db.read("MATCH (p:Project {id: 'project:cybercrime-conferences'}) RETURN p.sourceIds AS sourceIds, p.quotes AS quotes, p.participantCount AS participantCount");
      expect(after).toEqual(before);
      expect(before[0]!.participantCount).toBe(5);
    });
  }

  it("rejects a CSV row with a field too many, by its line, and imports the rows around it", async () => {
    const file = path.join(tmp, "ragged.csv");
    fs.writeFileSync(file, `id,type,name,source,quote
theme:csv-ragged-1,Theme,Ragged one,source:iap27-mahiques-abstract,a theme
theme:csv-ragged-2,Theme,Ragged two,source:iap27-mahiques-abstract,a theme,one too many
theme:csv-ragged-3,Theme,Ragged three,source:iap27-mahiques-abstract,a theme
`);
    const summary = await importFile(db, file);
    expect(summary.rejected).toEqual([{ position: "ragged.csv line 3", reason: expect.stringMatching(/Invalid Record Length/) }]);
    expect(summary.records).toBe(3);
    const rows = await db.read("MATCH (t:Theme) WHERE t.id STARTS WITH 'theme:csv-ragged-' RETURN t.id AS id ORDER BY id");
    expect(rows.map((r) => r.id)).toEqual(["theme:csv-ragged-1", "theme:csv-ragged-3"]);
  });

  it("refuses a CSV whose quote is never closed whole (every row after it would be lost), importing nothing", async () => {
    const file = path.join(tmp, "quote.csv");
    fs.writeFileSync(file, `id,type,name,source,quote
theme:csv-quote-1,Theme,Quote one,source:iap27-mahiques-abstract,a theme
theme:csv-quote-2,Theme,"Quote two,source:iap27-mahiques-abstract,a theme
theme:csv-quote-3,Theme,Quote three,source:iap27-mahiques-abstract,a theme
`);
    await expect(importFile(db, file)).rejects.toThrow(/quote\.csv: Quote Not Closed.*; nothing was imported$/);
    expect(await db.read("MATCH (t:Theme) WHERE t.id STARTS WITH 'theme:csv-quote-' RETURN t.id AS id")).toEqual([]);
  });

  it("rejects JSON records that are not objects, by position, and imports the others", async () => {
    const file = path.join(tmp, "nulls.json");
    fs.writeFileSync(file, JSON.stringify({
      nodes: [null, { id: "theme:json-null-test", type: "Theme", name: "JSON null test", sources: [{ source: "source:iap27-mahiques-abstract", quote: "a theme" }] }, 7],
      relationships: [null],
    }));
    const summary = await importFile(db, file);
    expect(summary.rejected.map((r) => r.position)).toEqual(["nulls.json nodes[0] (undefined)", "nulls.json nodes[2] (undefined)", "nulls.json relationships[0] (undefined undefined -> undefined)"]);
    expect(new Set(summary.rejected.map((r) => r.reason))).toEqual(new Set(["a record must be an object"]));
    expect((await db.read("MATCH (t:Theme {id: 'theme:json-null-test'}) RETURN t.name AS name"))[0]?.name).toBe("JSON null test");
    fs.writeFileSync(file, JSON.stringify([{ id: "theme:x" }]));
    await expect(importFile(db, file)).rejects.toThrow(/expected an object with lists "sources", "nodes" and "relationships"/);
  });

  it("creates a CSV's source_title source when it is missing and leaves an existing source as it is", async () => {
    const source = async (id: string) => (await db.read("MATCH (s:Source {id: $id}) RETURN properties(s) AS props", { id }))[0]?.props;
    const seed = await source("source:iap27-mahiques-abstract");
    expect(seed).toMatchObject({ kind: "document", document: "seed/documents/iap27-mahiques-abstract.txt" });
    const file = path.join(tmp, "sources.csv");
    fs.writeFileSync(file, `id,type,name,source,quote,source_title
theme:csv-source-1,Theme,CSV source one,source:iap27-mahiques-abstract,a theme,A title from a CSV
theme:csv-source-2,Theme,CSV source two,source:csv-new-test,another theme,New CSV source
`);
    expect(await importFile(db, file)).toMatchObject({ created: 2, rejected: [] });
    expect(await source("source:iap27-mahiques-abstract")).toEqual(seed);
    expect(await source("source:csv-new-test")).toEqual({ id: "source:csv-new-test", kind: "csv", title: "New CSV source", document: "sources.csv" });
    // Created once: another file declaring it again changes nothing either.
    fs.writeFileSync(path.join(tmp, "sources-again.csv"), fs.readFileSync(file, "utf8").replace("New CSV source", "Renamed"));
    await importFile(db, path.join(tmp, "sources-again.csv"));
    expect(await source("source:csv-new-test")).toMatchObject({ title: "New CSV source", document: "sources.csv" });
    expect(await source("source:iap27-mahiques-abstract")).toEqual(seed);
  });

  it("rejects each relationship whose end does not exist, by its position and end, and writes the others: a CSV edges file and a JSON document", async () => {
    const participants = async () => (await db.read(`MATCH (a:Actor)-[r:PARTICIPATES_IN {role: 'evaluator'}]->(p:Project {id: 'project:cybercrime-conferences'})
      RETURN a.id AS id ORDER BY id`)).map((r) => r.id);
    const edges = path.join(tmp, "edges.csv");
    fs.writeFileSync(edges, `type,from,to,role,source,quote
PARTICIPATES_IN,organization:unodc,project:cybercrime-conferences,evaluator,source:iap27-mahiques-abstract,edge one
PARTICIPATES_IN,organization:nobody-here,project:cybercrime-conferences,evaluator,source:iap27-mahiques-abstract,edge two
PARTICIPATES_IN,organization:undp,project:no-such-project,evaluator,source:iap27-mahiques-abstract,edge three
PARTICIPATES_IN,organization:idb,project:cybercrime-conferences,evaluator,source:iap27-mahiques-abstract,edge four
PARTICIPATES_IN,organization:nobody-here,project:no-such-project,evaluator,source:iap27-mahiques-abstract,edge five
`);
    // A dry run finds the same missing ends by reading, and writes nothing.
    const dry = await importFile(db, edges, { dryRun: true });
    expect(dry.rejected.map((r) => r.position)).toEqual([1, 2, 4].map((i) => expect.stringContaining(`edges.csv relationships[${i}] `)));
    expect(dry.relationships).toBe(2);
    expect(await participants()).toEqual([]);
    const csv = await importFile(db, edges);
    expect(csv.rejected).toEqual(dry.rejected);
    expect(csv.rejected).toEqual([
      { position: "edges.csv relationships[1] (PARTICIPATES_IN organization:nobody-here -> project:cybercrime-conferences)", reason: "from \"organization:nobody-here\" does not exist" },
      { position: "edges.csv relationships[2] (PARTICIPATES_IN organization:undp -> project:no-such-project)", reason: "to \"project:no-such-project\" does not exist" },
      { position: "edges.csv relationships[4] (PARTICIPATES_IN organization:nobody-here -> project:no-such-project)", reason: "from \"organization:nobody-here\" and to \"project:no-such-project\" do not exist" },
    ]);
    expect(csv.relationships).toBe(2);
    expect(await participants()).toEqual(["organization:idb", "organization:unodc"]);

    const json = path.join(tmp, "edges.json");
    const edge = (from: string, to: string) => ({ type: "PARTICIPATES_IN", from, to, role: "evaluator", sources: [{ source: "source:iap27-mahiques-abstract", quote: "an edge" }] });
    fs.writeFileSync(json, JSON.stringify({
      // A node of the document itself is an end that exists; one it rejects is not.
      nodes: [{ id: "organization:json-edge-test", type: "Organization", name: "JSON edge test", sources: [{ source: "source:iap27-mahiques-abstract", quote: "an org" }] },
        { id: "organization:json-edge-nameless", type: "Organization", sources: [{ source: "source:iap27-mahiques-abstract", quote: "no name" }] }],
      relationships: [edge("organization:json-edge-nameless", "project:cybercrime-conferences"), edge("organization:json-edge-test", "project:cybercrime-conferences"), edge("organization:iap", "project:gone")],
    }));
    const dryDoc = await importFile(db, json, { dryRun: true });
    const doc = await importFile(db, json);
    expect(dryDoc.rejected).toEqual(doc.rejected);
    expect(doc.rejected).toEqual([
      { position: "edges.json nodes[1] (organization:json-edge-nameless)", reason: "a name is required" },
      { position: "edges.json relationships[0] (PARTICIPATES_IN organization:json-edge-nameless -> project:cybercrime-conferences)", reason: "from \"organization:json-edge-nameless\" does not exist" },
      { position: "edges.json relationships[2] (PARTICIPATES_IN organization:iap -> project:gone)", reason: "to \"project:gone\" does not exist" },
    ]);
    expect(doc.relationships).toBe(1);
    expect(await participants()).toEqual(["organization:idb", "organization:json-edge-test", "organization:unodc"]);
  });

  it("rejects a JSON record that sets provenance through createOnly too", async () => {
    const file = path.join(tmp, "create-only.json");
    fs.writeFileSync(file, JSON.stringify({ nodes: [{ id: "theme:json-forged", type: "Theme", name: "Forged", createOnly: { sourceIds: ["source:x"] }, sources: [{ source: "source:iap27-mahiques-abstract", quote: "q" }] }] }));
    const summary = await importFile(db, file);
    expect(summary).toMatchObject({ records: 1, created: 0 });
    expect(summary.rejected[0]!.reason).toContain("\"sourceIds\" is kept by coopgraph itself");
    expect(await db.read("MATCH (t:Theme {id: 'theme:json-forged'}) RETURN t")).toEqual([]);
  });
});

describe("npm run import on a broken file", () => {
  const cli = (file: string, ...flags: string[]) => launcher.runCli("src/cli/import.ts", { NEO4J_URI: inject("neo4jUri") }, [file, ...flags]);

  it("says in one line what is wrong with an empty file, without a stack trace", () => {
    const file = path.join(tmp, "empty.xml");
    fs.writeFileSync(file, "");
    const result = cli(file);
    expect(result.status).toBe(1);
    const lines = String(result.stderr).trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^coopgraph: .*empty\.xml.*(empty|no iati-activity|not an IATI)/i);
  });

  it("says what was committed before a truncated file breaks, and that re-running resumes", async () => {
    const file = path.join(tmp, "truncated.xml");
    fs.writeFileSync(file, `<iati-activities version="2.03">
${activity("TEST-TRUNC-1", "First")}
${activity("TEST-TRUNC-2", "Second")}
<iati-activity><iati-identifier>TEST-TRUNC-3</iati-iden`);
    const result = cli(file, "--batch-size=1");
    expect(result.status).toBe(1);
    const lines = String(result.stderr).trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/truncated\.xml/);
    expect(lines[0]).toMatch(/2 activities were committed/);
    expect(lines[0]).toMatch(/re-run/i);
    expect(String(result.stderr)).not.toMatch(/\n\s+at /);
    const verbose = cli(file, "--batch-size=1", "--verbose");
    expect(String(verbose.stderr)).toMatch(/\n\s+at /);
    expect((await db.read("MATCH (p:Project) WHERE p.iatiIdentifier STARTS WITH 'TEST-TRUNC-' RETURN count(p) AS n"))[0]!.n).toBe(2);
  });

  it("runs a dry run over a graph whose aggregates are of a newer release, and writes nothing", async () => {
    const file = path.join(tmp, "dry.xml");
    fs.writeFileSync(file, `<iati-activities version="2.03">\n${activity("TEST-DRY-1", "Dry one")}\n${activity("TEST-DRY-2", "Dry two")}\n</iati-activities>`);
    const version = async () => (await db.read("MATCH (s:AggregateState {id: 'aggregates'}) RETURN s.version AS v"))[0]?.v;
    await db.write("MATCH (s:AggregateState {id: 'aggregates'}) SET s.version = $v", { v: AGGREGATES_VERSION + 1 });
    try {
      const dry = cli(file, "--dry-run");
      expect(String(dry.stderr) + String(dry.stdout)).toMatch(/dry\.xml \[iati-xml\] DRY RUN, nothing written: 2 records/);
      expect(dry.status).toBe(0);
      expect(await version()).toBe(AGGREGATES_VERSION + 1);
      expect((await db.read("MATCH (p:Project) WHERE p.iatiIdentifier STARTS WITH 'TEST-DRY-' RETURN count(p) AS n"))[0]!.n).toBe(0);
      // The real import is refused, saying why, and writes nothing either.
      const real = cli(file);
      expect(real.status).toBe(1);
      expect(String(real.stderr)).toMatch(/newer/i);
      expect((await db.read("MATCH (p:Project) WHERE p.iatiIdentifier STARTS WITH 'TEST-DRY-' RETURN count(p) AS n"))[0]!.n).toBe(0);
    } finally {
      await db.write("MATCH (s:AggregateState {id: 'aggregates'}) SET s.version = $v", { v: AGGREGATES_VERSION });
    }
  });
});
