/**
 * fundingFlows' order and `first` rank collated strings and exact totals through shortcuts (one
 * collation per distinct text, doubles before decimals): they must give what the plain comparators give.
 */
import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { orderGroups, topGroups, type FundingFlowGroupRow } from "../../src/domain/analytics/analytics.repository.js";
import { FundingDimension } from "../../src/domain/analytics/analytics.types.js";
import { compareDecimals } from "../../src/model/decimal.js";

const collate = (a: string, b: string) => a.localeCompare(b);
let seed = 7;
const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
const pick = <T>(list: readonly T[]) => list[random(list.length)]!;

// Ids and values where the collator and code points disagree, or the collator says equal for distinct strings.
const FUNDERS = [null, "organization:b", "organization:B", "organization:a-b", "organization:ab", "organization:a\u200bb", "organization:é", "organization:e", "organization:z", "null"];
const FLOW_TYPES = [null, "grant", "Grant", "null", "disbursement", "commitment"];
const CURRENCIES = [null, "USD", "USD\u200b", "EUR", "null", "eur"];
const TOTALS = ["0", "-4", "100", "100.00", "9007199254740993", "9007199254740992", `1${"0".repeat(309)}`, `2${"0".repeat(309)}`, "0.5", "-0.5", `0.${"0".repeat(323)}24`, `0.${"0".repeat(323)}3`];

function randomGroups(n: number, shared: boolean): FundingFlowGroupRow[] {
  const lists = new Map<string | null, FundingFlowGroupRow["keys"]>();
  return Array.from({ length: n }, () => {
    const funder = pick(FUNDERS);
    const fresh = [{ dimension: FundingDimension.FUNDER, value: funder, name: null }];
    if (shared && !lists.has(funder)) lists.set(funder, fresh);
    return { keys: shared ? lists.get(funder)! : fresh, flowType: pick(FLOW_TYPES), currency: pick(CURRENCIES), total: pick(TOTALS), flows: 1, unknownAmounts: 0 };
  });
}

describe("fundingFlows order", () => {
  it("orderGroups gives the order of the plain comparator (keys, kind of flow, currency as localeCompare), stable", () => {
    for (let round = 0; round < 200; round++) {
      const groups = randomGroups(1 + random(60), round % 2 === 0);
      const plain = [...groups].sort((a, b) => collate(JSON.stringify(a.keys), JSON.stringify(b.keys))
        || collate(String(a.flowType), String(b.flowType)) || collate(String(a.currency), String(b.currency)));
      expect(orderGroups(groups)).toEqual(plain);
      // Same objects in the same places (stable: equal groups keep their input order).
      orderGroups(groups).forEach((g, i) => expect(g).toBe(plain[i]));
    }
  });

  it("topGroups ranks each pair by exact total as compareDecimals does, ties by keys", () => {
    for (let round = 0; round < 200; round++) {
      const groups = randomGroups(1 + random(60), round % 2 === 0);
      const first = 1 + random(5);
      const top = topGroups(groups, first);
      const pairs = new Map<string, FundingFlowGroupRow[]>();
      for (const g of groups) {
        const key = JSON.stringify([g.flowType, g.currency]);
        pairs.set(key, [...(pairs.get(key) ?? []), g]);
      }
      const text = (a: string, b: string) => collate(a, b) || (a < b ? -1 : a > b ? 1 : 0);
      for (const [key, members] of pairs) {
        const expected = [...members].sort((a, b) => compareDecimals(b.total, a.total) || text(JSON.stringify(a.keys), JSON.stringify(b.keys))).slice(0, first);
        const got = top.filter((g) => JSON.stringify([g.flowType, g.currency]) === key);
        expect(got.map((g) => [g.keys[0]!.value, g.total]), key).toEqual(expected.map((g) => [g.keys[0]!.value, g.total]));
      }
      expect(top.length).toBe([...pairs.values()].reduce((n, m) => n + Math.min(first, m.length), 0));
    }
  });
});
