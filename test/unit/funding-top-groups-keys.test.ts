/**
 * topGroups groups "each kind of flow and currency" by walking a list sorted with
 * Intl.Collator, which says 0 for distinct strings (an ignorable character: "USD" and "USD\u200b"),
 * and keys the pair on String(value) (null and "null" are one pair). Both make `first` wrong.
 */
import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { topGroups, type FundingFlowGroupRow } from "../../src/domain/analytics/analytics.repository.js";
import { FundingDimension } from "../../src/domain/analytics/analytics.types.js";

const group = (funder: string, flowType: string | null, currency: string | null, total: string): FundingFlowGroupRow => ({
  keys: [{ dimension: FundingDimension.FUNDER, value: funder, name: null }], flowType, currency, total, flows: 1, unknownAmounts: 0,
});

describe("topGroups (review)", () => {
  it("returns at most `first` groups per currency when currencies differ by a character the collator ignores", () => {
    const groups = [
      group("organization:a", "grant", "USD", "10"), group("organization:b", "grant", "USD\u200b", "9"),
      group("organization:c", "grant", "USD", "8"), group("organization:d", "grant", "USD\u200b", "7"),
    ];
    const top = topGroups(groups, 1);
    const perCurrency = new Map<string, number>();
    for (const g of top) perCurrency.set(String(g.currency), (perCurrency.get(String(g.currency)) ?? 0) + 1);
    expect([...perCurrency.values()].every((n) => n <= 1), JSON.stringify(top.map((g) => [g.currency, g.total]))).toBe(true);
    expect(top.map((g) => g.total).sort()).toEqual(["10", "9"]);
  });

  it("keeps a null kind of flow apart from the kind of flow spelt \"null\"", () => {
    const top = topGroups([group("organization:a", null, "USD", "10"), group("organization:b", "null", "USD", "9")], 1);
    expect(top).toHaveLength(2);
  });
});
