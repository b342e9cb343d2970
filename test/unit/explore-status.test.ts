/** The explorer's status line: what is drawn, and what the filters hide, counted apart. */
import { describe, expect, it } from "vitest";
import { drawnCounts, statusLine } from "../../web/explore/status.js";

const edge = (source: string, target: string, type = "PARTICIPATES_IN") => ({ key: `${source}|${type}|${target}`, source, target });
const nodes = ["a", "b", "p1", "p2", "p3"].map((id) => ({ id }));
const edges = [edge("a", "p1"), edge("a", "p2"), edge("b", "p2"), edge("b", "p3"), edge("p1", "p1", "RELATED_TO")];

describe("drawnCounts and statusLine", () => {
  it("counts a relationship hidden with one of its ends as hidden, not drawn, and a loop as neither", () => {
    const counts = drawnCounts(nodes, edges, { hiddenNodes: new Set(["p2"]), hiddenEdges: new Set() });
    expect(counts).toEqual({ entities: 4, relationships: 2, hiddenEntities: 1, hiddenRelationships: 2 });
    expect(statusLine(counts)).toBe("4 entities, 2 relationships drawn; the filters hide 1 entity and 2 relationships");
  });

  it("counts relationships a role filter hides though both ends stay", () => {
    const counts = drawnCounts(nodes, edges, { hiddenNodes: new Set(), hiddenEdges: new Set([edge("b", "p3").key]) });
    expect(statusLine(counts, ["Peru: only the first 25 actors"])).toBe("5 entities, 3 relationships drawn; the filters hide 1 relationship (Peru: only the first 25 actors)");
  });

  it("counts a line of several roles as that many relationships, and a role the filter hides as hidden", () => {
    const roles = { key: "a|PARTICIPATES_IN|p1", source: "a", target: "p1", roles: ["accountable", "funder", "implementer"] };
    const none = { hiddenNodes: new Set<string>(), hiddenEdges: new Set<string>() };
    expect(statusLine(drawnCounts([{ id: "a" }, { id: "p1" }], [roles], none))).toBe("2 entities, 3 relationships");
    expect(statusLine(drawnCounts([{ id: "a" }, { id: "p1" }], [roles], { ...none, hiddenRoles: new Set(["funder"]) })))
      .toBe("2 entities, 2 relationships drawn; the filters hide 1 relationship");
  });

  it("says only what is drawn when nothing is hidden, in the singular where it is one", () => {
    expect(statusLine(drawnCounts([{ id: "a" }, { id: "p1" }], [edge("a", "p1")], { hiddenNodes: new Set(), hiddenEdges: new Set() }))).toBe("2 entities, 1 relationship");
  });
});
