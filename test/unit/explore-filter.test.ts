/** The explorer's theme filter over the drawn projects: chunks that fit linksAmong, and what is left unchecked said. */
import { describe, expect, it } from "vitest";
import { aboutThemes } from "../../web/explore/filters.js";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `project:p${String(i).padStart(5, "0")}`);
/** linksAmong over ABOUT, for a graph where every even project is about theme:a and every project about theme:other. */
const about = (asked: string[][]) => async (chunk: string[]) => {
  asked.push(chunk);
  expect(chunk.length).toBeLessThanOrEqual(1000);
  const inChunk = new Set(chunk);
  return chunk.filter((id) => id.startsWith("project:")).flatMap((id) => [
    ...(Number(id.slice(-5)) % 2 === 0 && inChunk.has("theme:a") ? [{ source: id, target: "theme:a", type: "ABOUT", role: null }] : []),
    ...(inChunk.has("theme:other") ? [{ source: id, target: "theme:other", type: "ABOUT", role: null }] : []),
  ]);
};

describe("aboutThemes", () => {
  it("asks in chunks of at most 1000 ids, each with every theme, and keeps the projects about one of them", async () => {
    const asked: string[][] = [];
    const projects = ids(2500);
    const answer = await aboutThemes(projects, ["theme:a", "theme:b"], about(asked));
    expect(asked.map((c) => c.length)).toEqual([1000, 1000, 506]);
    for (const chunk of asked) expect(chunk.slice(-2)).toEqual(["theme:a", "theme:b"]);
    expect(new Set(asked.flatMap((c) => c.slice(0, -2)))).toEqual(new Set(projects));
    expect([...answer.passing].sort()).toEqual(projects.filter((_, i) => i % 2 === 0));
    expect(answer).toMatchObject({ unchecked: 0, note: null });
  });

  it("says how many projects were not checked, and why: beyond ten requests, or a request that failed", async () => {
    const asked: string[][] = [];
    const many = await aboutThemes(ids(10_500), ["theme:a"], about(asked));
    expect(asked).toHaveLength(10);
    expect(many.unchecked).toBe(10_500 - 9_990);
    expect(many.note).toBe("510 projects not checked against the themes, hidden (only 9990 projects are asked about)");
    let calls = 0;
    const failing = await aboutThemes(ids(1500), ["theme:a"], async (chunk) => {
      if (calls++ === 1) throw new Error("too many requests");
      return about([])(chunk);
    });
    expect(failing.unchecked).toBe(501);
    expect(failing.passing.size).toBe(500);
    expect(failing.note).toBe("501 projects not checked against the themes, hidden (too many requests)");
  });
});
