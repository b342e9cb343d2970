/**
 * fundingFlows(groupBy: [REGION]) groups flows under the sub-regions cooperationMatrix(level: REGION)
 * uses: a project that takes place in a DAC region (IATI "South America, regional", linked to M49
 * South America) or in Peru under Latin America and the Caribbean, as the regions filter counts it.
 */
import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { adminSuiteOverSeed } from "../support/api.js";

const { admin, importJson } = adminSuiteOverSeed("funding-regions");

const cite = [{ source: "source:fr-test", quote: "funding regions test" }];
const rel = (type: string, from: string, to: string) => ({ type, from, to, sources: cite });
const flow = (id: string, amount: string) => ({ id, type: "Funding", kind: "stated", amount, currency: "USD", date: "2021-01-01", flowType: "disbursement", sources: cite });
const project = (id: string) => ({ id, type: "Project", name: `Funding regions ${id}`, startYear: 2021, sources: cite });

const FIXTURE = {
  sources: [{ id: "source:fr-test", kind: "dataset", title: "Funding regions test" }],
  nodes: [
    // As the IATI mapper writes a recipient region of the DAC code list.
    { id: "region:dac-489", type: "Region", code: "489", name: "South America, regional", vocabulary: "oecd-dac", sources: cite },
    // A region of another code list that lies in no M49 region.
    { id: "region:dac-589", type: "Region", code: "589", name: "Middle East, regional", vocabulary: "oecd-dac", sources: cite },
    { id: "organization:fr-funder", type: "Organization", name: "Funding Regions Funder", sources: cite },
    project("project:fr-regional"), project("project:fr-peru"), project("project:fr-both"), project("project:fr-middle-east"),
    flow("funding:fr-1", "100"), flow("funding:fr-2", "50"), flow("funding:fr-3", "7"), flow("funding:fr-4", "3"),
  ],
  relationships: [
    rel("IN_REGION", "region:dac-489", "region:005"),
    rel("TAKES_PLACE_IN", "project:fr-regional", "region:dac-489"),
    rel("TAKES_PLACE_IN", "project:fr-peru", "country:PE"),
    rel("TAKES_PLACE_IN", "project:fr-both", "country:PE"), rel("TAKES_PLACE_IN", "project:fr-both", "region:dac-489"),
    rel("TAKES_PLACE_IN", "project:fr-middle-east", "region:dac-589"),
    ...["1", "2", "3", "4"].map((n) => rel("FUNDED", "organization:fr-funder", `funding:fr-${n}`)),
    rel("FUNDS", "funding:fr-1", "project:fr-regional"), rel("FUNDS", "funding:fr-2", "project:fr-peru"),
    rel("FUNDS", "funding:fr-3", "project:fr-both"), rel("FUNDS", "funding:fr-4", "project:fr-middle-east"),
  ],
};

describe("fundingFlows grouped by region", () => {
  it("groups the flows of a project in a DAC region under the M49 sub-region the filter counts them in", async () => {
    expect((await importJson(FIXTURE)).rejected).toEqual([]);
    const grouped = (await admin(`{ fundingFlows(groupBy: [REGION], filter: { funders: ["organization:fr-funder"] }) { keys { value name } currency total flows } }`)).fundingFlows;
    // Peru's flow, the regional one and the one of a project in both (once): Latin America and the
    // Caribbean, South America's sub-region; the Middle East, regional lies in no M49 region and is
    // its own group (groups ordered by name).
    expect(grouped).toEqual([
      { keys: [{ value: "region:419", name: "Latin America and the Caribbean" }], currency: "USD", total: "157", flows: 3 },
      { keys: [{ value: "region:dac-589", name: "Middle East, regional" }], currency: "USD", total: "3", flows: 1 },
    ]);
    // The regions filter counts the same flows in each group.
    for (const group of grouped) {
      const filtered = (await admin(`query($r: [String!]) { fundingFlows(groupBy: [FUNDER], filter: { regions: $r, funders: ["organization:fr-funder"] }) { total flows } }`,
        { r: [group.keys[0].value] })).fundingFlows;
      expect(filtered, group.keys[0].value).toEqual([{ total: group.total, flows: group.flows }]);
    }
    // A sub-region a project takes place in directly is that group.
    await importJson({ sources: FIXTURE.sources, nodes: [project("project:fr-latam"), flow("funding:fr-5", "11")],
      relationships: [rel("TAKES_PLACE_IN", "project:fr-latam", "region:419"), rel("FUNDED", "organization:fr-funder", "funding:fr-5"), rel("FUNDS", "funding:fr-5", "project:fr-latam")] });
    const latam = (await admin(`{ fundingFlows(groupBy: [REGION], filter: { regions: ["region:419"], funders: ["organization:fr-funder"] }) { keys { value } total flows } }`)).fundingFlows;
    expect(latam).toEqual([{ keys: [{ value: "region:419" }], total: "168", flows: 4 }]);
    // A continent named as the place is its own group: the one whose filter counts more (its sub-regions).
    await importJson({ sources: FIXTURE.sources, nodes: [project("project:fr-americas"), flow("funding:fr-6", "2")],
      relationships: [rel("TAKES_PLACE_IN", "project:fr-americas", "region:019"), rel("FUNDED", "organization:fr-funder", "funding:fr-6"), rel("FUNDS", "funding:fr-6", "project:fr-americas")] });
    const americas = (await admin(`{ fundingFlows(groupBy: [REGION], filter: { regions: ["region:019"], funders: ["organization:fr-funder"] }) { keys { value } total flows } }`)).fundingFlows;
    expect(americas).toEqual([{ keys: [{ value: "region:019" }], total: "2", flows: 1 }, { keys: [{ value: "region:419" }], total: "168", flows: 4 }]);
  });
});
