/** The collection helpers every layer shares (src/model/collections.ts). */
import { describe, expect, it } from "vitest";
import { compareStrings, groupBy } from "../../src/model/collections.js";

describe("collections", () => {
  it("compareStrings orders by code unit, as a plain sort does, not by locale", () => {
    const words = ["b", "é", "B", "a", "e", "a", "\u{1F600}", "\uFFFD"];
    expect([...words].sort(compareStrings)).toEqual(["B", "a", "a", "b", "e", "é", "\u{1F600}", "\uFFFD"]);
    expect([...words].sort(compareStrings)).toEqual([...words].sort());
    expect(compareStrings("a", "a")).toBe(0);
    expect(compareStrings("a", "b")).toBe(-1);
    expect(compareStrings("b", "a")).toBe(1);
  });

  it("groupBy keeps first-seen order of keys and of items", () => {
    const groups = groupBy(["b1", "a1", "b2", "c1", "a2"], (s) => s[0]!);
    expect([...groups]).toEqual([["b", ["b1", "b2"]], ["a", ["a1", "a2"]], ["c", ["c1"]]]);
  });
});
