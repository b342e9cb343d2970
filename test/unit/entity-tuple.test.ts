/** entityTuple (src/domain/shared/rows.ts): the list a statement returns for an entity, and the row it decodes to. */
import { describe, expect, it } from "vitest";
import { entityTuple } from "../../src/domain/shared/rows.js";

describe("entityTuple", () => {
  it("reads an actor's type from its labels, with only the selected properties", () => {
    const actor = entityTuple("a", new Set(["name", "acronyms", "participations"]));
    expect(actor.cypher).toBe("[a.id, a.name, coalesce(a.acronyms, []), [l IN labels(a) WHERE l <> 'Actor' AND l <> 'ProjectStub'][0]]");
    expect(actor.decode(["organization:unodc", "UNODC", ["ONUDD"], "Organization"]))
      .toEqual({ id: "organization:unodc", name: "UNODC", acronyms: ["ONUDD"], nodeType: "Organization" });
  });

  it("takes a type the pattern fixes as given, without reading labels", () => {
    const country = entityTuple("c", new Set(["code"]), { nodeType: "Country" });
    expect(country.cypher).toBe("[c.id, c.code]");
    expect(country.cypher).not.toContain("labels(");
    expect(country.decode(["country:PE", "PE"])).toEqual({ id: "country:PE", code: "PE", nodeType: "Country" });
  });
});
