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
const SOURCES = [{ id: "source:review-first", kind: "dataset", title: "Review first" }];
const project = (id: string, name: string, startYear: number) => ({ id, type: "Project", name, startYear, sources: cite });
const org = (id: string, name: string) => ({ id, type: "Organization", name, sources: cite });
const flow = (id: string, amount: string, currency: string, date: string) => ({ id, type: "Funding", kind: "stated", amount, currency, date, flowType: "grant", sources: cite });
const rel = (type: string, from: string, to: string) => ({ type, from, to, sources: cite });

describe("fundingFlows first (review)", () => {
  it("keeps the top group when its total is beyond the double range", async () => {
    const doc = {
      sources: SOURCES,
      nodes: [
        project("project:review-first", "Review first", 2022),
        org("organization:review-big", "Review Big Funder"), org("organization:review-small", "Review Small Funder"),
        flow("funding:review-big", HUGE, "XAU", "2022-01-01"), flow("funding:review-small", "5", "XAU", "2022-01-01"),
      ],
      relationships: [
        rel("TAKES_PLACE_IN", "project:review-first", "country:CL"),
        rel("FUNDED", "organization:review-big", "funding:review-big"), rel("FUNDED", "organization:review-small", "funding:review-small"),
        rel("FUNDS", "funding:review-big", "project:review-first"), rel("FUNDS", "funding:review-small", "project:review-first"),
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
    const doc = {
      sources: SOURCES,
      nodes: [
        project("project:review-tiny", "Review tiny", 2020),
        org("organization:review-a", "Review A"), org("organization:review-b", "Review B"),
        flow("funding:review-a1", tiny("24"), "XAG", "2020-01-01"), flow("funding:review-a2", tiny("24"), "XAG", "2021-01-01"), flow("funding:review-b1", tiny("3"), "XAG", "2020-01-01"),
      ],
      relationships: [
        rel("TAKES_PLACE_IN", "project:review-tiny", "country:CL"),
        ...[["a", "a1"], ["a", "a2"], ["b", "b1"]].flatMap(([who, id]) => [
          rel("FUNDED", `organization:review-${who}`, `funding:review-${id}`), rel("FUNDS", `funding:review-${id}`, "project:review-tiny")]),
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
