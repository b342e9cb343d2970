/**
 * Finds the entities a question names: identifiers first (ids, IATI identifiers), then every run of
 * up to nine words, all looked up in one round trip through the reference resolver (the same seam as
 * every `reference` argument), longest match first; then single unknown words within one typo of a
 * name (the full-text index proposes; the Damerau-Levenshtein distance decides, counting a
 * transposition as one edit, as Lucene's fuzzy queries behind `search` do: "UNDOC" finds UNODC).
 */
import damerauLevenshtein from "damerau-levenshtein";
import type { NodeType } from "../../model/model.js";
import { spanishName, type Candidate, type ReferenceRepository, type ResolvedEntity } from "../references/reference.repository.js";
import { allNames, normalizeName } from "../../model/names.js";
import { canEdgeAName, cuesOf, isFiller } from "./lexicon.js";
import { PLACEHOLDER, identifierCandidates, placeholderIndex, withoutIdentifiers, words, type Word } from "./text.js";

export interface Mention {
  text: string;
  entity: ResolvedEntity | null;
  matchedBy: string;
  candidates: { id: string; name: string; type: NodeType }[];
  /** Word indexes it covers (an identifier covers its placeholder word). */
  span: number[];
}

export interface Found {
  words: Word[];
  mentions: Mention[];
  /** Words that are neither part of a name nor readable: the question cannot be answered as asked. */
  unknown: { index: number; word: Word; suggestions: Candidate[] }[];
}

const MAX_NAME_WORDS = 9;

/** Years are read by the interpreter; other numbers mean nothing on their own. */
function isReadable(word: Word): boolean {
  return (word.number && /^(19|20)\d\d$/.test(word.text)) || cuesOf(word).length > 0 || isFiller(word);
}

/**
 * A word written in capitals ("US", "WHO") in a question that is not written all in capitals: a
 * name first ("How many projects in the US?" is about the United States, not "us"), read as a
 * word when no entity has it as a name, acronym or alias. Never as a bare country code: "IT",
 * "AI", "IN" or "DO" in capitals are words far more often than Italy, Anguilla, India or the
 * Dominican Republic.
 */
function acronymsOf(question: string, list: Word[]): Set<number> {
  if (!/\p{Ll}/u.test(question)) return new Set();
  return new Set(list.flatMap((w, i) => (/^\p{Lu}[\p{Lu}\p{N}]+$/u.test(w.raw) && normalizeName(w.raw) === w.text ? [i] : [])));
}

function gramsOf(list: Word[], acronyms: Set<number>): { start: number; end: number; text: string }[] {
  const grams: { start: number; end: number; text: string }[] = [];
  for (let start = 0; start < list.length; start++) {
    for (let end = start + 1; end <= Math.min(list.length, start + MAX_NAME_WORDS); end++) {
      if (end - start === 1 && acronyms.has(start)) {
        grams.push({ start, end, text: list[start]!.raw });
        continue;
      }
      if (!canEdgeAName(list[start]!) || !canEdgeAName(list[end - 1]!)) continue;
      if (end - start === 1 && isReadable(list[start]!)) continue;
      grams.push({ start, end, text: list.slice(start, end).map((w) => w.text).join(" ") });
    }
  }
  return grams;
}

function describe(c: Candidate) {
  return { id: c.id, name: c.name, type: c.type };
}

/**
 * Edits between two words, a transposition counting as one (optimal string alignment). From
 * damerau-levenshtein, which keeps no state between calls: cmpstr 3.3.0's metrics share a pool of
 * typed arrays that hands one array out twice, so its distances went wrong once other metrics had
 * run in the process (UNDOC/UNODC: 5 edits instead of 1).
 */
export function editDistance(a: string, b: string): number {
  return damerauLevenshtein(a, b).steps;
}

/**
 * Three words or more that appear, in order, inside the name of exactly one entity ("IAP 27th Annual
 * Conference" in "IAP 27th Annual Conference & General Meeting"); shorter runs are too common.
 */
function partOfOneName(gram: string, seen: Candidate[], length: number): { candidate: Candidate; name: string } | null {
  if (length < 3) return null;
  const padded = ` ${gram} `;
  const hits = new Map<string, { candidate: Candidate; name: string }>();
  for (const candidate of seen) {
    const name = allNames(candidate).find((n) => ` ${normalizeName(n)} `.includes(padded));
    if (name && !hits.has(candidate.id)) hits.set(candidate.id, { candidate, name });
  }
  return hits.size === 1 ? [...hits.values()][0]! : null;
}

/** A single-word name within one typo (two from eight letters on) of the word, if exactly one entity has it. */
function typoMatch(word: string, candidates: Candidate[]): { candidate: Candidate; name: string } | null {
  const limit = word.length >= 8 ? 2 : 1;
  const hits = new Map<string, { candidate: Candidate; name: string }>();
  for (const candidate of candidates) {
    for (const name of allNames(candidate)) {
      const key = normalizeName(name);
      if (!key.includes(" ") && key !== word && editDistance(key, word) <= limit && !hits.has(candidate.id)) hits.set(candidate.id, { candidate, name });
    }
  }
  return hits.size === 1 ? [...hits.values()][0]! : null;
}

export async function findMentions(references: ReferenceRepository, question: string): Promise<Found> {
  const mentions: Mention[] = [];
  const identifiers = identifierCandidates(question);
  const idOutcomes = await references.lookup(identifiers, undefined, { codes: false });
  const understood = identifiers.filter((text) => { const o = idOutcomes.get(text); return o && "entity" in o; });
  const list = words(withoutIdentifiers(question, understood));
  const covered = new Set<number>();
  list.forEach((word, index) => {
    const at = placeholderIndex(word.text);
    const placeholder = at === undefined ? undefined : understood[at];
    if (placeholder === undefined) return;
    const { entity } = idOutcomes.get(placeholder) as { entity: ResolvedEntity };
    covered.add(index);
    mentions.push({ text: placeholder, entity, matchedBy: entity.matchedBy, candidates: [], span: [index] });
  });

  const acronyms = acronymsOf(question, list);
  const grams = gramsOf(list, acronyms).filter((g) => !list.slice(g.start, g.end).some((w) => w.text.startsWith(PLACEHOLDER)));
  const outcomes = await references.lookup(grams.map((g) => g.text), undefined, { codes: false });
  const byLength = grams.filter((g) => {
    const o = outcomes.get(g.text);
    if (o && !("entity" in o) && !o.failure.length) {
      const part = partOfOneName(g.text, o.seen, g.end - g.start);
      if (part) {
        const { candidate } = part;
        outcomes.set(g.text, { entity: { reference: g.text, id: candidate.id, name: candidate.name, ...spanishName(candidate), type: candidate.type, matchedBy: `part of "${part.name}"` } });
      }
    }
    const outcome = outcomes.get(g.text);
    return outcome && ("entity" in outcome || outcome.failure.length > 1);
  }).sort((a, b) => (b.end - b.start) - (a.end - a.start) || a.start - b.start);
  for (const gram of byLength) {
    const span = Array.from({ length: gram.end - gram.start }, (_, k) => gram.start + k);
    if (span.some((i) => covered.has(i))) continue;
    span.forEach((i) => covered.add(i));
    const outcome = outcomes.get(gram.text)!;
    const text = [...new Set(span.map((i) => list[i]!.raw))].join(" ");
    if ("entity" in outcome) mentions.push({ text, entity: outcome.entity, matchedBy: outcome.entity.matchedBy, candidates: [], span });
    else mentions.push({ text, entity: null, matchedBy: "ambiguous", candidates: outcome.failure.map(describe), span });
  }

  const leftovers = list.map((word, index) => ({ word, index })).filter(({ word, index }) => !covered.has(index) && !isReadable(word));
  const fuzzy = await references.fuzzyCandidates(leftovers.filter((l) => l.word.text.length >= 4).map((l) => l.word.text));
  const unknown: Found["unknown"] = [];
  for (const { word, index } of leftovers) {
    const suggestions = fuzzy.get(word.text) ?? [];
    const hit = word.text.length >= 4 ? typoMatch(word.text, suggestions) : null;
    if (!hit) {
      unknown.push({ index, word, suggestions: suggestions.slice(0, 5) });
      continue;
    }
    const { candidate } = hit;
    covered.add(index);
    mentions.push({ text: word.raw, entity: { reference: word.raw, id: candidate.id, name: candidate.name, ...spanishName(candidate), type: candidate.type, matchedBy: `"${hit.name}" (one typo)` },
      matchedBy: `"${hit.name}" (one typo)`, candidates: [], span: [index] });
  }
  mentions.sort((a, b) => a.span[0]! - b.span[0]!);
  return { words: list, mentions, unknown };
}
