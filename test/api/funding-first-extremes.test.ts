/**
 * fundingFlows `first` ranks in Neo4j on toFloat(total). A decimal total beyond the
 * double range (an accepted amount: any digit string is a decimal) becomes Infinity, its slack
 * Infinity, and `last - 2 * slack` NaN: every group of that kind of flow and currency is dropped.
 */
import { describe, expect, it } from "vitest";
import { adminSuiteOverSeed } from "../support/api.js";

const { admin, importJson } = adminSuiteOverSeed("review-first");
const cite = [{ source: "source:review-first", quote: "review test" }];
const HUGE = `1${"0".repeat(309)}`;

describe("fundingFlows first (review)", () => {
  it("keeps the top group when its total is beyond the double range", async () => {
    const doc = {
      sources: [{ id: "source:review-first", kind: "dataset", title: "Review first" }],
      nodes: [
        { id: "project:review-first", type: "Project", name: "Review first", startYear: 2022, sources: cite },
        { id: "organization:review-big", type: "Organization", name: "Review Big Funder", sources: cite },
        { id: "organization:review-small", type: "Organization", name: "Review Small Funder", sources: cite },
        { id: "funding:review-big", type: "Funding", kind: "stated", amount: HUGE, currency: "XAU", date: "2022-01-01", flowType: "grant", sources: cite },
        { id: "funding:review-small", type: "Funding", kind: "stated", amount: "5", currency: "XAU", date: "2022-01-01", flowType: "grant", sources: cite },
      ],
      relationships: [
        { type: "TAKES_PLACE_IN", from: "project:review-first", to: "country:CL", sources: cite },
        { type: "FUNDED", from: "organization:review-big", to: "funding:review-big", sources: cite },
        { type: "FUNDED", from: "organization:review-small", to: "funding:review-small", sources: cite },
        { type: "FUNDS", from: "funding:review-big", to: "project:review-first", sources: cite },
        { type: "FUNDS", from: "funding:review-small", to: "project:review-first", sources: cite },
      ],
    };
    expect((await importJson(doc)).rejected).toEqual([]);
    const q = `query($first: Int) { fundingFlows(groupBy: [FUNDER], filter: { countries: ["CL"], fromYear: 2022, toYear: 2022 }, first: $first) {
      keys { value } flowType currency total } }`;
    const all = (await admin(q, { first: null })).fundingFlows.filter((g: any) => g.currency === "XAU");
    expect(all.map((g: any) => `${g.keys[0].value} ${g.total}`).sort()).toEqual([`organization:review-big ${HUGE}`, "organization:review-small 5"]);
    const top = (await admin(q, { first: 1 })).fundingFlows.filter((g: any) => g.currency === "XAU");
    expect(top.map((g: any) => `${g.keys[0].value} ${g.total}`)).toEqual([`organization:review-big ${HUGE}`]);
  });
  it("keeps the top group when its terms are below the double range (subnormal rounding beats the slack)", async () => {
    // Funder A: 2.4e-324 in 2020 and in 2021 (each tally rounds to 0.0), exact 4.8e-324.
    // Funder B: 3e-324 in 2020 (rounds to 4.9e-324), exact 3e-324. A is the larger; the float ranking drops it.
    const tiny = (digits: string) => `0.${"0".repeat(323)}${digits}`;
    const f = (id: string, amount: string, date: string) => ({ id, type: "Funding", kind: "stated", amount, currency: "XAG", date, flowType: "grant", sources: cite });
    const doc = {
      sources: [{ id: "source:review-first", kind: "dataset", title: "Review first" }],
      nodes: [
        { id: "project:review-tiny", type: "Project", name: "Review tiny", startYear: 2020, sources: cite },
        { id: "organization:review-a", type: "Organization", name: "Review A", sources: cite },
        { id: "organization:review-b", type: "Organization", name: "Review B", sources: cite },
        f("funding:review-a1", tiny("24"), "2020-01-01"), f("funding:review-a2", tiny("24"), "2021-01-01"), f("funding:review-b1", tiny("3"), "2020-01-01"),
      ],
      relationships: [
        { type: "TAKES_PLACE_IN", from: "project:review-tiny", to: "country:CL", sources: cite },
        ...[["a", "a1"], ["a", "a2"], ["b", "b1"]].flatMap(([who, flow]) => [
          { type: "FUNDED", from: `organization:review-${who}`, to: `funding:review-${flow}`, sources: cite },
          { type: "FUNDS", from: `funding:review-${flow}`, to: "project:review-tiny", sources: cite }]),
      ],
    };
    expect((await importJson(doc)).rejected).toEqual([]);
    const q = `query($first: Int) { fundingFlows(groupBy: [FUNDER], filter: { countries: ["CL"] }, first: $first) { keys { value } currency total } }`;
    const all = (await admin(q, { first: null })).fundingFlows.filter((g: any) => g.currency === "XAG");
    expect(all.map((g: any) => `${g.keys[0].value} ${g.total}`).sort()).toEqual([`organization:review-a ${tiny("48")}`, `organization:review-b ${tiny("3")}`]);
    const top = (await admin(q, { first: 1 })).fundingFlows.filter((g: any) => g.currency === "XAG");
    expect(top.map((g: any) => g.keys[0].value)).toEqual(["organization:review-a"]);
  });
});
