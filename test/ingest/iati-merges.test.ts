/**
 * Entity resolution and the IATI import, on both shared IATI files: what a merge removed stays
 * merged when the files are imported again or an editor upserts it by its IATI identifier, and the
 * aggregates (partner tallies, funding tallies) stay right through the merge and the re-import.
 * Expected values are read from the XML with another parser (fast-xml-parser).
 */
import fs from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importFile } from "../../src/ingest/import-pipeline.js";
import { idSlug, legacyIdSlug } from "../../src/model/names.js";
import { dataOf, graphqlClient, startTestServer, type TestServer } from "../support/api.js";
import { scaledDecimal } from "../support/decimals.js";
import { testDatabase } from "../support/db.js";
import { IATI_DIR } from "../support/iati.js";
import { resetToSeed } from "../support/reset.js";

const OCHA = path.join(IATI_DIR, "ocha-hdx-covid-dportal-2.03.xml");
const WHO_AR = path.join(IATI_DIR, "okfn-who-argentina-2.03.xml");
const KEYS = { editor: "editor-key-0123456789", admin: "admin-key-01234567890" };
const CITE = `citation: { source: "source:coopgraph-enrichment", quote: "test fact" }`;
const db = testDatabase();
let server: TestServer;

beforeAll(async () => {
  await resetToSeed(db);
  for (const file of [OCHA, WHO_AR]) await importFile(db, file);
  server = await startTestServer(db, { apiKeys: Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(",") });
}, 240_000);

afterAll(async () => {
  await server?.close();
  await resetToSeed(db);
  await db.close();
});

/** The data of a request as that role; fails the test on any GraphQL error. */
async function as(who: keyof typeof KEYS | "anonymous", query: string, variables?: Record<string, unknown>): Promise<any> {
  return dataOf(await graphqlClient(server)(query, variables, who === "anonymous" ? {} : { authorization: `Bearer ${KEYS[who]}` }));
}

/** The activities of a file as fast-xml-parser reads them (every element a list). */
function activities(file: string): any[] {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: () => true, parseTagValue: false, trimValues: true });
  return parser.parse(fs.readFileSync(file, "utf8"))["iati-activities"][0]["iati-activity"];
}
const text = (v: any): string => (typeof v === "string" ? v : v?.["#text"] ?? "");
const identifierOf = (a: any) => text(a["iati-identifier"][0]);
const orgNames = (a: any) => (a["participating-org"] ?? []).map((p: any) => text(p.narrative?.[0]));

describe("projects merged by entity resolution, and the IATI import", () => {
  // The same WHO output in Argentina, published for two bienniums: an editor judges them one project.
  const KEPT = "XM-DAC-928-AR-2024-25-01.001.AM01.ARG01";
  const REMOVED = "XM-DAC-928-AR-2022-23-01.001.AM01.ARG01";
  const INTPA = "Directorate-General for International Partnerships (INTPA), European Commission";
  const intpaId = `organization:iati-name:${idSlug(INTPA)}`;
  const who = activities(WHO_AR);
  const expenditures = (identifier: string) => who.filter((a) => identifierOf(a) === identifier).flatMap((a) => a.transaction ?? [])
    .filter((t: any) => t["transaction-type"][0]["@code"][0] === "4").map((t: any) => text(t.value[0]));
  const withIntpa = who.filter((a) => orgNames(a).includes(INTPA)).map(identifierOf);

  const sharedWithWho = async () => {
    const partners = await as("anonymous", `query($a: String!) { partners(actor: $a, first: 100) { actor { id } sharedProjects } }`, { a: intpaId });
    return partners.partners.find((p: any) => p.actor.id === "organization:iati:XM-DAC-928")?.sharedProjects;
  };
  const intpaProjects = async () => (await as("anonymous", `query($a: [String!]) { projects(filter: { involvingAll: $a }, first: 100) { totalCount edges { node { id } } } }`,
    { a: [intpaId] })).projects;
  const expenditureByProject = async () => (await as("anonymous", `{ fundingFlows(groupBy: [PROJECT], filter: { funders: ["XM-DAC-928"], countries: ["AR"], flowTypes: ["expenditure"] }) {
    keys { value } currency total flows } }`)).fundingFlows as { keys: { value: string }[]; currency: string; total: string; flows: number }[];
  const whoInArgentina = async () => (await as("anonymous", `{ fundingFlows(groupBy: [FUNDER], filter: { countries: ["AR"], flowTypes: ["expenditure"] }) {
    keys { value } currency total flows } }`)).fundingFlows.find((g: any) => g.keys[0].value === "organization:iati:XM-DAC-928");

  it("writes a re-import of a merged-away activity into the project it was merged into: nothing recreated, counts and tallies kept", async () => {
    // Read from the XML: the EU's INTPA funds both bienniums (and others), with WHO.
    expect(withIntpa).toContain(KEPT);
    expect(withIntpa).toContain(REMOVED);
    expect(await sharedWithWho()).toBe(withIntpa.length);
    const fundingBefore = await whoInArgentina();
    expect(fundingBefore.flows).toBeGreaterThan(0);

    const merged = await as("admin", `mutation { mergeEntities(keep: "project:iati:${KEPT}", remove: "project:iati:${REMOVED}") { id } }`);
    expect(merged.mergeEntities.id).toBe(`project:iati:${KEPT}`);

    const check = async () => {
      expect((await intpaProjects()).totalCount).toBe(withIntpa.length - 1);
      expect((await intpaProjects()).edges.map((e: any) => e.node.id)).not.toContain(`project:iati:${REMOVED}`);
      expect(await sharedWithWho()).toBe(withIntpa.length - 1);
      // The flows of both activities, under their own ids, fund the one project: its expenditure is both bienniums'.
      const groups = await expenditureByProject();
      expect(groups.map((g) => g.keys[0]!.value)).not.toContain(`project:iati:${REMOVED}`);
      const kept = groups.find((g) => g.keys[0]!.value === `project:iati:${KEPT}`)!;
      expect(kept.flows).toBe(expenditures(KEPT).length + expenditures(REMOVED).length);
      expect(scaledDecimal(kept.total)).toBe([...expenditures(KEPT), ...expenditures(REMOVED)].map((v) => scaledDecimal(v)).reduce((a, b) => a + b));
      const [flows] = await db.read(`MATCH (f:Funding)-[:FUNDS]->(p:Project) WHERE f.id STARTS WITH $prefix RETURN collect(DISTINCT p.id) AS projects, count(f) AS n`,
        { prefix: `funding:iati:${REMOVED}:` });
      expect(flows!.projects).toEqual([`project:iati:${KEPT}`]);
      // The funding tallies count each flow once, as before the merge.
      expect(await whoInArgentina()).toEqual(fundingBefore);
      const [gone] = await db.read("MATCH (p:Project) WHERE p.id = $id OR p.iatiIdentifier = $identifier RETURN count(p) AS n",
        { id: `project:iati:${REMOVED}`, identifier: REMOVED });
      expect(Number(gone!.n)).toBe(0);
    };
    await check();

    // The first re-import writes the merged-in activity into the kept project (its hash is new there), then nothing changes.
    expect(await importFile(db, WHO_AR)).toMatchObject({ records: who.length, created: 0, updated: 1, unchanged: who.length - 1, rejected: [] });
    await check();
    expect(await importFile(db, WHO_AR)).toMatchObject({ created: 0, updated: 0, unchanged: who.length });

    // Both activities changed at once (their stored hashes stale): written in one batch, the kept
    // project stays its own activity's, and a third import finds both unchanged: they do not take turns.
    await db.write(`MATCH (p:Project {id: $id}) SET p.contentHash = 'stale'`, { id: `project:iati:${KEPT}` });
    await db.write(`MATCH (s:Source {id: $id}) SET s.contentHash = 'stale'`, { id: `source:iati:${REMOVED}` });
    expect(await importFile(db, WHO_AR)).toMatchObject({ created: 0, updated: 2, unchanged: who.length - 2 });
    await check();
    const [project] = await db.read(`MATCH (p:Project {id: $id}) RETURN p.iatiIdentifier AS identifier, p.startDate AS start, p.endDate AS end, p.sourceIds AS sources`,
      { id: `project:iati:${KEPT}` });
    // 2024-25's own dates (actual start 2024-01-01, planned end 2025-12-31), not 2022-23's.
    expect(project).toMatchObject({ identifier: KEPT, start: "2024-01-01", end: "2025-12-31" });
    expect(project!.sources).toEqual(expect.arrayContaining([`source:iati:${KEPT}`, `source:iati:${REMOVED}`]));
    expect(await importFile(db, WHO_AR)).toMatchObject({ created: 0, updated: 0, unchanged: who.length });

    // The merge keeps the removed project's identifier, by which an editor's upsert writes into the kept project too.
    const [record] = await db.read("MATCH (m:MergeRecord {removed: $id}) RETURN m.removedIatiIdentifier AS identifier", { id: `project:iati:${REMOVED}` });
    expect(record!.identifier).toBe(REMOVED);
    const upserted = await as("editor", `mutation { upsertProject(input: { name: "WHO Argentina HIV output 2022-2023", kind: "iati-activity",
      iatiIdentifier: "${REMOVED}", description: "Edited", ${CITE} }) { id created } }`);
    expect(upserted.upsertProject).toEqual({ id: `project:iati:${KEPT}`, created: false });
    const [edited] = await db.read("MATCH (p:Project {id: $id}) RETURN p.iatiIdentifier AS identifier, p.description AS description, p.aliases AS aliases",
      { id: `project:iati:${KEPT}` });
    expect(edited).toMatchObject({ identifier: KEPT, description: "Edited" });
    expect(edited!.aliases).toContain("WHO Argentina HIV output 2022-2023");
    await check();
  });
});

describe("organisations merged by entity resolution", () => {
  it("writes upsertActor by the IATI ref of an organisation merged away into the organisation it was merged into", async () => {
    // WHO publishes under XM-DAC-928 and 00006 (README, entity resolution): one body.
    await as("editor", `mutation { judgeDuplicate(a: "organization:iati:00006", b: "organization:iati:XM-DAC-928", judgement: SAME) { merge { keep removed } } }`);
    const [kept] = await db.read("MATCH (m:MergeRecord {removed: 'organization:iati:00006'}) WHERE NOT m.undone RETURN m.keep AS keep, m.removed AS removed");
    expect(kept).toEqual({ keep: "organization:iati:XM-DAC-928", removed: "organization:iati:00006" });
    const [before] = await db.read("MATCH (a:Actor {id: $id}) RETURN a.name AS name, a.iatiRef AS ref", { id: kept!.keep });
    const upserted = await as("editor", `mutation { upsertActor(input: { kind: ORGANIZATION, iatiRef: "00006", name: "WHO headquarters (00006)", organizationType: "multilateral", ${CITE} }) { id created } }`);
    expect(upserted.upsertActor).toEqual({ id: kept!.keep, created: false });
    const [after] = await db.read("MATCH (a:Actor {id: $id}) RETURN a.name AS name, a.iatiRef AS ref, a.aliases AS aliases, a.organizationType AS type", { id: kept!.keep });
    expect(after).toMatchObject({ name: before!.name, ref: before!.ref, type: "multilateral" });
    expect(after!.aliases).toContain("WHO headquarters (00006)");
    const [copies] = await db.read("MATCH (a:Actor) WHERE a.iatiRef = '00006' OR a.id = $removed OR a.name = 'WHO headquarters (00006)' RETURN count(a) AS n", { removed: kept!.removed });
    expect(Number(copies!.n)).toBe(0);
  });

  it("resolves the merged-away organisation's IATI ref and id to the organisation it was merged into, wherever a reference is taken", async () => {
    // Merged in the test above: WHO's 00006 into XM-DAC-928.
    const read = await as("anonymous", `{ resolveReferences(references: ["00006", "organization:iati:00006", "XM-DAC-928"]) { id matchedBy }
      byRef: projects(filter: { funders: ["00006"] }) { totalCount } byKept: projects(filter: { funders: ["XM-DAC-928"] }) { totalCount } }`);
    expect(read.resolveReferences).toEqual([
      { id: "organization:iati:XM-DAC-928", matchedBy: "IATI identifier (merged)" },
      { id: "organization:iati:XM-DAC-928", matchedBy: "id (merged)" },
      { id: "organization:iati:XM-DAC-928", matchedBy: "IATI identifier" },
    ]);
    expect(read.byRef.totalCount).toBe(read.byKept.totalCount);
    expect(read.byKept.totalCount).toBeGreaterThan(0);
  });

  it("follows an organisation merged away under the id an earlier release gave its long name (cut at 80 characters)", async () => {
    // In the WHO Argentina file, a funder without a ref whose name is 85 characters long.
    const name = "Federal Ministry for the Environment, Nature Conservation and Nuclear Safety, Germany";
    const activity = activities(WHO_AR).find((a) => orgNames(a).includes(name));
    const identifier = identifierOf(activity);
    expect(identifier).toBe("XM-DAC-928-AR-2020-21-03.001.AM01.ARG02");
    const [current, legacy] = [`organization:iati-name:${idSlug(name)}`, `organization:iati-name:${legacyIdSlug(name)}`];
    expect(current).not.toBe(legacy);
    // The graph as an earlier release left it: the ministry under its cut id. An editor then merges it into the ministry they wrote.
    await db.write("MATCH (o:Actor {id: $current}) SET o.id = $legacy", { current, legacy });
    await as("editor", `mutation { upsertActor(input: { kind: ORGANIZATION, id: "organization:bmu", name: "German Federal Ministry for the Environment", acronyms: ["BMU"], ${CITE} }) { id } }`);
    await as("admin", `mutation { mergeEntities(keep: "organization:bmu", remove: "${legacy}") { id } }`);
    // The file changes (the activity's stored hash is stale): it is imported again.
    await db.write("MATCH (p:Project {id: $id}) SET p.contentHash = 'stale'", { id: `project:iati:${identifier}` });
    expect(await importFile(db, WHO_AR)).toMatchObject({ created: 0, updated: 1, rejected: [] });
    const rows = await db.read(`MATCH (a:Actor)-[r:PARTICIPATES_IN]->(:Project {id: $id}) WHERE r.role = 'funder' RETURN a.id AS id ORDER BY id`, { id: `project:iati:${identifier}` });
    expect(rows.map((r) => r.id)).toContain("organization:bmu");
    const [copies] = await db.read("MATCH (a:Actor) WHERE a.id IN [$current, $legacy] OR a.name = $name RETURN count(a) AS n", { current, legacy, name });
    expect(Number(copies!.n)).toBe(0);
    // Its role as the XML gives it (role 1: funding), and its partners are the kept ministry's.
    const roles = (activity["participating-org"] as any[]).filter((p) => text(p.narrative?.[0]) === name).map((p) => p["@role"][0]);
    expect(roles).toEqual(["1"]);
    const partners = await as("anonymous", `{ partners(actor: "organization:bmu", first: 100) { actor { id } sharedProjects } }`);
    expect(partners.partners).toContainEqual({ actor: { id: "organization:iati:XM-DAC-928" }, sharedProjects: 1 });
  });
});

describe("acronyms publishers write into names", () => {
  it("adds them on re-import to an organisation stored without them, keeping those an editor gave", async () => {
    // The OCHA file names XM-DAC-928 "World Health Organization (WHO)"; an earlier release stored no acronym, and an editor added OMS.
    const ocha = activities(OCHA);
    expect(ocha.flatMap((a) => a["participating-org"] ?? []).some((p: any) => p["@ref"]?.[0] === "XM-DAC-928" && text(p.narrative?.[0]) === "World Health Organization (WHO)")).toBe(true);
    await db.write("MATCH (o:Actor {id: 'organization:iati:XM-DAC-928'}) SET o.acronyms = ['OMS'], o.names = o.name + ' | OMS'");
    const summary = await importFile(db, OCHA);
    expect(summary).toMatchObject({ created: 0, updated: 0, unchanged: ocha.length });
    const [who] = await db.read("MATCH (o:Actor {id: 'organization:iati:XM-DAC-928'}) RETURN o.acronyms AS acronyms, o.names AS names");
    expect(who!.acronyms).toEqual(["OMS", "WHO"]);
    expect(String(who!.names).split(" | ")).toEqual(expect.arrayContaining(["OMS", "WHO"]));
    const found = await as("anonymous", `{ search(text: "WHO", kinds: [ORGANIZATION], first: 20) { item { ... on Organization { id } } } }`);
    expect(found.search.map((s: any) => s.item.id)).toContain("organization:iati:XM-DAC-928");
  });
});
