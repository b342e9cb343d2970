/**
 * Scores pairs of entities that may be the same, with the evidence behind each score, in the spirit
 * of nomenklatura's xref: block on cheap keys, then compare each pair found in a block.
 * String similarity: Jaro-Winkler (the jaro-winkler package, Winkler's definition: the common
 * prefix counts from a Jaro similarity of 0.7 up) rewards names that agree from the start,
 * Dice-Sørensen on character bigrams (cmpstr) penalizes extra words ("... Regional Office for
 * Africa"); their mean is the name score. Not cmpstr's Jaro-Winkler: its metrics on integer arrays
 * share a pool that hands one array out twice, and after a few calls its results were wrong. Its
 * Dice uses sets, which that pool never keeps, so it stays right (a unit test checks both).
 */
import { CmpStr } from "cmpstr";
import jaroWinkler from "jaro-winkler";
import { normalizeName } from "../../model/names.js";

export interface Profile {
  id: string;
  name: string;
  type: string;
  officialName?: string | null;
  acronyms?: string[] | null;
  aliases?: string[] | null;
  iatiRef?: string | null;
  countries: string[];
  sourceCount: number;
}

export interface Evidence {
  kind: "name" | "acronym" | "iati-identifier" | "country";
  /** What it adds to (or takes from) the score. */
  weight: number;
  detail: string;
}

export interface Scored {
  a: Profile;
  b: Profile;
  score: number;
  evidence: Evidence[];
}

const dice = CmpStr.create().setMetric("dice");

const STOP = new Set(["the", "of", "for", "and", "de", "del", "la", "el", "los", "las", "y", "para", "on", "in"]);

/** A name without a trailing "(WHO)" and without case, accents or punctuation. */
function core(name: string): string {
  return normalizeName(name.replace(/\([^)]*\)\s*$/, ""));
}

function namesOf(p: Profile): string[] {
  return [...new Set([p.name, p.officialName, ...(p.aliases ?? [])].filter((n): n is string => Boolean(n)).map(core).filter(Boolean))];
}

/** Acronyms stated, in a trailing parenthesis ("World Health Organization (WHO)"), or spelled by the initials. */
function acronymsOf(p: Profile): { stated: Set<string>; initials: Set<string> } {
  const stated = new Set((p.acronyms ?? []).map(normalizeName));
  for (const n of [p.name, p.officialName, ...(p.aliases ?? [])]) {
    const m = n ? /\(([^)]+)\)\s*$/.exec(n) : null;
    if (m) stated.add(normalizeName(m[1]!));
  }
  const initials = new Set(namesOf(p).map((n) => n.split(" ").filter((w) => !STOP.has(w)).map((w) => w[0]).join("")).filter((i) => i.length >= 3));
  return { stated, initials };
}

export function similarity(x: string, y: string): number {
  return (jaroWinkler(x, y) + Number(dice.compare(x, y))) / 2;
}

/** Blocking keys: the first two significant words of each name, stated acronyms, the IATI identifier. */
export function blockingKeys(p: Profile): string[] {
  const keys = new Set<string>();
  for (const n of namesOf(p)) {
    const words = n.split(" ").filter((w) => !STOP.has(w));
    if (words.length) keys.add(`n:${words.slice(0, 2).join(" ")}`);
  }
  const { stated, initials } = acronymsOf(p);
  for (const a of [...stated, ...initials]) keys.add(`a:${a}`);
  if (p.iatiRef) keys.add(`i:${p.iatiRef.toUpperCase()}`);
  return [...keys];
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function score(a: Profile, b: Profile): Scored {
  const evidence: Evidence[] = [];
  let best = { value: 0, x: "", y: "" };
  for (const x of namesOf(a)) for (const y of namesOf(b)) {
    const value = similarity(x, y);
    if (value > best.value) best = { value, x, y };
  }
  let total = best.value;
  evidence.push({ kind: "name", weight: round(best.value), detail: `"${best.x}" ~ "${best.y}": mean of Jaro-Winkler and Dice = ${round(best.value)}` });

  const A = acronymsOf(a);
  const B = acronymsOf(b);
  const shared = [...A.stated].find((x) => B.stated.has(x) || B.initials.has(x)) ?? [...B.stated].find((x) => A.initials.has(x));
  if (shared && total < 0.9) {
    evidence.push({ kind: "acronym", weight: round(0.9 - total), detail: `both are called "${shared.toUpperCase()}"` });
    total = 0.9;
  }
  if (a.iatiRef && b.iatiRef) {
    if (a.iatiRef.toUpperCase() === b.iatiRef.toUpperCase()) {
      evidence.push({ kind: "iati-identifier", weight: round(1 - total), detail: `same IATI identifier ${a.iatiRef}` });
      total = 1;
    } else {
      evidence.push({ kind: "iati-identifier", weight: -0.1, detail: `different IATI identifiers ${[a.iatiRef, b.iatiRef].sort().join(" and ")} (publishers do use several for one body)` });
      total -= 0.1;
    }
  }
  if (a.countries.length && b.countries.length) {
    const common = a.countries.filter((c) => b.countries.includes(c));
    if (common.length) {
      evidence.push({ kind: "country", weight: 0.05, detail: `both based in ${common.join(", ")}` });
      total += 0.05;
    } else {
      evidence.push({ kind: "country", weight: -0.1, detail: `based in different countries (${a.countries.join(", ")} / ${b.countries.join(", ")})` });
      total -= 0.1;
    }
  }
  const [first, second] = a.id < b.id ? [a, b] : [b, a];
  return { a: first, b: second, score: round(Math.max(0, Math.min(1, total))), evidence };
}

/** Every pair that shares a blocking key (blocks larger than `maxBlock` are too generic to use). */
export function candidatePairs(profiles: Profile[], maxBlock = 200): [Profile, Profile][] {
  const blocks = new Map<string, Profile[]>();
  for (const p of profiles) for (const key of blockingKeys(p)) {
    const list = blocks.get(key) ?? [];
    list.push(p);
    blocks.set(key, list);
  }
  const pairs = new Map<string, [Profile, Profile]>();
  for (const members of blocks.values()) {
    if (members.length < 2 || members.length > maxBlock) continue;
    for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) {
      const [x, y] = [members[i]!, members[j]!];
      if (x.type !== y.type) continue;
      const key = x.id < y.id ? `${x.id}|${y.id}` : `${y.id}|${x.id}`;
      if (!pairs.has(key)) pairs.set(key, [x, y]);
    }
  }
  return [...pairs.values()];
}
