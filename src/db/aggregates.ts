/**
 * Aggregates kept current on write, so that dashboard questions read a few tallies instead of
 * walking every matching flow or project (issue 13, items 1 and 3):
 *
 * - `FundingTally` (Q8, fundingFlows by funder for one place): one node per (place, funder,
 *   currency, year, flowType) holding the exact decimal `total`, the number of `flows` and of
 *   `unknown` amounts, and (version 5) its group and pair as never-null strings for the covering
 *   index that answers a year window (`fundingTallyWindowKeys`). A flow counts in the tallies of every place its projects take place in
 *   (TAKES_PLACE_IN, and every region containing that place within 4 hops, as fundingFlows'
 *   region filter reads them), once per funder.
 * - `ThemeSetTally` (Q5, how many projects are about any of some themes and active in some years):
 *   one node per distinct set of themes a project is about, and one node `*` over every project
 *   with a theme, holding cumulative year tables (projects started by each year, ended before
 *   each year: a count reads two entries, see "Theme tallies" below) and, for the rare projects
 *   the tables cannot hold (no start year, an end before the start), parallel lists `starts`,
 *   `ends` (startYear and coalesce(endYear, startYear); NULL_YEAR for none) and `counts`. A count of the projects meeting
 *   some themes sums the sets that meet them, or (when fewer) subtracts the sets that do not from `*`:
 *   distinct projects, never one per theme.
 * - `PARTNERS_WITH` (Q2, partners of an actor without a filter): one relationship per unordered
 *   pair of actors that share a project, from the smaller id `a` to the greater `b` (both ids stored
 *   on it too, for the indexes on (a, shared) and (b, shared): an actor's strongest partners are an
 *   ordered index seek), holding `shared`, the number of distinct projects both take part in (in
 *   any roles). See "Partner tallies" below.
 *
 * Kept exact by delta: each flow (each project) stores what it contributes now (`tallyKeys`, `tallyAmount`). A
 * refresh recomputes a flow's contribution from its relationships, subtracts the stored one and
 * adds the new one, inside the writing transaction; a flow about to be deleted is retracted first.
 * Decimal totals are summed in TypeScript (model/decimal.ts), never as floats. A tally row is
 * locked before it is read (the count update takes the write lock), so concurrent writers cannot
 * lose an update. `rebuildAggregates` recomputes everything from scratch (after a bulk load, and
 * once as a migration for databases written before the aggregates existed).
 */
import { compareStrings } from "../model/collections.js";
import { decimalOrNull, sumDecimals } from "../model/decimal.js";
import { chunks, type Database, type Params, type Row } from "./database.js";

type Run = (cypher: string, params: Params) => Promise<Row[]>;

/** Bump when the aggregates' definition changes: the migration rebuilds them once. */
export const AGGREGATES_VERSION = 5;

/** Properties the aggregates keep on flows and projects: no import may set them. */
export const AGGREGATE_PROPERTIES: readonly string[] = ["tallyKeys", "tallyAmount", "themeTally", "partnerTally"];

/** Relationships the aggregates keep (bookkeeping, not facts: no source, never exported or merged). */
export const AGGREGATE_RELATIONSHIP_TYPES: readonly string[] = ["PARTNERS_WITH"];
/** The labels of the nodes the aggregates are kept in (besides their version, AggregateState). */
export const AGGREGATE_LABELS: readonly string[] = ["FundingTally", "ThemeSetTally"];

/** Stands for a missing year in the theme tallies' lists (Neo4j lists hold no nulls). */
export const NULL_YEAR = -999999;

/** What a write touched that aggregates depend on. */
export interface AggregateScope {
  projectIds?: readonly string[];
  fundingIds?: readonly string[];
  /** Actors whose funded flows must be recounted (a funder merged or split). */
  funderIds?: readonly string[];
}

interface FlowState {
  id: string;
  oldKeys: string[];
  oldAmount: string | null;
  newKeys: string[];
  newAmount: string | null;
}

/** Key of a funding tally; its parts are stored on the tally too. */
export const fundingTallyKey = (place: string, funder: string | null, currency: string | null, year: number | null, flowType: string | null) =>
  JSON.stringify([place, funder, currency, year, flowType]);

/**
 * Cypher returning, for each flow `f` bound upstream, what it contributes now: its places (where
 * its projects take place and the regions above), its distinct funders, and the key's other parts.
 */
const FLOW_PARTS = `f.id AS id, f.tallyKeys AS oldKeys, f.tallyAmount AS oldAmount, f.amount AS amount,
  f.currency AS currency, f.flowType AS flowType, toInteger(substring(f.date, 0, 4)) AS year,
  COLLECT { MATCH (g:Actor)-[:FUNDED]->(f) RETURN DISTINCT g.id } AS funders,
  COLLECT { MATCH (f)-[:FUNDS]->(:Project)-[:TAKES_PLACE_IN]->()-[:IN_REGION*0..4]->(x) RETURN DISTINCT x.id } AS places`;

function keysOf(r: Row): string[] {
  const funders = (r.funders as string[]).length ? (r.funders as (string | null)[]) : [null];
  const year = r.year === null || r.year === undefined ? null : Number(r.year);
  return (r.places as string[]).flatMap((place) => funders.map((g) => fundingTallyKey(place, g, (r.currency as string | null) ?? null, year, (r.flowType as string | null) ?? null))).sort();
}

/**
 * What a funding tally carries for reads over a year window (version 5): its group and its pair as
 * strings that are never null, so that the composite index on (place, year, pairKey, groupKey,
 * total, flows, unknown) holds every dated tally (a range index leaves out a node with a null in any
 * of its properties) and answers fundingFlows from its entries alone, without reading the tallies.
 * `groupKey` is JSON [funder, flowType, currency] (fundingFlows' group by funder), `pairKey` JSON
 * [flowType, currency] (the pair `first` ranks within); null stays apart from "null".
 * `parts` are the key's parts: [place, funder, currency, year, flowType].
 */
export function fundingTallyWindowKeys(parts: readonly unknown[]): { pairKey: string; groupKey: string } {
  const [, funder, currency, , flowType] = parts.map((x) => x ?? null);
  return { pairKey: JSON.stringify([flowType, currency]), groupKey: JSON.stringify([funder, flowType, currency]) };
}

const negate = (v: string) => (v.startsWith("-") ? v.slice(1) : `-${v}`);


/** The flows a scope reaches: named ones, those into its projects, those of its funders. */
async function flowsOf(run: Run, scope: AggregateScope): Promise<string[]> {
  const ids = new Set(scope.fundingIds ?? []);
  if (scope.projectIds?.length) {
    for (const batch of chunks([...new Set(scope.projectIds)], 5000)) {
      const [row] = await run("UNWIND $ids AS id MATCH (:Project {id: id})<-[:FUNDS]-(f:Funding) RETURN collect(DISTINCT f.id) AS ids", { ids: batch });
      for (const id of (row?.ids as string[] | undefined) ?? []) ids.add(id);
    }
  }
  if (scope.funderIds?.length) {
    const [row] = await run("UNWIND $ids AS id MATCH (:Actor {id: id})-[:FUNDED]->(f:Funding) RETURN collect(DISTINCT f.id) AS ids", { ids: [...new Set(scope.funderIds)] });
    for (const id of (row?.ids as string[] | undefined) ?? []) ids.add(id);
  }
  // Sorted: flows are locked in this order (LOCK_FLOW), the same in every transaction.
  return [...ids].sort();
}

/**
 * Takes the flow's write lock before its stored contribution is read: two transactions refreshing
 * one flow (an IN_REGION added here, a TAKES_PLACE_IN there) would otherwise both subtract the same
 * stored keys, and the tallies would drift for good. The second waits, then reads the first's result.
 */
const LOCK_FLOW = "SET f.tallyLock = true REMOVE f.tallyLock WITH f";

/**
 * A write that would keep aggregates of another definition than the graph's: refused, because its
 * upkeep (this code's deltas) would leave the stored tallies wrong for the processes that read them.
 * Met during a rolling deploy (an older process writing after a newer one rebuilt them) or after a
 * downgrade; reads are refused the same way (AGGREGATES_STALE, db/graph-watcher.ts).
 */
export class AggregatesVersionError extends Error {
  /** `stored` null: a rebuild is under way (or one stopped halfway). */
  constructor(readonly stored: number | null) {
    super(stored === null
      ? "this write was refused: the graph's aggregates are being rebuilt, and a write's upkeep meanwhile would be lost; " +
        "try again when the rebuild ends (a rebuild that stopped halfway is finished by `npm run db:migrate`); this write was not applied"
      : `this write was refused: the graph's aggregates are version ${stored} and this release keeps version ${AGGREGATES_VERSION}, ` +
        (stored > AGGREGATES_VERSION
          ? "so its upkeep would leave them wrong; write through a process of the release that wrote them; this write was not applied"
          : "so its upkeep would leave them wrong; run `npm run db:migrate` (or restart with `npm start`) to rebuild them, then write again; this write was not applied"));
  }
}

/**
 * Refuses, inside the writing transaction, upkeep over aggregates of another version, or during a
 * rebuild (markRebuilding). None stored at all is a bulk load under way: its own writes run the
 * upkeep, and the load rebuilds the aggregates when it ends.
 */
async function assertSameAggregates(run: Run): Promise<void> {
  const [row] = await run("OPTIONAL MATCH (s:AggregateState {id: 'aggregates'}) RETURN s.version AS version, s.rebuilding AS rebuilding", {});
  if (row?.rebuilding === true) throw new AggregatesVersionError(null);
  const stored = row?.version == null ? null : Number(row.version);
  if (stored !== null && stored !== AGGREGATES_VERSION) throw new AggregatesVersionError(stored);
}

const touchesAggregates = (scope: AggregateScope) =>
  Boolean(scope.projectIds?.length || scope.fundingIds?.length || scope.funderIds?.length);

/** Recounts the aggregates a write may have changed. Runs in the writing transaction (`run`). */
export async function refreshAggregates(run: Run, scope: AggregateScope): Promise<void> {
  if (!touchesAggregates(scope)) return;
  await assertSameAggregates(run);
  await refreshPartnerTallies(run, scope.projectIds ?? []);
  await refreshThemeTallies(run, scope.projectIds ?? []);
  const flows = await flowsOf(run, scope);
  for (const batch of chunks(flows, 2000)) {
    const rows = await run(`UNWIND $ids AS id MATCH (f:Funding {id: id}) ${LOCK_FLOW} RETURN ${FLOW_PARTS}`, { ids: batch });
    await applyFlows(run, rows.map((r) => ({
      id: String(r.id), oldKeys: (r.oldKeys as string[] | null) ?? [], oldAmount: (r.oldAmount as string | null) ?? null,
      newKeys: keysOf(r), newAmount: decimalOrNull(r.amount),
    })));
  }
}

/**
 * Takes what flows and projects contribute out of the aggregates, before they are deleted (a
 * deleted node's stored contribution would be lost with it). A project's flows are retracted too
 * when `withProjectFlows` (they are deleted with it).
 */
export async function retractAggregates(run: Run, scope: { fundingIds?: readonly string[]; projectIds?: readonly string[] }): Promise<void> {
  if (!touchesAggregates(scope)) return;
  await assertSameAggregates(run);
  await refreshPartnerTallies(run, scope.projectIds ?? [], true);
  await refreshThemeTallies(run, scope.projectIds ?? [], true);
  const flows = await flowsOf(run, { fundingIds: scope.fundingIds, projectIds: scope.projectIds });
  for (const batch of chunks(flows, 2000)) {
    const rows = await run(`UNWIND $ids AS id MATCH (f:Funding {id: id}) ${LOCK_FLOW} RETURN f.id AS id, f.tallyKeys AS oldKeys, f.tallyAmount AS oldAmount`, { ids: batch });
    await applyFlows(run, rows.map((r) => ({
      id: String(r.id), oldKeys: (r.oldKeys as string[] | null) ?? [], oldAmount: (r.oldAmount as string | null) ?? null, newKeys: [], newAmount: null,
    })));
  }
}

interface TallyDelta { key: string; flows: number; unknown: number; amounts: string[] }

async function applyFlows(run: Run, states: FlowState[]): Promise<void> {
  const deltas = new Map<string, TallyDelta>();
  const delta = (key: string) => {
    let d = deltas.get(key);
    if (!d) deltas.set(key, d = { key, flows: 0, unknown: 0, amounts: [] });
    return d;
  };
  const changed = states.filter((s) => s.oldAmount !== s.newAmount || s.oldKeys.length !== s.newKeys.length || s.oldKeys.some((k, i) => k !== s.newKeys[i]));
  if (!changed.length) return;
  for (const s of changed) {
    for (const key of s.oldKeys) {
      const d = delta(key);
      d.flows -= 1;
      if (s.oldAmount === null) d.unknown -= 1;
      else d.amounts.push(negate(s.oldAmount));
    }
    for (const key of s.newKeys) {
      const d = delta(key);
      d.flows += 1;
      if (s.newAmount === null) d.unknown += 1;
      else d.amounts.push(s.newAmount);
    }
  }
  await applyTallyDeltas(run, [...deltas.values()]);
  await run("UNWIND $rows AS r MATCH (f:Funding {id: r.id}) SET f.tallyKeys = r.keys, f.tallyAmount = r.amount",
    { rows: changed.map((s) => ({ id: s.id, keys: s.newKeys, amount: s.newKeys.length ? s.newAmount : null })) });
}

/** Adds deltas to the tallies: counts in Cypher (which locks each tally first), totals in TypeScript. */
async function applyTallyDeltas(run: Run, deltas: TallyDelta[]): Promise<void> {
  // Sorted keys: concurrent writers lock tallies in the same order.
  const sorted = deltas.filter((d) => d.flows || d.unknown || d.amounts.length).sort((a, b) => compareStrings(a.key, b.key));
  for (const batch of chunks(sorted, 5000)) {
    const rows = await run(`UNWIND $rows AS d
      MERGE (t:FundingTally {key: d.key})
      ON CREATE SET t.place = d.parts[0], t.funder = d.parts[1], t.currency = d.parts[2], t.year = d.parts[3], t.flowType = d.parts[4],
        t.pairKey = d.pairKey, t.groupKey = d.groupKey, t.total = '0', t.flows = 0, t.unknown = 0
      SET t.flows = t.flows + d.flows, t.unknown = t.unknown + d.unknown
      RETURN t.key AS key, t.total AS total`, { rows: batch.map((d) => {
      const parts = JSON.parse(d.key) as unknown[];
      return { key: d.key, parts, ...fundingTallyWindowKeys(parts), flows: d.flows, unknown: d.unknown };
    }) });
    const totals = new Map(rows.map((r) => [String(r.key), String(r.total)]));
    await run(`UNWIND $rows AS r MATCH (t:FundingTally {key: r.key})
      SET t.total = r.total
      WITH t WHERE t.flows = 0 DELETE t`,
    { rows: batch.map((d) => ({ key: d.key, total: d.amounts.length ? sumDecimals([totals.get(d.key) ?? "0", ...d.amounts]) : totals.get(d.key) ?? "0" })) });
  }
}


// ---- Theme tallies (Q5) -------------------------------------------------------------------------
//
// Per theme set, a project counts in one of two places:
// - regular (start and end known, start <= end, both in TABLE_YEARS): cumulative year tables.
//   `startsUpTo[i]` counts the regular projects started in or before year `base + i`,
//   `endsBefore[i]` those ended before year `base + i` (`base` is the earliest start, the tables
//   run to the latest end). Active in [from, to] (from <= to, which the API enforces) =
//   started by `to` − ended before `from`: a project ended before `from` started before it too,
//   so it is among those started by `to`. Two lookups per set, whatever the number of projects
//   or of distinct (start, end) pairs.
// - irregular (no start year, an end before the start, years outside TABLE_YEARS): parallel lists
//   `starts`, `ends`, `counts` per distinct (start, end), read in full (rare; empty on clean data).

/** A project's entry in the theme tallies: its theme set and years, or null without a theme. */
const THEME_PARTS = `p.id AS id, p.themeTally AS old, p.startYear AS start, coalesce(p.endYear, p.startYear) AS end,
  COLLECT { MATCH (p)-[:ABOUT]->(t:Theme) RETURN DISTINCT t.id ORDER BY t.id } AS themes`;

const yearOf = (v: unknown) => (v === null || v === undefined ? NULL_YEAR : Number(v));

function themeEntryOf(r: Row): string | null {
  const themes = r.themes as string[];
  return themes.length ? JSON.stringify([[...themes].sort(), yearOf(r.start), yearOf(r.end)]) : null;
}

/** Years a regular project's start and end lie in: the year tables never span more than this. */
export const TABLE_YEARS = { min: 1800, max: 2200 } as const;

const isRegular = (start: number, end: number) =>
  start !== NULL_YEAR && end !== NULL_YEAR && start <= end && start >= TABLE_YEARS.min && end <= TABLE_YEARS.max;

/** What one ThemeSetTally stores about its projects' years. */
export interface ThemeSetYears {
  regular: number;
  base: number;
  startsUpTo: number[];
  endsBefore: number[];
  starts: number[];
  ends: number[];
  counts: number[];
}

const byKey = <T>([a]: [string, T], [b]: [string, T]) => compareStrings(a, b);

/**
 * The years of a theme set's projects in a form deltas apply to: how many regular projects start
 * and end in each year, and how many irregular ones have each (start, end). `encode` gives the
 * stored shape, the same for the same projects whatever the order of writes (rebuild = deltas).
 */
export class ThemeSetCounts {
  private readonly startsIn = new Map<number, number>();
  private readonly endsIn = new Map<number, number>();
  private readonly irregular = new Map<string, number>();

  add(start: number, end: number, by: number): this {
    const bump = (m: Map<number, number>, y: number) => m.set(y, (m.get(y) ?? 0) + by);
    if (isRegular(start, end)) {
      bump(this.startsIn, start);
      bump(this.endsIn, end);
    } else {
      const at = `${start} ${end}`;
      this.irregular.set(at, (this.irregular.get(at) ?? 0) + by);
    }
    return this;
  }

  static decode(stored: Partial<Record<keyof ThemeSetYears, unknown>>): ThemeSetCounts {
    const c = new ThemeSetCounts();
    const list = (v: unknown) => ((v as unknown[] | null | undefined) ?? []).map(Number);
    const [su, eb, s, e, n] = [list(stored.startsUpTo), list(stored.endsBefore), list(stored.starts), list(stored.ends), list(stored.counts)];
    const base = Number(stored.base ?? 0);
    const regular = Number(stored.regular ?? 0);
    su.forEach((v, i) => c.startsIn.set(base + i, v - (i ? su[i - 1]! : 0)));
    // endsBefore[i] - endsBefore[i - 1] projects end in year base + i - 1; the rest in the last year.
    eb.forEach((v, i) => { if (i) c.endsIn.set(base + i - 1, v - eb[i - 1]!); });
    if (eb.length) c.endsIn.set(base + eb.length - 1, regular - eb.at(-1)!);
    s.forEach((start, i) => c.irregular.set(`${start} ${e[i]}`, n[i]!));
    return c;
  }

  encode(): ThemeSetYears {
    const nonZero = (m: Map<number, number>) => [...m.entries()].filter(([, n]) => n !== 0);
    const starts = nonZero(this.startsIn);
    const ends = nonZero(this.endsIn);
    const regular = starts.reduce((a, [, n]) => a + n, 0);
    let base = 0;
    const startsUpTo: number[] = [];
    const endsBefore: number[] = [];
    if (regular) {
      base = Math.min(...starts.map(([y]) => y));
      const last = Math.max(...ends.map(([y]) => y));
      let started = 0;
      let ended = 0;
      for (let y = base; y <= last; y++) {
        started += this.startsIn.get(y) ?? 0;
        startsUpTo.push(started);
        endsBefore.push(ended);
        ended += this.endsIn.get(y) ?? 0;
      }
    }
    const kept = [...this.irregular.entries()].filter(([, n]) => n !== 0).sort(byKey);
    return {
      regular, base, startsUpTo, endsBefore,
      starts: kept.map(([at]) => Number(at.split(" ")[0])), ends: kept.map(([at]) => Number(at.split(" ")[1])), counts: kept.map(([, n]) => n),
    };
  }
}

/** The tallies a project of these (sorted, distinct) themes counts in: its set's, keyed by the ids as JSON, and `*`. */
export const themeSetsOf = (themes: string[]) => [[JSON.stringify(themes), themes], ["*", []]] as const;

/** Theme-set tallies counted in memory, project by project, for the rebuild (the offline import counts spans, to add up across workers). */
export class ThemeSetTallies {
  private readonly sets = new Map<string, { themes: string[]; projects: number; counts: ThemeSetCounts }>();

  add(themes: string[], start: number, end: number): void {
    for (const [key, set] of themeSetsOf(themes)) {
      let t = this.sets.get(key);
      if (!t) this.sets.set(key, t = { themes: [...set], projects: 0, counts: new ThemeSetCounts() });
      t.projects += 1;
      t.counts.add(start, end, 1);
    }
  }

  /** Each tally's ThemeSetTally properties, in first-counted order. */
  *rows() {
    for (const [key, t] of this.sets) yield { key, themes: t.themes, projects: t.projects, ...t.counts.encode() };
  }
}

interface SetDelta { key: string; themes: string[]; projects: number; entries: Map<string, number> }

async function refreshThemeTallies(run: Run, projectIds: readonly string[], retract = false): Promise<void> {
  for (const batch of chunks([...new Set(projectIds)], 2000)) {
    const rows = await run(`UNWIND $ids AS id MATCH (p:Project {id: id}) RETURN ${THEME_PARTS}`, { ids: batch });
    const changed = rows.map((r) => ({ id: String(r.id), old: (r.old as string | null) ?? null, now: retract ? null : themeEntryOf(r) }))
      .filter((c) => c.old !== c.now);
    if (!changed.length) continue;
    const deltas = new Map<string, SetDelta>();
    const add = (entry: string, by: number) => {
      const [themes, start, end] = JSON.parse(entry) as [string[], number, number];
      for (const [key, set] of themeSetsOf(themes)) {
        let d = deltas.get(key);
        if (!d) deltas.set(key, d = { key, themes: [...set], projects: 0, entries: new Map() });
        d.projects += by;
        const at = `${start} ${end}`;
        d.entries.set(at, (d.entries.get(at) ?? 0) + by);
      }
    };
    for (const c of changed) {
      if (c.old) add(c.old, -1);
      if (c.now) add(c.now, +1);
    }
    await applyThemeDeltas(run, [...deltas.values()].filter((d) => [...d.entries.values()].some((n) => n !== 0)));
    await run("UNWIND $rows AS r MATCH (p:Project {id: r.id}) SET p.themeTally = r.entry", { rows: changed.map((c) => ({ id: c.id, entry: c.now })) });
  }
}

async function applyThemeDeltas(run: Run, deltas: SetDelta[]): Promise<void> {
  if (!deltas.length) return;
  deltas.sort((a, b) => compareStrings(a.key, b.key));
  // The count update takes each tally's write lock before its tables are read.
  const rows = await run(`UNWIND $rows AS d
    MERGE (t:ThemeSetTally {key: d.key})
    ON CREATE SET t.themes = d.themes, t.projects = 0, t.regular = 0, t.base = 0, t.startsUpTo = [], t.endsBefore = [],
      t.starts = [], t.ends = [], t.counts = []
    SET t.projects = t.projects + d.projects
    RETURN t.key AS key, t { .regular, .base, .startsUpTo, .endsBefore, .starts, .ends, .counts } AS years`,
  { rows: deltas.map((d) => ({ key: d.key, themes: d.themes, projects: d.projects })) });
  const byKey = new Map(deltas.map((d) => [d.key, d]));
  const updated = rows.map((r) => {
    const d = byKey.get(String(r.key))!;
    const counts = ThemeSetCounts.decode(r.years as Record<string, unknown>);
    for (const [at, by] of d.entries) counts.add(Number(at.split(" ")[0]), Number(at.split(" ")[1]), by);
    return { key: d.key, ...counts.encode() };
  });
  await run(`UNWIND $rows AS r MATCH (t:ThemeSetTally {key: r.key})
    SET t.regular = r.regular, t.base = r.base, t.startsUpTo = r.startsUpTo, t.endsBefore = r.endsBefore,
      t.starts = r.starts, t.ends = r.ends, t.counts = r.counts
    WITH t WHERE t.projects = 0 DELETE t`, { rows: updated });
}

/**
 * Cypher: how many projects are about one of the themes in $themes and active in the years
 * ($from, $to: either may be null; from <= to), from the theme tallies. Sums the sets that meet
 * the themes, or, when the sets that do not are fewer, takes those from the tally of every project
 * with a theme. Per set: two lookups in its year tables, plus its irregular entries (usually none).
 */
export const THEME_COUNT = `
  MATCH (t:ThemeSetTally) WHERE t.key IS NOT NULL
  WITH t, t.key <> '*' AND any(x IN t.themes WHERE x IN $themes) AS meets
  WITH collect(CASE WHEN meets THEN t END) AS meeting, collect(CASE WHEN NOT meets AND t.key <> '*' THEN t END) AS others,
       collect(CASE WHEN t.key = '*' THEN t END) AS everyone
  UNWIND CASE WHEN size(meeting) <= size(others) THEN [x IN meeting | [1, x]] ELSE [x IN everyone | [1, x]] + [x IN others | [-1, x]] END AS signed
  WITH signed[0] AS sign, signed[1] AS t, toInteger($from) AS from, toInteger($to) AS to
  WITH sign, from, to, t.regular AS r, t.base AS base, t.startsUpTo AS su, t.endsBefore AS eb, t.starts AS s, t.ends AS e, t.counts AS c
  RETURN coalesce(sum(sign * (
    CASE WHEN to IS NULL THEN r WHEN to < base THEN 0 WHEN to - base >= size(su) THEN r ELSE su[to - base] END
    - CASE WHEN from IS NULL OR from <= base THEN 0 WHEN from - base >= size(eb) THEN r ELSE eb[from - base] END
    + reduce(n = 0, i IN range(0, size(c) - 1) |
        n + CASE WHEN (from IS NULL OR (e[i] <> ${NULL_YEAR} AND e[i] >= from)) AND (to IS NULL OR (s[i] <> ${NULL_YEAR} AND s[i] <= to))
                 THEN c[i] ELSE 0 END))), 0) AS n`;

async function rebuildThemeTallies(db: Database): Promise<number> {
  await db.runSchema("MATCH (t:ThemeSetTally) CALL (t) { DELETE t } IN TRANSACTIONS OF 10000 ROWS");
  const sets = new ThemeSetTallies();
  const projects: { id: string; entry: string | null }[] = [];
  await db.stream(`MATCH (p:Project) RETURN ${THEME_PARTS}`, {}, (r) => {
    const entry = themeEntryOf(r);
    if (entry !== null || r.old !== null) projects.push({ id: String(r.id), entry });
    if (entry === null) return;
    const [themes, start, end] = JSON.parse(entry) as [string[], number, number];
    sets.add(themes, start, end);
  }, { timeoutMs: 3_600_000 });
  for (const batch of chunks(projects, 10_000)) {
    await db.write("UNWIND $rows AS r MATCH (p:Project {id: r.id}) SET p.themeTally = r.entry", { rows: batch }, { timeoutMs: 600_000 });
  }
  const rows = [...sets.rows()];
  for (const batch of chunks(rows, 1000)) {
    await db.write(`UNWIND $rows AS r CREATE (t:ThemeSetTally {key: r.key})
      SET t.themes = r.themes, t.projects = r.projects, t.regular = r.regular, t.base = r.base, t.startsUpTo = r.startsUpTo,
        t.endsBefore = r.endsBefore, t.starts = r.starts, t.ends = r.ends, t.counts = r.counts`, { rows: batch }, { timeoutMs: 600_000 });
  }
  return rows.length;
}
// ---- end of theme tallies -----------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Partner tallies (partners without a filter, Q2): PARTNERS_WITH {shared} between two actors.
// ---------------------------------------------------------------------------------------------

/**
 * A project stores the sorted ids of the distinct actors it counts in the partner tallies
 * (`partnerTally`). A refresh takes the project's write lock before it reads that list (two writers
 * adding participants to one project would otherwise both start from the same list and lose a
 * pair), reads the participants now, and moves the pairs that changed: -1 for each pair of the
 * stored list that is no longer there, +1 for each new one. Roles do not matter: an actor taking
 * part twice (two roles) is one participant. A pair's relationship goes from the smaller id to the
 * greater; MERGE between two bound nodes locks both before it creates, so two writers cannot create
 * it twice, and the count update takes the relationship's write lock; at zero it is deleted. An
 * actor deleted or merged away takes its relationships with it (DETACH DELETE): the pairs that
 * stored lists still name it with find no actor and change nothing.
 */
const LOCK_PROJECT = "SET p.partnerLock = true REMOVE p.partnerLock WITH p";

/** Cypher: the sorted ids of the distinct actors taking part in project `p`. */
const PARTICIPANT_IDS = "COLLECT { MATCH (x:Actor)-[:PARTICIPATES_IN]->(p) RETURN DISTINCT x.id AS id ORDER BY id }";

const PAIR_SEPARATOR = "\n";

/** Every unordered pair of a sorted list of distinct ids, as keys "smaller\ngreater". */
function pairsOf(ids: readonly string[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) pairs.push(`${ids[i]}${PAIR_SEPARATOR}${ids[j]}`);
  return pairs;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

async function refreshPartnerTallies(run: Run, projectIds: readonly string[], retract = false): Promise<void> {
  // Sorted: projects are locked in this order, the same in every transaction.
  for (const batch of chunks([...new Set(projectIds)].sort(), 1000)) {
    const rows = await run(`UNWIND $ids AS id MATCH (p:Project {id: id}) ${LOCK_PROJECT}
      RETURN p.id AS id, p.partnerTally AS old, ${PARTICIPANT_IDS} AS now`, { ids: batch });
    const changed = rows.map((r) => ({ id: String(r.id), old: (r.old as string[] | null) ?? [], now: retract ? [] : [...(r.now as string[])].sort() }))
      .filter((c) => !sameList(c.old, c.now));
    if (!changed.length) continue;
    const deltas = new Map<string, number>();
    for (const c of changed) {
      const before = new Set(pairsOf(c.old));
      const after = new Set(pairsOf(c.now));
      for (const k of before) if (!after.has(k)) deltas.set(k, (deltas.get(k) ?? 0) - 1);
      for (const k of after) if (!before.has(k)) deltas.set(k, (deltas.get(k) ?? 0) + 1);
    }
    await applyPartnerDeltas(run, deltas);
    await run("UNWIND $rows AS r MATCH (p:Project {id: r.id}) SET p.partnerTally = r.ids",
      { rows: changed.map((c) => ({ id: c.id, ids: c.now.length ? c.now : null })) });
  }
}

async function applyPartnerDeltas(run: Run, deltas: Map<string, number>): Promise<void> {
  // Sorted pairs: concurrent writers lock the relationships (and the actors they create between) in one order.
  const rows = [...deltas].filter(([, n]) => n !== 0).sort(([a], [b]) => compareStrings(a, b))
    .map(([key, n]) => {
      const [a, b] = key.split(PAIR_SEPARATOR);
      return { a, b, n };
    });
  for (const batch of chunks(rows, 5000)) {
    await run(`UNWIND $rows AS d
      MATCH (a:Actor {id: d.a}), (b:Actor {id: d.b})
      MERGE (a)-[r:PARTNERS_WITH]->(b)
      ON CREATE SET r.shared = 0, r.a = d.a, r.b = d.b
      SET r.shared = r.shared + d.n
      WITH r WHERE r.shared <= 0 DELETE r`, { rows: batch });
  }
}

/** Recomputes the partner tallies in Cypher, a batch of actors per transaction. Returns the pairs. */
async function rebuildPartnerTallies(db: Database): Promise<number> {
  await db.runSchema("MATCH ()-[r:PARTNERS_WITH]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS");
  await db.runSchema(`MATCH (p:Project) CALL (p) {
      WITH p, ${PARTICIPANT_IDS} AS ids
      SET p.partnerTally = CASE WHEN size(ids) = 0 THEN null ELSE ids END
    } IN TRANSACTIONS OF 10000 ROWS`);
  await db.runSchema(`MATCH (a:Actor) CALL (a) {
      MATCH (a)-[:PARTICIPATES_IN]->(p:Project)<-[:PARTICIPATES_IN]-(b:Actor) WHERE a.id < b.id
      WITH b, count(DISTINCT p) AS n
      CREATE (a)-[:PARTNERS_WITH {a: a.id, b: b.id, shared: n}]->(b)
    } IN TRANSACTIONS OF 200 ROWS`);
  const [row] = await db.read("MATCH ()-[r:PARTNERS_WITH]->() RETURN count(r) AS n");
  return Number(row?.n ?? 0);
}

/**
 * Recomputes every aggregate from scratch: the tallies are deleted, every flow's contribution is
 * read (streamed), summed in TypeScript and written back. For a bulk load's end and for migrations.
 */
export async function rebuildAggregates(db: Database, log: (line: string) => void = () => {}): Promise<void> {
  const started = Date.now();
  await markRebuilding(db, log);
  await db.runSchema("MATCH (t:FundingTally) CALL (t) { DELETE t } IN TRANSACTIONS OF 10000 ROWS");
  const tallies = new Map<string, { flows: number; unknown: number; amounts: string[] }>();
  const flowRows: { id: string; keys: string[]; amount: string | null }[] = [];
  await db.stream(`MATCH (f:Funding) RETURN ${FLOW_PARTS}`, {}, (r) => {
    const keys = keysOf(r);
    const amount = decimalOrNull(r.amount);
    for (const key of keys) {
      let t = tallies.get(key);
      if (!t) tallies.set(key, t = { flows: 0, unknown: 0, amounts: [] });
      t.flows += 1;
      if (amount === null) t.unknown += 1;
      else {
        t.amounts.push(amount);
        // Keep the lists short: fold every thousand amounts into their exact sum.
        if (t.amounts.length >= 1000) t.amounts = [sumDecimals(t.amounts)];
      }
    }
    flowRows.push({ id: String(r.id), keys, amount: keys.length ? amount : null });
  }, { timeoutMs: 3_600_000 });
  for (const batch of chunks(flowRows, 10_000)) {
    await db.write("UNWIND $rows AS r MATCH (f:Funding {id: r.id}) SET f.tallyKeys = r.keys, f.tallyAmount = r.amount", { rows: batch }, { timeoutMs: 600_000 });
  }
  const rows = [...tallies.entries()].map(([key, t]) => {
    const parts = JSON.parse(key) as unknown[];
    return { key, parts, ...fundingTallyWindowKeys(parts), flows: t.flows, unknown: t.unknown, total: sumDecimals(t.amounts) };
  });
  for (const batch of chunks(rows, 10_000)) {
    await db.write(`UNWIND $rows AS r CREATE (t:FundingTally {key: r.key})
      SET t.place = r.parts[0], t.funder = r.parts[1], t.currency = r.parts[2], t.year = r.parts[3], t.flowType = r.parts[4],
          t.pairKey = r.pairKey, t.groupKey = r.groupKey, t.total = r.total, t.flows = r.flows, t.unknown = r.unknown`, { rows: batch }, { timeoutMs: 600_000 });
  }
  const themeSets = await rebuildThemeTallies(db);
  const partnersStarted = Date.now();
  const partnerPairs = await rebuildPartnerTallies(db);
  const partnerSeconds = (Date.now() - partnersStarted) / 1000;
  await db.writeTransaction((tx) => tx.run("MERGE (s:AggregateState {id: 'aggregates'}) SET s.version = $version REMOVE s.rebuilding", { version: AGGREGATES_VERSION }),
    { changed: [AGGREGATES_CHANGE] });
  log(`aggregates rebuilt: ${rows.length} funding tallies, ${themeSets} theme sets, ${partnerPairs} partner pairs (${partnerSeconds.toFixed(1)} s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The graph's aggregates are of a newer definition than this code's: rebuilding them would downgrade every newer process. */
export class NewerAggregatesError extends Error {
  constructor(readonly stored: number) {
    super(`the graph's aggregates are version ${stored}, newer than this release's ${AGGREGATES_VERSION}: run the release that wrote them, ` +
      "or, to go back to this release for good, `npm run db:migrate -- --downgrade` (every newer process then refuses aggregate reads until it migrates again)");
  }
}

/**
 * Rebuilds the aggregates when the database holds none of this version (a migration step). A newer
 * version is refused unless `downgrade` says so: an older release restarted during a rolling deploy
 * would otherwise rebuild them to its definition under the newer processes.
 */
export async function ensureAggregates(db: Database, log?: (line: string) => void, opts: { downgrade?: boolean } = {}): Promise<boolean> {
  const [row] = await db.read("OPTIONAL MATCH (s:AggregateState {id: 'aggregates'}) RETURN s.version AS version");
  const stored = row?.version == null ? null : Number(row.version);
  if (stored === AGGREGATES_VERSION) return false;
  if (stored !== null && stored > AGGREGATES_VERSION && !opts.downgrade) throw new NewerAggregatesError(stored);
  await rebuildAggregates(db, log);
  return true;
}

/**
 * Says a rebuild is under way (readers see no current version; writes that keep aggregates are
 * refused: the rebuild reads every flow once and writes the tallies back, so a write's upkeep in
 * between would be lost or collide with it), then waits for the transactions that started before
 * the mark, which may have read the state before it, to end (best effort: an account that may not
 * list other users' transactions sees only its own; at most 30 s).
 */
async function markRebuilding(db: Database, log: (line: string) => void): Promise<void> {
  const before = Date.now();
  await db.writeTransaction((tx) => tx.run("MERGE (s:AggregateState {id: 'aggregates'}) SET s.rebuilding = true REMOVE s.version"), { changed: [AGGREGATES_CHANGE] });
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    // Older than the mark: running for longer than the time since just before it. A transaction
    // between two statements has no current query, and must count.
    const running = await db.read(`SHOW TRANSACTIONS YIELD elapsedTime, currentQuery
      WHERE elapsedTime.milliseconds > $ms AND NOT coalesce(currentQuery, '') STARTS WITH 'SHOW TRANSACTIONS' RETURN count(*) AS n`,
    { ms: Date.now() - before }).catch(() => [{ n: 0 }]);
    if (!Number(running[0]?.n)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log("aggregates rebuild: transactions older than the rebuild still running after 30 s; going on");
}

/**
 * Says the aggregates are no longer current, before a write that bypasses the per-write upkeep (a
 * bulk load, whose own writes still run the upkeep) or a rebuild: if either dies halfway, the next `migrate` rebuilds them instead of
 * trusting tallies that miss what was written.
 */
export async function markAggregatesStale(db: Database): Promise<void> {
  await db.writeTransaction((tx) => tx.run("MATCH (s:AggregateState {id: 'aggregates'}) DELETE s"), { changed: [AGGREGATES_CHANGE] });
}

/**
 * The change recorded when the aggregates stop or start being current: it moves the graph's version,
 * so that answers cached before (or read in the moment before a process sees the state) are not
 * served after it.
 */
const AGGREGATES_CHANGE = "aggregates";
