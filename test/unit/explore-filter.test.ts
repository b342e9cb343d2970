/** The explorer's theme and year filter over the drawn projects: asked of the API in pages that never have a second, and what is left unchecked said. */
import { describe, expect, it } from "vitest";
import { passingFilter } from "../../web/explore/filters.js";
import { projectFilterQuery } from "../../web/explore/queries.js";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `project:p${String(i).padStart(5, "0")}`);
/** The API's answer for a graph where every even project passes: each group is one page of at most 100 ids. */
const api = (asked: string[][][]) => async (groups: string[][]) => {
  asked.push(groups);
  expect(groups.length).toBeLessThanOrEqual(10);
  for (const group of groups) expect(group.length).toBeLessThanOrEqual(100);
  return groups.flat().filter((id) => Number(id.slice(-5)) % 2 === 0);
};

describe("passingFilter", () => {
  it("asks about every project in groups of at most 100 ids, ten groups a request, and keeps those the API passes", async () => {
    const asked: string[][][] = [];
    const projects = ids(2500);
    const answer = await passingFilter([...projects, projects[0]!], api(asked));
    expect(asked.map((r) => r.map((g) => g.length))).toEqual([Array(10).fill(100), Array(10).fill(100), [100, 100, 100, 100, 100]]);
    expect(asked.flat(2).sort()).toEqual(projects);
    expect([...answer.passing].sort()).toEqual(projects.filter((_, i) => i % 2 === 0));
    expect(answer).toMatchObject({ unchecked: 0, note: null });
  });

  it("says how many projects were not checked, and why: beyond ten requests, or a request that failed", async () => {
    const asked: string[][][] = [];
    const many = await passingFilter(ids(10_500), api(asked));
    expect(asked).toHaveLength(10);
    expect(many.unchecked).toBe(500);
    expect(many.note).toBe("500 projects not checked against the themes and years, hidden (only 10000 projects are asked about)");
    let calls = 0;
    const failing = await passingFilter(ids(1500), async (groups) => {
      if (calls++ === 1) throw new Error("too many requests");
      return api([])(groups);
    });
    expect(failing.unchecked).toBe(500);
    expect(failing.passing.size).toBe(500);
    expect(failing.note).toBe("500 projects not checked against the themes and years, hidden (too many requests)");
  });

  it("asks one page of the filter per group, as many ids as a page holds, the themes and years shared", () => {
    expect(projectFilterQuery(2)).toBe(`query ExplorerProjectFilter($ids0: [ID!]!, $ids1: [ID!]!, $themes: [String!], $from: Int, $to: Int) {
  p0: projects(filter: { ids: $ids0, themes: $themes, activeFrom: $from, activeTo: $to }, first: 100) { edges { node { id } } }
  p1: projects(filter: { ids: $ids1, themes: $themes, activeFrom: $from, activeTo: $to }, first: 100) { edges { node { id } } }
}`);
  });
});
