/**
 * The typo distance of ask() and the name similarity of duplicateCandidates stay right however much
 * either has run before in the process. cmpstr 3.3.0's metrics share a pool of typed arrays that
 * hands one array out twice: after the resolution scorer had compared names, its Damerau-Levenshtein
 * distance from "unodc" to "undoc" was 5 (not 1), and its Jaro-Winkler drifted after its own calls.
 */
import { CmpStr } from "cmpstr";
import { describe, expect, it } from "vitest";
import { editDistance } from "../../src/domain/ask/mentions.js";
import { score, similarity, type Profile } from "../../src/domain/resolution/scoring.js";

const NAMES = [
  "World Health Organization", "Organización Mundial de la Salud", "WHO Regional Office for the Americas", "United Nations Development Programme",
  "UNDP Funding Windows", "United States Agency for International Development", "Inter-American Development Bank", "UNODC", "Fiscalía de Chile",
  "Ministerio Público Fiscal de la Ciudad de Buenos Aires", "Foreign, Commonwealth and Development Office", "Pan American Health Organization", "OCHA", "IDB",
];
const profiles: Profile[] = NAMES.map((name, i) => ({ id: `organization:${i}`, name, type: "Organization", countries: [], sourceCount: 1 }));

/** Every pair scored, as duplicateCandidates does, `rounds` times. */
function scoreAll(rounds: number): number {
  let n = 0;
  for (let r = 0; r < rounds; r++) for (const a of profiles) for (const b of profiles) if (a.id < b.id) { score(a, b); n++; }
  return n;
}

// Jaro-Winkler as published (Winkler 1990: MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.84, DIXON/DICKSONX 0.813),
// Dice as 2·shared/(sum) of the distinct bigrams (martha/marhta share "ma" and "ar" of 5 + 5).
const JW_DICE = [
  { x: "martha", y: "marhta", value: (0.9611111111111111 + 2 * 2 / 10) / 2 },
  { x: "dwayne", y: "duane", value: (0.84 + 2 * 1 / 9) / 2 },
  { x: "dixon", y: "dicksonx", value: (0.8133333333333332 + 2 * 2 / 11) / 2 },
  { x: "night", y: "nacht", value: (0.76 + 2 * 1 / 8) / 2 },
];
const EDITS: [string, string, number][] = [["unodc", "undoc", 1], ["undp", "unpd", 1], ["pnud", "pnuf", 1], ["ca", "abc", 3], ["fiscalia", "fsicalia", 1], ["world", "wrold", 1]];

// cmpstr keeps every result it computed: each check below is on pairs computed there for the first time.
describe("string metrics hold after any amount of use", () => {
  it("the typo distance is right after the resolution scorer has compared thousands of names", () => {
    expect(scoreAll(30)).toBe(2730);
    for (const [a, b, d] of EDITS) expect(editDistance(a, b)).toBe(d);
  });

  it("name similarity is right after the typo distance and cmpstr's pooled metrics have run", () => {
    // What else in the process may use cmpstr (its metrics on integer arrays), and the typo distance,
    // on words of every length from 1 to 40 in a fixed pseudo-random order.
    const damerau = CmpStr.create().setMetric("damerau");
    const levenshtein = CmpStr.create().setMetric("levenshtein");
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const word = () => Array.from({ length: 1 + Math.floor(next() * 40) }, () => "abcdeor "[Math.floor(next() * 8)]).join("");
    for (let i = 0; i < 2000; i++) {
      const [a, b] = [word(), word()];
      damerau.test(a, b);
      levenshtein.test(a, b);
      editDistance(a, b);
    }
    for (const { x, y, value } of JW_DICE) expect(similarity(x, y)).toBeCloseTo(value, 12);
    for (const [a, b, d] of EDITS) expect(editDistance(a, b)).toBe(d);
  });
});
