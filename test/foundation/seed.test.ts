import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/config.js";
import { loadSeed } from "../../src/seed/load-seed.js";
import { graphCounts, testDatabase } from "../support/db.js";

const db = testDatabase();
afterAll(() => db.close());

const DOCUMENT = "source:iap27-mahiques-abstract";
const documentText = fs.readFileSync(path.join(PROJECT_ROOT, "seed/documents/iap27-mahiques-abstract.txt"), "utf8");
const squash = (s: string) => s.replace(/\s+/g, " ");

async function participants(projectId: string) {
  const rows = await db.read(
    `MATCH (a:Actor)-[r:PARTICIPATES_IN]->(:Project {id: $id}) RETURN a.id AS actor, r.role AS role ORDER BY actor`,
    { id: projectId },
  );
  return rows.map((r) => `${r.actor} ${r.role}`);
}

describe("the seed", () => {
  it("loads idempotently: seeding twice gives identical counts and properties", async () => {
    const before = await graphCounts(db);
    const fingerprint = "MATCH (n) WHERE NOT n:GraphVersion AND NOT n:GraphChange RETURN n.id AS id, properties(n) AS p ORDER BY id";
    const propsBefore = await db.read(fingerprint);
    await loadSeed(db);
    expect(await graphCounts(db)).toEqual(before);
    expect(await db.read(fingerprint)).toEqual(propsBefore);
    expect(before).toMatchObject({ Country: 249, Region: 29, Actor: 14, Agency: 3, Organization: 6, Person: 1, Group: 4, Project: 5, Event: 2, Theme: 7, Source: 4 });
    expect(before.PARTICIPATES_IN).toBe(15);
  });

  it("traces every node and relationship to a source with a quote", async () => {
    // Bookkeeping, not facts: the write version and the aggregates kept on write (db/aggregates.ts).
    const [nodes] = await db.read(`MATCH (n) WHERE NOT n:Source AND NOT n:GraphVersion AND NOT n:GraphChange
      AND NOT n:FundingTally AND NOT n:ThemeSetTally AND NOT n:AggregateState
      AND (size(coalesce(n.sourceIds, [])) = 0 OR size(n.sourceIds) <> size(n.quotes) OR any(q IN n.quotes WHERE trim(q) = ''))
      RETURN count(n) AS bad`);
    expect(nodes!.bad).toBe(0);
    const [rels] = await db.read(`MATCH ()-[r]->() WHERE type(r) <> 'PARTNERS_WITH' AND (
      size(coalesce(r.sourceIds, [])) = 0 OR size(r.sourceIds) <> size(r.quotes) OR any(q IN r.quotes WHERE trim(q) = ''))
      RETURN count(r) AS bad`);
    expect(rels!.bad).toBe(0);
    const [dangling] = await db.read(`
      CALL () { MATCH (n) WHERE n.sourceIds IS NOT NULL RETURN n.sourceIds AS ids UNION ALL MATCH ()-[r]->() RETURN r.sourceIds AS ids }
      UNWIND ids AS id WITH DISTINCT id WHERE NOT EXISTS { MATCH (:Source {id: id}) } RETURN collect(id) AS missing`);
    expect(dangling!.missing).toEqual([]);
  });

  it("quotes the document verbatim", async () => {
    const rows = await db.read(`
      CALL () { MATCH (n) WHERE n.sourceIds IS NOT NULL RETURN n.sourceIds AS ids, n.quotes AS quotes
                UNION ALL MATCH ()-[r]->() WHERE r.sourceIds IS NOT NULL RETURN r.sourceIds AS ids, r.quotes AS quotes }
      UNWIND range(0, size(ids) - 1) AS i WITH ids[i] AS id, quotes[i] AS quote WHERE id = $doc
      RETURN DISTINCT quote`, { doc: DOCUMENT });
    expect(rows.length).toBeGreaterThan(20);
    const missing = rows.map((r) => String(r.quote)).filter((q) => !squash(documentText).includes(squash(q)));
    expect(missing).toEqual([]);
  });

  it("holds the speaker, his office and the session where he spoke", async () => {
    const [row] = await db.read(`
      MATCH (p:Person {name: 'Juan Bautista Mahiques'})-[h:HOLDS_POSITION]->(a:Agency)
      MATCH (p)-[:SPOKE_AT]->(s:Event)-[:PART_OF]->(c:Event)<-[:ORGANIZED]-(o:Organization)
      RETURN h.title AS title, a.name AS agency, a.jurisdiction AS jurisdiction, a.officialName AS official,
             s.name AS session, c.name AS conference, o.acronyms AS organizer`);
    expect(row).toEqual({
      title: "Attorney General", agency: "Public Prosecution Service of the Autonomous City of Buenos Aires",
      jurisdiction: "subnational", official: "Ministerio Público Fiscal de la Ciudad Autónoma de Buenos Aires",
      session: "Special Interest Group Session – Heads of Prosecution Services",
      conference: "IAP 27th Annual Conference & General Meeting", organizer: ["IAP"],
    });
  });

  it("holds each project with its partners, supporters and their roles", async () => {
    expect(await participants("project:training-programs-chile")).toEqual(["agency:fiscalia-chile partner", "agency:mpf-caba partner"]);
    expect(await participants("project:training-programs-united-states")).toEqual([
      "agency:miami-prosecution-office partner", "agency:mpf-caba partner", "organization:ncsc partner"]);
    expect(await participants("project:dmi-open-drug-markets")).toEqual([
      "agency:mpf-caba lead", "group:experts-united-states expert-support", "organization:idb supporter"]);
    expect(await participants("project:victim-satisfaction-evaluation")).toEqual(["agency:mpf-caba lead", "organization:undp supporter"]);
    expect(await participants("project:cybercrime-conferences")).toEqual([
      "agency:mpf-caba co-organizer", "group:prosecutors-costa-rica participant", "group:prosecutors-panama participant",
      "group:prosecutors-peru participant", "organization:unodc co-organizer"]);
  });

  it("dates every project to 2020-2021 and ties it to its themes and to the session", async () => {
    const rows = await db.read(`
      MATCH (p:Project)-[:PRESENTED_AT]->(:Event {id: 'event:iap27-sig-heads-of-prosecution-services'})
      RETURN p.kind AS kind, p.startYear AS start, p.endYear AS end, [(p)-[:ABOUT]->(t) | t.id] AS themes ORDER BY kind`);
    expect(rows.map((r) => [r.kind, r.start, r.end])).toEqual([
      ["conference-series", 2020, 2021], ["evaluation-report", 2020, 2021], ["intervention-project", 2020, 2021],
      ["training-program", 2020, 2021], ["training-program", 2020, 2021]]);
    expect(rows[0]!.themes).toEqual(expect.arrayContaining(["theme:cybercrime", "theme:international-cooperation"]));
    expect(rows[1]!.themes).toEqual(expect.arrayContaining(["theme:gender-based-violence", "theme:victims"]));
  });

  it("names organizations as analysts type them, with IATI identifiers", async () => {
    const rows = await db.read(`MATCH (o:Organization) RETURN o.id AS id, o.acronyms AS acronyms, o.iatiRef AS iati ORDER BY id`);
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId["organization:undp"]).toMatchObject({ acronyms: ["UNDP", "PNUD"], iati: "XM-DAC-41114" });
    expect(byId["organization:idb"]).toMatchObject({ acronyms: ["IDB", "BID", "IADB"], iati: "XI-IATI-IADB" });
    expect(byId["organization:unodc"]).toMatchObject({ acronyms: ["UNODC", "ONUDD"] });
  });

  it("marks added reference facts as enrichment, not as the document's", async () => {
    const [row] = await db.read(`MATCH (s:Source {id: 'source:coopgraph-enrichment'}) RETURN s.kind AS kind`);
    expect(row!.kind).toBe("enrichment");
    const [undp] = await db.read(`MATCH (o:Organization {id: 'organization:undp'})
      RETURN [i IN range(0, size(o.sourceIds) - 1) WHERE o.sourceIds[i] = 'source:coopgraph-enrichment' | o.quotes[i]] AS q`);
    expect((undp!.q as string[])[0]).toContain("XM-DAC-41114");
  });

  it("places actors in countries with English and Spanish names, and countries in M49 regions", async () => {
    const rows = await db.read(`MATCH (a:Actor)-[:BASED_IN]->(c:Country) RETURN c.code AS code, c.nameEs AS es, count(a) AS n ORDER BY code`);
    expect(rows.map((r) => `${r.code}:${r.es}:${r.n}`)).toEqual(["AR:Argentina:1", "CL:Chile:1", "CR:Costa Rica:1", "PA:Panamá:1", "PE:Perú:1", "US:Estados Unidos:3"]);
    const [chain] = await db.read(`MATCH (:Country {code: 'PA'})-[:IN_REGION]->(r1)-[:IN_REGION]->(r2)-[:IN_REGION]->(r3) RETURN [r1.name, r2.name, r3.name] AS names`);
    expect(chain!.names).toEqual(["Central America", "Latin America and the Caribbean", "Americas"]);
  });
});
