/**
 * Partner tallies (db/aggregates.ts, PARTNERS_WITH {shared} per pair of actors): after every kind
 * of write they must equal the walk over the projects (distinct shared projects, whatever the
 * roles) and a rebuild from scratch, and `partners` without a filter, which reads them, must answer
 * what the walk answers. Write paths: imports, added and removed participations (a second role of
 * the same actor on a project counts once), a deleted project, a deleted actor, merges and splits of
 * actors and of projects, and concurrent writers adding participants to one project.
 */
import { describe, expect, it } from "vitest";
import { rebuildAggregates } from "../../src/db/aggregates.js";
import { adminSuiteOverSeed } from "../support/api.js";

const CITE = `citation: { source: "source:coopgraph-enrichment", quote: "test fact" }`;
const { db, admin, importJson } = adminSuiteOverSeed("partner-tallies");

const cite = [{ source: "source:partner-test", quote: "partner tallies test" }];
const org = (id: string, name: string) => ({ id, type: "Organization", name, sources: cite });
const project = (id: string) => ({ id, type: "Project", name: `Partners ${id}`, startYear: 2020, sources: cite });
const takesPart = (actor: string, p: string, role: string) => ({ type: "PARTICIPATES_IN", from: actor, to: p, role, sources: cite });
const SOURCES = [{ id: "source:partner-test", kind: "dataset", title: "Partner tallies test" }];

async function importDoc(doc: object) {
  expect((await importJson({ sources: SOURCES, ...doc })).rejected).toEqual([]);
}

/** `partners` as the API answers it without a filter (from the tallies): "id shared" strongest first. */
async function apiPartners(actor: string): Promise<string[]> {
  const data = await admin(`query($a: String!) { partners(actor: $a, first: 100) { actor { id } sharedProjects } }`, { a: actor });
  return data.partners.map((p: any) => `${p.actor.id} ${p.sharedProjects}`);
}

/** The same ranking walked over the projects, as `partners` did before the tallies. */
async function walkedPartners(actor: string): Promise<string[]> {
  const rows = await db.read(`MATCH (a:Actor {id: $id})-[:PARTICIPATES_IN]->(p:Project)<-[:PARTICIPATES_IN]-(b:Actor) WHERE b <> a
    WITH b, count(DISTINCT p) AS n ORDER BY n DESC, b.nameKey LIMIT 100 RETURN b.id AS id, n`, { id: actor });
  return rows.map((r) => `${r.id} ${r.n}`);
}

async function storedPairs(): Promise<string[]> {
  const rows = await db.read("MATCH (a)-[r:PARTNERS_WITH]->(b) RETURN a.id AS a, b.id AS b, r.shared AS n, labels(a) AS la, labels(b) AS lb ORDER BY a, b");
  return rows.map((r) => `${r.a} ${r.b} ${r.n}${(r.la as string[]).includes("Actor") && (r.lb as string[]).includes("Actor") ? "" : " not between actors"}`);
}

async function walkedPairs(): Promise<string[]> {
  const rows = await db.read(`MATCH (a:Actor)-[:PARTICIPATES_IN]->(p:Project)<-[:PARTICIPATES_IN]-(b:Actor) WHERE a.id < b.id
    RETURN a.id AS a, b.id AS b, count(DISTINCT p) AS n ORDER BY a, b`);
  return rows.map((r) => `${r.a} ${r.b} ${r.n}`);
}

const ACTORS = ["agency:mpf-caba", "organization:unodc", "agency:fiscalia-chile", "organization:partner-p1", "organization:partner-p2", "organization:partner-p3"];

/** The tallies equal the walk and a rebuild from scratch, and the API's rankings equal the walked ones. */
async function expectExact(): Promise<void> {
  const pairs = await storedPairs();
  expect(pairs).toEqual(await walkedPairs());
  const lists = await db.read("MATCH (p:Project) RETURN p.id AS id, p.partnerTally AS ids ORDER BY id");
  await rebuildAggregates(db);
  expect(await storedPairs()).toEqual(pairs);
  expect(await db.read("MATCH (p:Project) RETURN p.id AS id, p.partnerTally AS ids ORDER BY id")).toEqual(lists);
  const [known] = await db.read("MATCH (a:Actor) WHERE a.id IN $ids RETURN collect(a.id) AS ids", { ids: ACTORS });
  for (const actor of known!.ids as string[]) expect(await apiPartners(actor), actor).toEqual(await walkedPartners(actor));
}

const shared = async (a: string, b: string) => {
  const [row] = await db.read("MATCH (:Actor {id: $a})-[r:PARTNERS_WITH]-(:Actor {id: $b}) RETURN r.shared AS n", { a, b });
  return row ? Number(row.n) : 0;
};

describe("indirect partners with a filter", () => {
  it("count a partner shared only outside the filter as indirect within it", async () => {
    const theme = (p: string, t: string) => ({ type: "ABOUT", from: p, to: t, sources: cite });
    await importDoc({
      nodes: [org("organization:ind-a", "Indirect A"), org("organization:ind-b", "Indirect B"), org("organization:ind-c", "Indirect C"),
        project("project:ind-1"), project("project:ind-2"), project("project:ind-3")],
      relationships: [
        takesPart("organization:ind-a", "project:ind-1", "partner"), takesPart("organization:ind-b", "project:ind-1", "partner"),
        takesPart("organization:ind-b", "project:ind-2", "partner"), takesPart("organization:ind-c", "project:ind-2", "partner"),
        takesPart("organization:ind-a", "project:ind-3", "partner"), takesPart("organization:ind-c", "project:ind-3", "partner"),
        theme("project:ind-1", "theme:cybercrime"), theme("project:ind-2", "theme:cybercrime"), theme("project:ind-3", "theme:drug-markets"),
      ],
    });
    const indirect = async (filter: object | null) => (await admin(`query($f: PartnerFilter) {
      indirectPartners(actor: "organization:ind-a", filter: $f) { actor { id } via { id } weight } }`, { f: filter })).indirectPartners;
    // A and C share project 3 (drug markets): directly partnered, never indirect without a filter.
    expect(await indirect(null)).toEqual([]);
    // On cybercrime, A reaches C only through B.
    expect(await indirect({ themes: ["theme:cybercrime"] })).toEqual([
      { actor: { id: "organization:ind-c" }, via: [{ id: "organization:ind-b" }], weight: 1 }]);
  });
});

describe("partner tallies, kept on write", () => {
  it("equal the walk on the seed: the Buenos Aires City prosecution service's partners", async () => {
    expect(await apiPartners("agency:mpf-caba")).toEqual(await walkedPartners("agency:mpf-caba"));
    expect(await apiPartners("agency:mpf-caba")).toEqual(SEED_MPF_CABA);
    // Between the two ids' order, one relationship per pair.
    expect(await storedPairs()).not.toContainEqual(expect.stringContaining("not between actors"));
    await expectExact();
  });

  it("count an imported project once per pair, and a second role of the same actor not again", async () => {
    expect(await shared("agency:mpf-caba", "organization:unodc")).toBe(1);
    await importDoc({
      nodes: [org("organization:partner-p1", "Partner One"), org("organization:partner-p2", "Partner Two"), project("project:partner-a"), project("project:partner-b")],
      relationships: [takesPart("agency:mpf-caba", "project:partner-a", "lead"), takesPart("organization:unodc", "project:partner-a", "partner"),
        takesPart("organization:partner-p1", "project:partner-a", "partner"), takesPart("organization:partner-p1", "project:partner-b", "lead"),
        takesPart("organization:partner-p2", "project:partner-b", "partner")],
    });
    expect(await shared("agency:mpf-caba", "organization:unodc")).toBe(2);
    expect(await apiPartners("organization:partner-p1")).toEqual(["organization:partner-p2 1", "agency:mpf-caba 1", "organization:unodc 1"]);
    await expectExact();
    // UNODC funds the project too: two roles on one project are one shared project.
    await admin(`mutation { addParticipation(input: { actor: "organization:unodc", project: "project:partner-a", role: "funder", ${CITE} }) { created } }`);
    expect(await shared("agency:mpf-caba", "organization:unodc")).toBe(2);
    await expectExact();
    // A participation added through the editing mutation: UNODC joins project B.
    await admin(`mutation { addParticipation(input: { actor: "organization:unodc", project: "project:partner-b", role: "expert-support", ${CITE} }) { created } }`);
    expect(await shared("organization:partner-p1", "organization:unodc")).toBe(2);
    expect(await shared("organization:partner-p2", "organization:unodc")).toBe(1);
    await expectExact();
  });

  it("follow removed participations: one of two roles keeps the pair, the last one drops it", async () => {
    expect(await admin(`mutation { removeParticipation(actor: "organization:unodc", project: "project:partner-a", role: "partner") }`)).toEqual({ removeParticipation: true });
    expect(await shared("agency:mpf-caba", "organization:unodc")).toBe(2);
    await expectExact();
    await admin(`mutation { removeParticipation(actor: "organization:unodc", project: "project:partner-a", role: "funder") }`);
    expect(await shared("agency:mpf-caba", "organization:unodc")).toBe(1);
    expect(await shared("organization:partner-p1", "organization:unodc")).toBe(1);
    await expectExact();
  });

  it("follow a deleted project and a deleted actor", async () => {
    await admin(`mutation { deleteEntity(id: "project:partner-a") { fundingFlows } }`);
    expect(await shared("agency:mpf-caba", "organization:partner-p1")).toBe(0);
    expect(await apiPartners("organization:partner-p1")).toEqual(["organization:partner-p2 1", "organization:unodc 1"]);
    await expectExact();
    await importDoc({ nodes: [org("organization:partner-p3", "Partner Three")], relationships: [takesPart("organization:partner-p3", "project:partner-b", "partner")] });
    expect(await apiPartners("organization:partner-p1")).toEqual(["organization:partner-p3 1", "organization:partner-p2 1", "organization:unodc 1"]);
    const removed = await admin(`mutation { deleteEntity(id: "organization:partner-p3") { relationships { type count } } }`);
    // The tallies' relationships are bookkeeping: a deletion does not list them.
    expect(removed.deleteEntity.relationships).toEqual([{ type: "PARTICIPATES_IN", count: 1 }]);
    await expectExact();
  });

  it("follow merges and splits of actors and of projects", async () => {
    await importDoc({
      nodes: [org("organization:partner-p3", "Partner Three"), project("project:partner-c")],
      relationships: [takesPart("organization:partner-p3", "project:partner-c", "lead"), takesPart("organization:partner-p1", "project:partner-c", "partner"),
        takesPart("organization:partner-p2", "project:partner-c", "partner"), takesPart("agency:fiscalia-chile", "project:partner-c", "partner")],
    });
    // p1 and p2 share B and C; merged, the kept one is each one's partner no more, and shares C with p3 once.
    expect(await shared("organization:partner-p1", "organization:partner-p2")).toBe(2);
    await admin(`mutation { mergeEntities(keep: "organization:partner-p1", remove: "organization:partner-p2") { id } }`);
    expect(await apiPartners("organization:partner-p1")).toEqual(["agency:fiscalia-chile 1", "organization:partner-p3 1", "organization:unodc 1"]);
    await expectExact();
    await admin(`mutation { splitEntity(id: "organization:partner-p2") { keep } }`);
    expect(await shared("organization:partner-p1", "organization:partner-p2")).toBe(2);
    await expectExact();
    await admin(`mutation { mergeEntities(keep: "project:partner-b", remove: "project:partner-c") { id } }`);
    expect(await shared("organization:partner-p1", "organization:partner-p2")).toBe(1);
    expect(await shared("organization:partner-p3", "organization:unodc")).toBe(1);
    await expectExact();
    await admin(`mutation { splitEntity(id: "project:partner-c") { keep } }`);
    expect(await shared("organization:partner-p1", "organization:partner-p2")).toBe(2);
    await expectExact();
  });

  it("stay exact when writers add participants to one project at once", async () => {
    const names = Array.from({ length: 6 }, (_, i) => `organization:partner-c${i}`);
    await importDoc({ nodes: [...names.map((id, i) => org(id, `Concurrent ${i}`)), project("project:partner-d")],
      relationships: [takesPart("agency:mpf-caba", "project:partner-d", "lead")] });
    // Each writer adds one participant to the same project, all at once, twice over.
    await Promise.all(names.map((id) => admin(`mutation { addParticipation(input: { actor: "${id}", project: "project:partner-d", role: "partner", ${CITE} }) { created } }`)));
    await Promise.all(names.map((id) => admin(`mutation { addParticipation(input: { actor: "${id}", project: "project:partner-b", role: "partner", ${CITE} }) { created } }`)));
    for (const a of names) for (const b of names) if (a < b) expect(await shared(a, b), `${a} ${b}`).toBe(2);
    expect(await shared("agency:mpf-caba", names[0]!)).toBe(1);
    await Promise.all(names.slice(0, 3).map((id) => admin(`mutation { removeParticipation(actor: "${id}", project: "project:partner-d", role: "partner") }`)));
    expect(await shared(names[0]!, names[1]!)).toBe(1);
    expect(await shared(names[3]!, names[4]!)).toBe(2);
    await expectExact();
  });
});

/** The seed: the Buenos Aires City prosecution service shares one project with each partner; ties go by name. */
const SEED_MPF_CABA = [
  "agency:fiscalia-chile 1", "group:experts-united-states 1", "organization:idb 1", "agency:miami-prosecution-office 1", "organization:ncsc 1",
  "group:prosecutors-costa-rica 1", "group:prosecutors-panama 1", "group:prosecutors-peru 1", "organization:undp 1", "organization:unodc 1",
];
