/**
 * ProjectFilter.ids over a real Neo4j: which of the projects named pass the other criteria (what the
 * explorer asks about the projects it draws), each id sought by the Project id constraint.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// First: it loads reflect-metadata, which the decorated types below need.
import { dataOf, graphqlClient, recordingRun, startTestServer, type TestServer } from "../support/api.js";
import { LoaderCache } from "../../src/domain/shared/relation-loader.js";
import { ProjectRepository } from "../../src/domain/projects/project.repository.js";
import { ProjectSortField, SortDirection } from "../../src/domain/projects/project.types.js";
import type { ResolvedProjectFilter } from "../../src/domain/projects/project-query.js";
import { writeGraph } from "../../src/ingest/graph-writer.js";
import { testDatabase } from "../support/db.js";
import { resetToSeed } from "../support/reset.js";

const db = testDatabase();
let server: TestServer;
let gql: ReturnType<typeof graphqlClient>;

const SOURCE = "source:test-project-ids";
const THEME = "theme:ids-probe";
const cite = [{ source: SOURCE, quote: "project ids fixture" }];
/** [id, startYear, endYear, about the theme] */
const PROJECTS: [string, number, number | null, boolean][] = [
  ["project:ids-a", 2015, 2016, true],
  ["project:ids-b", 2021, 2022, true],
  ["project:ids-c", 2021, 2021, false],
  ["project:ids-d", 2019, null, true],
  // About the theme but never named in ids: a count read from the theme's tallies would include it.
  ["project:ids-e", 2021, 2021, true],
];
const NAMED = ["project:ids-a", "project:ids-b", "project:ids-c", "project:ids-d"];

beforeAll(async () => {
  server = await startTestServer(db);
  gql = graphqlClient(server);
  await writeGraph(db, {
    sources: [{ id: SOURCE, kind: "test", title: "project ids fixture" }],
    nodes: [
      { id: THEME, type: "Theme", name: "Ids probe", sources: cite },
      ...PROJECTS.map(([id, startYear, endYear]) => ({ id, type: "Project", kind: "project", name: `Ids ${id.slice(-1)}`, startYear, endYear, sources: cite })),
    ],
    relationships: PROJECTS.filter(([, , , about]) => about).map(([id]) => ({ type: "ABOUT", from: id, to: THEME, sources: cite })),
  });
  server.referenceCache.invalidate();
}, 120_000);

afterAll(async () => {
  await resetToSeed(db, server);
  await server.close();
  await db.close();
}, 120_000);

async function passing(filter: Record<string, unknown>): Promise<{ ids: string[]; totalCount: number }> {
  const data = dataOf(await gql(`query($f: ProjectFilter) { projects(filter: $f, first: 100) { totalCount edges { node { id } } } }`, { f: filter }));
  return { ids: data.projects.edges.map((e: { node: { id: string } }) => e.node.id).sort(), totalCount: data.projects.totalCount };
}

describe("projects(filter: { ids })", () => {
  it("keeps only the projects named, and of those the ones that pass the other criteria; the count agrees", async () => {
    // An id of no project, or of another kind of entity, matches nothing.
    expect(await passing({ ids: [...NAMED, "project:ids-missing", "organization:unodc"] })).toEqual({ ids: NAMED, totalCount: 4 });
    expect(await passing({ ids: NAMED, themes: [THEME] })).toEqual({ ids: ["project:ids-a", "project:ids-b", "project:ids-d"], totalCount: 3 });
    // The years as activeFrom and activeTo read them: d (2019, no end) is not active in 2020 or after.
    expect(await passing({ ids: NAMED, themes: ["Ids probe"], activeFrom: 2020 })).toEqual({ ids: ["project:ids-b"], totalCount: 1 });
    expect(await passing({ ids: NAMED, themes: [THEME], activeTo: 2016 })).toEqual({ ids: ["project:ids-a"], totalCount: 1 });
    expect(await passing({ ids: NAMED, activeFrom: 2021 })).toEqual({ ids: ["project:ids-b", "project:ids-c"], totalCount: 2 });
    // With the seed's criteria too: none of these involves UNODC.
    expect(await passing({ ids: [...NAMED, "project:cybercrime-conferences"], involvingAll: ["UNODC"] })).toEqual({ ids: ["project:cybercrime-conferences"], totalCount: 1 });
    expect(await passing({ ids: [] })).toEqual({ ids: [], totalCount: 0 });
  });

  it("refuses more than 1000 ids with LIMIT_EXCEEDED, before any lookup", async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `project:ids-many-${i}`);
    const res = await gql(`query($ids: [ID!]) { projects(filter: { ids: $ids }) { totalCount } }`, { ids: many });
    expect(res.errors![0]!.extensions!.code).toBe("LIMIT_EXCEEDED");
    expect(res.errors![0]!.message).toBe("at most 1000 project ids in ids; this one has 1001");
    const thousand = await passing({ ids: [...many.slice(0, 999), "project:ids-a"] });
    expect(thousand).toEqual({ ids: ["project:ids-a"], totalCount: 1 });
  });

  it("seeks each id by the Project id constraint: the page and the count, EXPLAINed", async () => {
    const { run, sent } = recordingRun(db);
    const repo = new ProjectRepository(run, new LoaderCache());
    const filter: ResolvedProjectFilter = {
      projectIds: NAMED, involvingAll: [], involvingAny: [], themeIds: [THEME], kinds: [], countryIds: [], regionIds: [], funderIds: [], allFunderIds: [],
      roles: null, activeFrom: 2020, activeTo: null,
    };
    const projection = { project: new Set(["id", "name"]), participation: new Set<string>(), actor: new Set<string>(), country: new Set<string>() };
    const page = await repo.page({ filter, sort: ProjectSortField.NAME, direction: SortDirection.ASC, first: 100, after: null, projection });
    expect(page.map((p) => p.id)).toEqual(["project:ids-b"]);
    expect(await repo.count(filter)).toBe(1);
    const { run: idsOnlyRun, sent: idsOnly } = recordingRun(db);
    await new ProjectRepository(idsOnlyRun, new LoaderCache()).page({ filter: { ...filter, themeIds: [], activeFrom: null }, sort: ProjectSortField.PARTICIPANTS, direction: SortDirection.DESC, first: 2, after: null, projection });
    const queries = [...sent, ...idsOnly].filter((q) => q.params.projectIds);
    expect(queries).toHaveLength(3);
    for (const { cypher, params } of queries) {
      const session = db.driver.session();
      try {
        const result = await session.run(`EXPLAIN ${cypher}`, params);
        const steps: string[] = [];
        const walk = (plan: any) => { steps.push(`${plan.operatorType} ${String(plan.arguments.Details ?? "")}`); plan.children.forEach(walk); };
        walk(result.summary.plan);
        const plan = steps.join("\n");
        expect(plan, cypher).toMatch(/NodeUniqueIndexSeek[^\n]*p:Project/);
        expect(plan, cypher).not.toMatch(/AllNodesScan|NodeByLabelScan/);
      } finally {
        await session.close();
      }
    }
  });
});
