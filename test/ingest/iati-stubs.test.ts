/**
 * IATI related-activity stubs: the 425 activities the two shared files name in a related-activity
 * without holding them. A stub is a reference, not a project: lists, counts, Ask, search and exports
 * leave it out; `related`, `project(reference:)` and `node(id:)` still reach it, as `stub: true`.
 * Checked against the XML read with another parser (fast-xml-parser).
 */
import "reflect-metadata";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/config.js";
import { migrate } from "../../src/db/migrations.js";
import { ProjectRepository, ProjectStatistics } from "../../src/domain/projects/project.repository.js";
import { ProjectSortField, SortDirection } from "../../src/domain/projects/project.types.js";
import type { ResolvedProjectFilter } from "../../src/domain/projects/project-query.js";
import { LoaderCache } from "../../src/domain/shared/relation-loader.js";
import { importFile } from "../../src/ingest/import-pipeline.js";
import { dataOf, graphqlClient, recordingRun, startTestServer, type TestServer } from "../support/api.js";
import { testDatabase } from "../support/db.js";
import { IATI_DIR } from "../support/iati.js";
import { resetToSeed } from "../support/reset.js";

const FILES = [path.join(IATI_DIR, "ocha-hdx-covid-dportal-2.03.xml"), path.join(IATI_DIR, "okfn-who-argentina-2.03.xml")];
const db = testDatabase();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "coopgraph-stubs-"));
let server: TestServer;
let gql: ReturnType<typeof graphqlClient>;

/** The XML's own view: the activities the files hold, and the related activities they name but do not hold. */
function fromXml() {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: () => true, parseTagValue: false, trimValues: true });
  const activities = FILES.flatMap((f) => parser.parse(fs.readFileSync(f, "utf8"))["iati-activities"][0]["iati-activity"] as any[]);
  const held = new Set(activities.map((a) => String(a["iati-identifier"][0]).trim()));
  const named = activities.flatMap((a) => (a["related-activity"] ?? []).map((r: any) => String(r["@ref"] ?? "").trim())).filter(Boolean);
  return { activities: held.size, stubs: [...new Set(named)].filter((ref) => !held.has(ref)).sort() };
}
const xml = fromXml();
const SEED_PROJECTS = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "seed", "cooperation.json"), "utf8")).nodes as { type: string }[])
  .filter((n) => n.type === "Project").length;
const STUB = "XM-DAC-41114-OUTPUT-00121231";
const ITS_PARENT = "XM-DAC-41114-PROJECT-00127336";

const noFilter: ResolvedProjectFilter = {
  projectIds: null, involvingAll: [], involvingAny: [], themeIds: [], kinds: [], countryIds: [], regionIds: [], funderIds: [], allFunderIds: [], roles: null, activeFrom: null, activeTo: null,
};
const projection = { project: new Set(["id", "name"]), participation: new Set<string>(), actor: new Set<string>(), country: new Set<string>() };

function repository() {
  const recording = recordingRun(db);
  return { repo: new ProjectRepository(recording.run, new LoaderCache(), new ProjectStatistics()), sent: recording.sent };
}

beforeAll(async () => {
  await resetToSeed(db);
  for (const file of FILES) await importFile(db, file);
  server = await startTestServer(db);
  gql = graphqlClient(server);
}, 180_000);

afterAll(async () => {
  await server?.close();
  await resetToSeed(db);
  await db.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("IATI related-activity stubs", () => {
  it("are the related activities the files name without holding them, each labelled ProjectStub", async () => {
    expect(xml.activities).toBe(558);
    expect(xml.stubs).toHaveLength(425);
    expect(SEED_PROJECTS).toBe(5);
    const [row] = await db.read(`MATCH (s:ProjectStub) WITH s ORDER BY s.iatiIdentifier
      RETURN collect(s.iatiIdentifier) AS stubs, collect(DISTINCT s.stub) AS flags, collect(DISTINCT s:Project) AS projects`);
    expect(row).toEqual({ stubs: xml.stubs, flags: [true], projects: [true] });
    const [others] = await db.read("MATCH (p:Project) WHERE NOT p:ProjectStub RETURN count(p) AS n, count(CASE WHEN p.stub THEN 1 END) AS stubs");
    expect(others).toEqual({ n: 563, stubs: 0 });
  });

  it("are not counted, listed or answered for: 558 activities and the seed's 5 projects", async () => {
    const { projects, iati } = dataOf(await gql(`{ projects { totalCount } iati: projects(filter: { kinds: ["iati-activity"] }) { totalCount } }`));
    expect(projects.totalCount).toBe(xml.activities + SEED_PROJECTS);
    expect(iati.totalCount).toBe(558);
    // Every page of every sort: stubs (no start date, no participant) would come first in ascending order.
    const stubIds = new Set(xml.stubs.map((s) => `project:iati:${s}`));
    for (const field of ["START_DATE", "PARTICIPANTS", "NAME"]) {
      const ids: string[] = [];
      let after: string | null = null;
      do {
        const page: any = dataOf(await gql(`query($after: String, $field: ProjectSortField!) {
          projects(first: 100, after: $after, sort: { field: $field, direction: ASC }) { edges { node { id stub } } pageInfo { hasNextPage endCursor } } }`,
        { after, field })).projects;
        for (const { node } of page.edges) {
          expect(node.stub).toBe(false);
          ids.push(node.id);
        }
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect(new Set(ids).size, field).toBe(563);
      expect(ids.filter((id) => stubIds.has(id)), field).toEqual([]);
    }
    const { ask } = dataOf(await gql(`{ ask(question: "How many projects?") { answer { count summary } } }`));
    expect(ask.answer).toEqual({ count: 563, summary: "563 projects" });
  });

  it("stay reachable as related activities and by reference, as stub: true", async () => {
    const data = dataOf(await gql(`query($parent: String!, $stub: String!) {
      parent: project(reference: $parent) { id stub related { relation project { id name stub startYear participants { role } } } }
      stub: project(reference: $stub) { id name stub iatiIdentifier }
      node(id: "project:iati:${STUB}") { __typename ... on Project { stub } } }`, { parent: ITS_PARENT, stub: STUB }));
    expect(data.parent.stub).toBe(false);
    expect(data.parent.related).toContainEqual({
      relation: "child", project: { id: `project:iati:${STUB}`, name: STUB, stub: true, startYear: null, participants: [] },
    });
    expect(data.stub).toEqual({ id: `project:iati:${STUB}`, name: STUB, stub: true, iatiIdentifier: STUB });
    expect(data.node).toEqual({ __typename: "Project", stub: true });
  });

  it("are left out of search, with kinds and without", async () => {
    const { all, projects } = dataOf(await gql(`query($q: String!) {
      all: search(text: $q, first: 10) { item { ... on Node { id } } }
      projects: search(text: $q, kinds: [PROJECT], first: 10) { item { ... on Node { id } } } }`, { q: STUB }));
    // Its identifier is its only name, and the only name of the other UNDP outputs it resembles: every hit was a stub.
    expect([...all, ...projects].map((h: any) => h.item.id as string)).toEqual([]);
  });

  it("are not exported: the unfiltered bipartite GEXF holds the 563 projects and their actors", async () => {
    const res = await fetch(`${server.url}export?format=gexf&mode=bipartite`);
    expect(res.status).toBe(200);
    const gexf = await res.text();
    const nodes = [...gexf.matchAll(/<node id="([^"]+)"/g)].map((m) => m[1]!);
    const projects = nodes.filter((id) => id.startsWith("project:"));
    expect(projects).toHaveLength(563);
    expect(projects.filter((id) => xml.stubs.includes(id.slice("project:iati:".length)))).toEqual([]);
    const [actors] = await db.read("MATCH (a:Actor)-[:PARTICIPATES_IN]->(p:Project) WHERE NOT p:ProjectStub RETURN count(DISTINCT a) AS n");
    expect(nodes).toHaveLength(563 + Number(actors!.n));
  });

  it("keep every project read index-backed, and the unfiltered count on the count store", async () => {
    const { repo, sent } = repository();
    expect(await repo.count(noFilter)).toBe(563);
    const countPlan = await planOf(sent.at(-1)!);
    expect(countPlan.filter((o) => /^Node|Scan|Seek/.test(o))).toEqual(["NodeCountFromCountStore", "NodeCountFromCountStore"]);
    sent.length = 0;
    const filters: Partial<ResolvedProjectFilter>[] = [
      {}, { kinds: ["iati-activity"] }, { countryIds: ["country:AR"] }, { themeIds: ["theme:dac-12264"] }, { funderIds: ["organization:undp"] },
      { involvingAll: [{ reference: "UNDP", id: "organization:undp", name: "UNDP", type: "Organization", matchedBy: "id" }] }, { activeFrom: 2020, activeTo: 2021 },
    ];
    for (const f of filters) {
      for (const sort of [ProjectSortField.START_DATE, ProjectSortField.PARTICIPANTS]) {
        await repo.page({ filter: { ...noFilter, ...f }, sort, direction: SortDirection.ASC, first: 20, after: null, projection });
      }
      if (Object.keys(f).length) await repo.count({ ...noFilter, ...f });
    }
    for (const query of sent.filter((q) => /MATCH \(p/.test(q.cypher) || /RETURN count\(p\)/.test(q.cypher))) {
      const operators = await planOf(query);
      expect(operators.some((o) => /AllNodesScan/.test(o)), `${query.cypher}\n${operators.join(", ")}`).toBe(false);
      // A whole label is read only by a count with nothing to start from but its years (the old plan too).
      if (!/p\.startYear|p\.endYear|p\.kind/.test(query.cypher) || /USING INDEX/.test(query.cypher)) {
        expect(operators.some((o) => /NodeByLabelScan/.test(o)), `${query.cypher}\n${operators.join(", ")}`).toBe(false);
      }
    }
  });

  it("of a graph imported before get their label from the migration", async () => {
    await db.write("MATCH (s:ProjectStub) REMOVE s:ProjectStub");
    expect(await repository().repo.count(noFilter)).toBe(988);
    await migrate(db);
    expect(await repository().repo.count(noFilter)).toBe(563);
    const [row] = await db.read("MATCH (s:ProjectStub) RETURN count(s) AS n");
    expect(row!.n).toBe(425);
  });

  it("become full projects, same node and relationships, when the activity itself is imported", async () => {
    const [before] = await db.read(`MATCH (s:Project {id: $id}) RETURN elementId(s) AS element,
      [(p)-[r:RELATED_TO]->(s) | p.id + ' ' + r.relation] AS related`, { id: `project:iati:${STUB}` });
    expect(before!.related).toEqual([`project:iati:${ITS_PARENT} child`]);
    const file = path.join(tmp, "undp-output.xml");
    fs.writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
 <iati-activity default-currency="USD" last-updated-datetime="2021-01-01T00:00:00">
  <iati-identifier>${STUB}</iati-identifier>
  <reporting-org ref="XM-DAC-41114" type="40"><narrative>United Nations Development Programme</narrative></reporting-org>
  <title><narrative xml:lang="en">Ventilator prototype testing</narrative></title>
  <participating-org ref="XM-DAC-41114" role="4"><narrative>United Nations Development Programme</narrative></participating-org>
  <recipient-country code="AR" percentage="100"/>
  <activity-date type="2" iso-date="2020-06-01"/>
  <related-activity ref="${ITS_PARENT}" type="1"/>
 </iati-activity>
</iati-activities>
`);
    const inArgentina = { ...noFilter, countryIds: ["country:AR"] };
    const argentina = await repository().repo.count(inArgentina);
    const summary = await importFile(db, file);
    expect(summary).toMatchObject({ records: 1, created: 1, rejected: [] });
    const [after] = await db.read(`MATCH (s:Project {id: $id}) RETURN elementId(s) AS element, s.stub AS stub, s:ProjectStub AS labelled, s.name AS name,
      [(p)-[r:RELATED_TO]->(s) | p.id + ' ' + r.relation] AS related, [(s)-[r:RELATED_TO]->(p) | p.id + ' ' + r.relation] AS relates`, { id: `project:iati:${STUB}` });
    expect(after).toEqual({ element: before!.element, stub: false, labelled: false, name: "Ventilator prototype testing",
      related: [`project:iati:${ITS_PARENT} child`], relates: [`project:iati:${ITS_PARENT} parent`] });
    const { repo } = repository();
    expect(await repo.count(noFilter)).toBe(564);
    expect(await repo.count(inArgentina)).toBe(argentina + 1);
  });
});

async function planOf(query: { cypher: string; params: Record<string, unknown> }): Promise<string[]> {
  const session = db.driver.session();
  try {
    const result = await session.run(`EXPLAIN ${query.cypher}`, query.params);
    const operators: string[] = [];
    const walk = (plan: any) => { operators.push(String(plan.operatorType).replace(/@.*$/, "")); plan.children.forEach(walk); };
    walk(result.summary.plan);
    return operators;
  } finally {
    await session.close();
  }
}
