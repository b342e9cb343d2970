/** The project filter planner: a pure function of the criteria and the estimates (no database needed). */
import { describe, expect, it } from "vitest";
import { plan, projectCriteria, type ResolvedProjectFilter } from "../../src/domain/projects/project-query.js";
import type { ResolvedEntity } from "../../src/domain/references/reference.repository.js";

const entity = (id: string, type: ResolvedEntity["type"]): ResolvedEntity => ({ reference: id, id, name: id, type, matchedBy: "id" });
const filter = (f: Partial<ResolvedProjectFilter>): ResolvedProjectFilter => ({
  projectIds: null, involvingAll: [], involvingAny: [], themeIds: [], kinds: [], countryIds: [], regionIds: [], funderIds: [], allFunderIds: [],
  roles: null, activeFrom: null, activeTo: null, ...f,
});
const estimates = (projectsOf: Record<string, number>, total: number) => ({ projectsOf: new Map(Object.entries(projectsOf)), total });

const hubAndCountry = filter({ involvingAll: [entity("organization:unodc", "Organization"), entity("country:AR", "Country")] });

describe("plan", () => {
  it("walks the sort index when the filter's projects are a large share of all (a hub and a big country)", () => {
    const planned = plan(projectCriteria(hubAndCountry), estimates({ "organization:unodc": 70_000, "country:AR": 25_000 }, 200_000), { size: 21 });
    expect(planned.start).toEqual({ kind: "sortIndex" });
    // Every criterion is then checked on each project: the country through the maintained property.
    expect(planned.predicates).toEqual(["EXISTS { MATCH (p)<-[r:PARTICIPATES_IN]-(:Actor {id: $all0}) }", "$all1 IN p.involvedPlaces"]);
  });

  it("starts from a small actor, and does not check again what its start selects", () => {
    const planned = plan(projectCriteria(hubAndCountry), estimates({ "organization:unodc": 40, "country:AR": 25_000 }, 200_000), { size: 21 });
    expect(planned.start.kind).toBe("criterion");
    expect(planned.start.kind === "criterion" && planned.start.criterion.start!.cypher).toContain("MATCH (:Actor {id: $all0})-[:PARTICIPATES_IN]->(p:Project)");
    expect(planned.predicates).toEqual(["$all1 IN p.involvedPlaces"]);
  });

  it("counts from the smallest side, never by walking the sort index", () => {
    const planned = plan(projectCriteria(hubAndCountry), estimates({ "organization:unodc": 70_000, "country:AR": 25_000 }, 200_000), null);
    expect(planned.start.kind === "criterion" && planned.start.criterion.start!.sizeOf).toEqual(["country:AR"]);
    expect(planned.predicates).toEqual(["EXISTS { MATCH (p)<-[r:PARTICIPATES_IN]-(:Actor {id: $all0}) }"]);
  });

  it("keeps role checks (the derived places cannot tell roles apart) and never starts from a role-restricted actor", () => {
    const planned = plan(projectCriteria({ ...hubAndCountry, roles: ["funder"] }), estimates({}, 1000), null);
    expect(planned.start).toEqual({ kind: "every" });
    expect(planned.predicates.join(" ")).toContain("r.role IN $roles");
    expect(planned.predicates.join(" ")).not.toContain("p.involvedPlaces");
  });

  it("starts from projects named by id (at most 1000 seeks of the id constraint), however large a share of all they are", () => {
    const named = filter({ projectIds: ["project:a", "project:b"], themeIds: ["theme:x"], activeFrom: 2020 });
    for (const page of [{ size: 101 }, null]) {
      const planned = plan(projectCriteria(named), estimates({ "theme:x": 1 }, 3), page);
      expect(planned.start.kind === "criterion" && planned.start.criterion.start!.cypher).toBe("UNWIND $projectIds AS projectId MATCH (p:Project {id: projectId})");
      expect(planned.predicates).toEqual(["EXISTS { MATCH (p)-[:ABOUT]->(t:Theme) WHERE t.id IN $themeIds }", "coalesce(p.endYear, p.startYear) >= $activeFrom"]);
      expect(planned.params.projectIds).toEqual(["project:a", "project:b"]);
    }
  });

  it("passes ids as parameters only, whatever a reference looks like", () => {
    const hostile = entity("organization:x'}) DETACH DELETE p //", "Organization");
    const query = projectCriteria(filter({ involvingAll: [hostile], countryIds: ["country:AR"] }));
    expect(query.params).toMatchObject({ all0: hostile.id, countryIds: ["country:AR"] });
    const cypher = query.criteria.flatMap((c) => [c.predicate, c.start?.cypher ?? ""]).join("\n");
    expect(cypher).not.toContain("DETACH");
    expect(cypher).toContain("$all0");
  });
});
