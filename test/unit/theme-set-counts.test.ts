/**
 * The theme tallies' year tables (db/aggregates.ts, ThemeSetCounts): a count read with two lookups
 * equals a count over the projects themselves, for every year window, with projects that have no
 * end year, no start year, an end before the start or years far outside the tables; and deltas
 * applied to a stored shape give what a rebuild from scratch gives.
 */
import { describe, expect, it } from "vitest";
import { NULL_YEAR, ThemeSetCounts, type ThemeSetYears } from "../../src/db/aggregates.js";

type P = [start: number, end: number];

/** What THEME_COUNT computes for one set, in TypeScript (from <= to). */
function lookup(t: ThemeSetYears, from: number | null, to: number | null): number {
  const started = to === null ? t.regular : to < t.base ? 0 : to - t.base >= t.startsUpTo.length ? t.regular : t.startsUpTo[to - t.base]!;
  const ended = from === null || from <= t.base ? 0 : from - t.base >= t.endsBefore.length ? t.regular : t.endsBefore[from - t.base]!;
  const irregular = t.counts.reduce((n, c, i) => n + ((from === null || (t.ends[i] !== NULL_YEAR && t.ends[i]! >= from))
    && (to === null || (t.starts[i] !== NULL_YEAR && t.starts[i]! <= to)) ? c : 0), 0);
  return started - ended + irregular;
}

/** The walk: coalesce(endYear, startYear) >= from AND startYear <= to, a null failing either bound. */
const walked = (projects: P[], from: number | null, to: number | null) => projects.filter(([s, e]) =>
  (from === null || (e !== NULL_YEAR && e >= from)) && (to === null || (s !== NULL_YEAR && s <= to))).length;

const build = (projects: P[]) => projects.reduce((c, [s, e]) => c.add(s, e, 1), new ThemeSetCounts()).encode();

function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

const WINDOWS: [number | null, number | null][] = [[null, null], [2003, 2024], [2010, 2010], [1995, 1999], [2030, 2040], [null, 2005],
  [2020, null], [1990, 2050], [2015, 2016], [2000, 2000], [2026, 2026], [2027, null], [null, 1999]];

describe("theme set year tables", () => {
  it("stores cumulative counts from the earliest start to the latest end", () => {
    // Started 2001 and ended 2003; started and ended 2002 (no end year: end = start); started 2002, ended 2004.
    const t = build([[2001, 2003], [2002, 2002], [2002, 2004]]);
    expect(t).toEqual({ regular: 3, base: 2001, startsUpTo: [1, 3, 3, 3], endsBefore: [0, 0, 1, 2], starts: [], ends: [], counts: [] });
    expect(lookup(t, 2003, 2003)).toBe(2);
    expect(lookup(t, 2004, 2010)).toBe(1);
    expect(lookup(t, 2005, null)).toBe(0);
    expect(lookup(t, null, 2001)).toBe(1);
  });

  it("keeps projects without a start year, ending before they start or far out of range in lists", () => {
    const t = build([[NULL_YEAR, NULL_YEAR], [NULL_YEAR, 2010], [2012, 2008], [2012, 2008], [1066, 1070], [2005, 2006]]);
    expect(t).toEqual({ regular: 1, base: 2005, startsUpTo: [1, 1], endsBefore: [0, 0],
      starts: [-999999, -999999, 1066, 2012], ends: [-999999, 2010, 1070, 2008], counts: [1, 1, 1, 2] });
    // Undated projects count only without years; one with only an end year only without `to`.
    expect(lookup(t, null, null)).toBe(6);
    expect(lookup(t, 2009, null)).toBe(1);
    expect(lookup(t, 2008, 2012)).toBe(2);
  });

  it("answers every year window as the walk does, on random projects", () => {
    const rand = random(7);
    const projects: P[] = [];
    for (let i = 0; i < 3000; i++) {
      const kind = rand();
      const start = 1995 + Math.floor(rand() * 32);
      if (kind < 0.05) projects.push([NULL_YEAR, NULL_YEAR]);
      else if (kind < 0.1) projects.push([NULL_YEAR, start]);
      else if (kind < 0.12) projects.push([start, start - 1 - Math.floor(rand() * 3)]);
      else projects.push([start, Math.min(2026, start + Math.floor(rand() * 6))]);
    }
    const t = build(projects);
    expect(t.startsUpTo.length).toBeLessThanOrEqual(2026 - 1995 + 1);
    for (const [from, to] of WINDOWS) expect(lookup(t, from, to), `${from}-${to}`).toBe(walked(projects, from, to));
    for (let from = 1990; from <= 2030; from += 3) {
      for (let to = from; to <= 2032; to += 4) expect(lookup(t, from, to), `${from}-${to}`).toBe(walked(projects, from, to));
    }
  });

  it("gives after any sequence of deltas what a rebuild of the remaining projects gives", () => {
    const rand = random(11);
    const kept: P[] = [];
    let stored = new ThemeSetCounts().encode();
    for (let step = 0; step < 400; step++) {
      const counts = ThemeSetCounts.decode(stored);
      if (kept.length && rand() < 0.45) {
        const [gone] = kept.splice(Math.floor(rand() * kept.length), 1);
        counts.add(gone![0], gone![1], -1);
      } else {
        const start = rand() < 0.1 ? NULL_YEAR : 1998 + Math.floor(rand() * 30);
        const p: P = [start, start === NULL_YEAR ? (rand() < 0.5 ? NULL_YEAR : 2010) : start + Math.floor(rand() * 4) - (rand() < 0.05 ? 5 : 0)];
        kept.push(p);
        counts.add(p[0], p[1], 1);
      }
      stored = counts.encode();
      expect(stored).toEqual(build(kept));
    }
    // Everything removed: the empty shape again.
    const counts = ThemeSetCounts.decode(stored);
    for (const [s, e] of kept) counts.add(s, e, -1);
    expect(counts.encode()).toEqual({ regular: 0, base: 0, startsUpTo: [], endsBefore: [], starts: [], ends: [], counts: [] });
  });
});
