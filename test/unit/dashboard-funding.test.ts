/** The dashboard's funding bars (web/dashboard/funding.ts): funders told apart by id, the largest first. */
import { describe, expect, it } from "vitest";
import { fundingSeries, type FlowGroup } from "../../web/dashboard/funding.js";

const group = (funder: [string, string] | null, year: string, total: string): FlowGroup => ({
  keys: [...(funder ? [{ dimension: "FUNDER", value: funder[0], name: funder[1] }] : []), { dimension: "YEAR", value: year, name: null }],
  flowType: "disbursement", currency: "USD", total, flows: 1, unknownAmounts: 0,
});

describe("fundingSeries", () => {
  it("keeps two funders that share a name apart, each named with its id", () => {
    const { years, series } = fundingSeries([
      group(["organization:iati:NL-1", "Ministry of Foreign Affairs"], "2020", "100"),
      group(["organization:iati:DK-1", "Ministry of Foreign Affairs"], "2020", "40"),
      group(["organization:iati:DK-1", "Ministry of Foreign Affairs"], "2021", "5"),
      group(["organization:undp", "UNDP"], "2021", "70"),
    ]);
    expect(years).toEqual(["2020", "2021"]);
    expect(series).toEqual([
      { name: "Ministry of Foreign Affairs (organization:iati:NL-1)", data: [100, 0] },
      { name: "UNDP", data: [0, 70] },
      { name: "Ministry of Foreign Affairs (organization:iati:DK-1)", data: [40, 5] },
    ]);
  });

  it("stacks the funders past the largest as 'other funders', and a flow without a funder as 'unknown funder'", () => {
    const { series } = fundingSeries([
      group(["organization:a", "A"], "2020", "30"),
      group(["organization:b", "B"], "2020", "20"),
      group(["organization:c", "C"], "2020", "10"),
      group(null, "2020", "25"),
    ], 2);
    expect(series).toEqual([
      { name: "A", data: [30] },
      { name: "unknown funder", data: [25] },
      { name: "other funders", data: [30] },
    ]);
  });
});
