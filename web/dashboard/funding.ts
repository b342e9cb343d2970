/** The funding chart's bars: one stacked series per funder (the largest first), the rest as "other funders". */

export interface FlowGroup {
  keys: { dimension: string; name: string | null; value: string | null }[];
  flowType: string | null;
  currency: string | null;
  total: string;
  flows: number;
  unknownAmounts: number;
}

export interface FundingSeries { name: string; data: number[] }

const OTHERS = "other funders";
const keyOf = (g: FlowGroup, dimension: string) => g.keys.find((k) => k.dimension === dimension);

/**
 * Funders are told apart by id, not by name: two funders that share a name (two ministries both
 * "Ministry of Foreign Affairs") are two bars, each name followed by its id.
 */
export function fundingSeries(groups: FlowGroup[], top = 8): { years: string[]; series: FundingSeries[] } {
  const years = [...new Set(groups.map((g) => keyOf(g, "YEAR")?.value ?? "?"))].sort();
  const funderOf = (g: FlowGroup) => keyOf(g, "FUNDER")?.value ?? "";
  const names = new Map<string, string>();
  const totals = new Map<string, number>();
  for (const g of groups) {
    names.set(funderOf(g), keyOf(g, "FUNDER")?.name ?? "unknown funder");
    totals.set(funderOf(g), (totals.get(funderOf(g)) ?? 0) + Number(g.total));
  }
  const shared = new Set([...names.values()].filter((n, i, all) => all.indexOf(n) !== i));
  const label = (id: string) => (shared.has(names.get(id)!) && id ? `${names.get(id)} (${id})` : names.get(id)!);
  const largest = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, top).map(([id]) => id);
  const sum = (year: string, inSeries: (id: string) => boolean) => groups
    .filter((g) => (keyOf(g, "YEAR")?.value ?? "?") === year && inSeries(funderOf(g)))
    .reduce((total, g) => total + Number(g.total), 0);
  const series = [
    ...largest.map((id) => ({ name: label(id), data: years.map((y) => sum(y, (f) => f === id)) })),
    { name: OTHERS, data: years.map((y) => sum(y, (f) => !largest.includes(f))) },
  ].filter((s) => s.data.some((v) => v > 0));
  return { years, series };
}
