import { describe, expect, it } from "vitest";
import { completeUpdate } from "../../src/ingest/partial-update.js";

const cite = [{ source: "source:x", quote: "q" }];
const project = (fields: Record<string, unknown>) => ({ id: "project:p", type: "Project", name: "P", sources: cite, ...fields });

describe("completeUpdate (an update's missing fields come from the stored node)", () => {
  it("keeps the stored years and dates an update leaves out", () => {
    expect(completeUpdate(project({ startYear: 2019 }), { startYear: 2020, endYear: 2021 })).toMatchObject({ startYear: 2019, endYear: 2021 });
    expect(completeUpdate(project({ endDate: "2022-05-01" }), { startDate: "2020-03-01", startYear: 2020, endYear: 2021 }))
      .toMatchObject({ startDate: "2020-03-01", startYear: 2020, endDate: "2022-05-01", endYear: 2022 });
  });

  it("keeps the stored names, acronyms and aliases, and lets the update's own replace them", () => {
    const actor = { id: "agency:a", type: "Agency", name: "A", sources: cite, aliases: ["New"] };
    expect(completeUpdate(actor, { acronyms: ["AA"], aliases: ["Old"], officialName: "Agencia A" }))
      .toMatchObject({ acronyms: ["AA"], aliases: ["New"], officialName: "Agencia A" });
  });

  it("refuses a year that contradicts a date, and an end before the start, naming the field given", () => {
    const fieldOf = (f: () => unknown) => { try { f(); return "none"; } catch (e) { return (e as { field: string }).field; } };
    expect(fieldOf(() => completeUpdate(project({ startYear: 2019, startDate: "2020-01-01" }), {}))).toBe("startYear");
    expect(fieldOf(() => completeUpdate(project({ startYear: 2019 }), { startDate: "2020-01-01", startYear: 2020 }))).toBe("startYear");
    expect(fieldOf(() => completeUpdate(project({ startYear: 2022 }), { startYear: 2020, endYear: 2021 }))).toBe("startYear");
    expect(fieldOf(() => completeUpdate(project({ endDate: "2019-12-31" }), { startDate: "2020-03-01", startYear: 2020 }))).toBe("endDate");
    expect(fieldOf(() => completeUpdate(project({ endYear: 2021 }), { startDate: "2020-03-01", startYear: 2020, endYear: 2020 }))).toBe("none");
  });
});
