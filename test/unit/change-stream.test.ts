/** Which ids a graphChanged subscriber hears of, write by write (src/domain/changes/change-stream.ts). */
import { describe, expect, it } from "vitest";
import { matching } from "../../src/domain/changes/change-stream.js";

const writes = [
  ["organization:unodc", "project:dmi-open-drug-markets"], // a participation added
  ["project:victim-satisfaction-evaluation"], // another project, in the same second
  ["organization:unodc"], // UNODC renamed
  ["theme:training", "project:training-programs-chile"],
];

describe("graphChanged's filter", () => {
  it("hears every id without a filter", () => {
    expect(matching({ writes }, {}).sort()).toEqual([
      "organization:unodc", "project:dmi-open-drug-markets", "project:training-programs-chile", "project:victim-satisfaction-evaluation", "theme:training"]);
  });

  it("hears the followed entities a write touched", () => {
    expect(matching({ writes }, { ids: new Set(["organization:unodc"]) })).toEqual(["organization:unodc"]);
  });

  it("hears the ids of the chosen kinds", () => {
    expect(matching({ writes }, { kinds: new Set(["theme"]) })).toEqual(["theme:training"]);
  });

  it("with both, hears the ids of the chosen kinds in writes that touch a followed entity, not those of other writes", () => {
    expect(matching({ writes }, { ids: new Set(["organization:unodc"]), kinds: new Set(["project"]) })).toEqual(["project:dmi-open-drug-markets"]);
    expect(matching({ writes: [["organization:unodc"]] }, { ids: new Set(["organization:unodc"]), kinds: new Set(["project"]) })).toEqual([]);
  });
});
