/**
 * `search(kinds:)` when hits of other kinds outscore every hit of the kinds asked: the page is still
 * filled with the kinds asked, as far as the index has them.
 */
import neo4j from "neo4j-driver";
import { describe, expect, it } from "vitest";
import { fuzzyQuery } from "../../src/domain/references/reference.repository.js";
import { SearchRepository } from "../../src/domain/search/search.repository.js";
import { adminSuiteOverSeed, recordingRun } from "../support/api.js";

const suite = adminSuiteOverSeed("search-kinds");
const source = { source: "source:coopgraph-enrichment", quote: "test fixture" };
// 60 projects named with "zorblax" itself outscore the 7 agencies that "zorblax" finds only through
// its typo term ("zorblex"): a page of 5 agencies once read the 50 best hits, all projects, and was empty.
const PROJECTS = Array.from({ length: 60 }, (_, i) => ({ id: `project:zorblax-${i + 1}`, type: "Project", name: `Zorblax initiative ${i + 1}`, sources: [source] }));
const AGENCY_NAMES = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf"];
const AGENCIES = AGENCY_NAMES.map((n) => ({ id: `agency:zorblex-${n.toLowerCase()}`, type: "Agency", name: `Zorblex Prosecution Office ${n}`, sources: [source] }));

describe("search with kinds", () => {
  it("fills the page with the kinds asked when hits of other kinds score higher", async () => {
    const imported = await suite.importJson({ nodes: [...PROJECTS, ...AGENCIES] });
    expect(imported.rejected).toEqual([]);
    const search = async (kinds: string, first: number) =>
      (await suite.admin(`{ search(text: "zorblax", kinds: [${kinds}], first: ${first}) { score item { __typename ... on Agency { id } ... on Project { id } } } }`)).search as any[];

    const all = await search("AGENCY, PROJECT", 100);
    expect(all).toHaveLength(67);
    // The premise: every project outscores every agency.
    expect(all.slice(0, 60).every((h) => h.item.__typename === "Project")).toBe(true);

    const agencies = await search("AGENCY", 5);
    expect(agencies.map((h) => h.item.id)).toEqual(AGENCY_NAMES.slice(0, 5).map((n) => `agency:zorblex-${n.toLowerCase()}`));
    expect(agencies.map((h) => h.score)).toEqual(all.slice(60, 65).map((h) => h.score));
    // Fewer than asked only when the index has no more of them.
    expect((await search("AGENCY", 10)).map((h) => h.item.id)).toHaveLength(7);
    expect(await search("THEME", 5)).toEqual([]);
    // The projects' own page is as before: the first hits.
    expect((await search("PROJECT", 3)).map((h) => h.item.id)).toEqual(all.slice(0, 3).map((h) => h.item.id));
  });

  it("finds a rare kind under a common word from the index itself, reading no hit of another kind", async () => {
    // 10,050 projects named with "quuxor" outscore the one agency that "quuxor" finds only through
    // its typo term: reading hits of every kind and dropping the others stopped at 10,000, all projects.
    await suite.db.write(`UNWIND range(1, 10050) AS i
      CREATE (:Project {id: 'project:quuxor-' + i, name: 'Quuxor initiative ' + i, nameKey: 'quuxor initiative ' + i,
        names: 'Quuxor initiative ' + i, searchKind: 'Project', sourceIds: ['source:coopgraph-enrichment'], quotes: ['test fixture']})`);
    expect((await suite.importJson({ nodes: [{ id: "agency:quuxer-office", type: "Agency", name: "Quuxer Prosecution Office", sources: [source] }] })).rejected).toEqual([]);
    const hits = (await suite.admin(`{ search(text: "quuxor", kinds: [AGENCY, THEME], first: 5) { score item { __typename ... on Agency { id name } } } }`)).search as any[];
    expect(hits.map((h) => [h.item.__typename, h.item.id, h.item.name])).toEqual([["Agency", "agency:quuxer-office", "Quuxer Prosecution Office"]]);
    // Its score is the one it has among every kind's hits (there, below the 10,050 projects).
    const [all] = await suite.db.read(`CALL db.index.fulltext.queryNodes('entity_search', $q, {limit: 20000}) YIELD node, score
      RETURN count(*) AS n, [x IN collect({ id: node.id, score: score }) WHERE x.id = 'agency:quuxer-office'][0].score AS score`, { q: fuzzyQuery("quuxor") });
    expect(all).toEqual({ n: 10051, score: hits[0].score });
    // One statement, and what it reads (PROFILE's db hits) is the page's hits, not the projects:
    // reading 10,000 hits to check their kinds, as before, costs over 10,000.
    const { run, sent } = recordingRun(suite.db);
    expect((await new SearchRepository(run).search("quuxor", ["Agency", "Theme"], 5)).map((h) => h.entity.id)).toEqual(["agency:quuxer-office"]);
    expect(sent).toHaveLength(1);
    const now = await dbHits(sent[0]!.cypher, sent[0]!.params);
    const before = await dbHits(`CALL db.index.fulltext.queryNodes('entity_search', $q, {limit: 10000}) YIELD node AS n, score
      WITH n, score WHERE [l IN labels(n) WHERE l <> 'Actor'][0] IN ['Agency', 'Theme'] RETURN n.id, score`, { q: fuzzyQuery("quuxor") });
    expect(now).toBeLessThan(100);
    expect(before).toBeGreaterThan(10_000);
    console.log(`search(text: "quuxor", kinds: [AGENCY, THEME], first: 5): ${now} db hits; reading 10,000 hits and dropping other kinds: ${before}`);
  }, 120_000);
});

/** The db hits of a statement, from its PROFILE. */
async function dbHits(cypher: string, params: Record<string, unknown>): Promise<number> {
  const session = suite.db.driver.session({ database: process.env.NEO4J_TEST_DATABASE });
  try {
    // Whole numbers as integers, as the application's runner sends them (a page size is a LIMIT).
    const asSent = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Number.isInteger(v) ? neo4j.int(v as number) : v]));
    const result = await session.run(`PROFILE ${cypher}`, asSent);
    type Plan = { dbHits: number; children: Plan[] };
    const total = (p: Plan): number => Number(p.dbHits) + p.children.reduce((n, c) => n + total(c), 0);
    return total(result.summary.profile as unknown as Plan);
  } finally {
    await session.close();
  }
}
