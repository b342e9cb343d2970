/** fundingFlows' `first`: the top groups of each kind of flow and currency, by exact total. */
import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { topGroups, type FundingFlowGroupRow } from "../../src/domain/analytics/analytics.repository.js";
import { FundingDimension } from "../../src/domain/analytics/analytics.types.js";

const group = (funder: string | null, flowType: string, currency: string | null, total: string): FundingFlowGroupRow => ({
  keys: [{ dimension: FundingDimension.FUNDER, value: funder, name: null }], flowType, currency, total, flows: 1, unknownAmounts: 0,
});

describe("topGroups", () => {
  const groups = [
    group("organization:a", "disbursement", "USD", "100"),
    group("organization:b", "disbursement", "USD", "9007199254740993"),
    group("organization:c", "disbursement", "USD", "9007199254740992"),
    group("organization:d", "disbursement", "EUR", "5"),
    group("organization:a", "commitment", "USD", "7"),
    group("organization:e", "disbursement", "USD", "100"),
    group(null, "disbursement", "USD", "-4"),
    group("organization:f", "disbursement", null, "1"),
  ];

  it("keeps the largest exact totals of each kind of flow and currency, ordered by kind, currency, then total descending", () => {
    const top = topGroups(groups, 2).map((g) => `${g.flowType} ${g.currency} ${g.keys[0]!.value} ${g.total}`);
    expect(top).toEqual([
      "commitment USD organization:a 7",
      "disbursement EUR organization:d 5",
      "disbursement null organization:f 1",
      // Equal as floating point numbers; the exact totals decide.
      "disbursement USD organization:b 9007199254740993",
      "disbursement USD organization:c 9007199254740992",
    ]);
  });

  it("breaks ties by keys and keeps every group when first is larger than a pair's count", () => {
    const top = topGroups(groups, 4).filter((g) => g.flowType === "disbursement" && g.currency === "USD").map((g) => g.keys[0]!.value);
    expect(top).toEqual(["organization:b", "organization:c", "organization:a", "organization:e"]);
    expect(topGroups(groups, 100)).toHaveLength(groups.length);
  });
});
