/**
 * `search(kinds:)` when hits of other kinds outscore every hit of the kinds asked: the page is still
 * filled with the kinds asked, as far as the index has them.
 */
import { describe, expect, it } from "vitest";
import { adminSuiteOverSeed } from "../support/api.js";

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
});
