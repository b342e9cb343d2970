/**
 * The text side of the interpreter, on maintained libraries:
 * - wink-tokenizer splits a sentence into typed tokens (word, number, punctuation, ...) in any
 *   Latin-script language, accents included;
 * - snowball-stemmers gives the Snowball (Porter 2) stemmers for English and Spanish, so that
 *   "funded", "funds" and "funding", or "financió", "financian" and "financiado", meet one cue;
 * - fastest-levenshtein measures the one typo that a mention may carry.
 * Names are compared the way references are (normalizeName: case, accents, punctuation ignored).
 */
import Tokenizer from "wink-tokenizer";
import snowball from "snowball-stemmers";
import { normalizeName } from "../../model/names.js";

export type Language = "en" | "es";

export interface Word {
  /** normalized: lower case, no accents */
  text: string;
  /** as written */
  raw: string;
  number: boolean;
  stemEn: string;
  stemEs: string;
}

const tokenizer = new Tokenizer();
const stemmers = { en: snowball.newStemmer("english"), es: snowball.newStemmer("spanish") };

export function stem(word: string, language: Language): string {
  return stemmers[language].stem(word);
}

/**
 * What may be an identifier in the question: coopgraph ids ("country:PE"), and IATI identifiers
 * ("XM-DAC-41114", "US-USAGOV", "GB-GOV-1-301150-111"): upper-case or digit-bearing parts joined by dashes.
 */
const IDENTIFIER = /(?:\b(?:agency|organization|person|group|project|event|country|region|theme):[\p{L}\p{N}._:-]*[\p{L}\p{N}])|(?:\b[A-Z0-9]{2,}(?:-[A-Z0-9][A-Za-z0-9._]*)+\b)/gu;

export function identifierCandidates(question: string): string[] {
  // Year ranges ("2020-2021") are not identifiers.
  return [...new Set(question.match(IDENTIFIER) ?? [])].filter((m) => !/^\d{4}-\d{2,4}$/.test(m));
}

/**
 * The question with each understood identifier replaced by a placeholder word ("identifierplaceholder0"),
 * so that its parts are not read as words and its place in the sentence is kept.
 */
export const PLACEHOLDER = "identifierplaceholder";

/** Letters only: the tokenizer splits digits off a word. */
export function placeholderIndex(word: string): number | undefined {
  if (!word.startsWith(PLACEHOLDER)) return undefined;
  return [...word.slice(PLACEHOLDER.length)].reduce((n, c) => n * 26 + (c.charCodeAt(0) - 97), 0);
}

function placeholder(index: number): string {
  let letters = "";
  do {
    letters = String.fromCharCode(97 + (index % 26)) + letters;
    index = Math.floor(index / 26);
  } while (index > 0);
  return PLACEHOLDER + letters;
}

export function withoutIdentifiers(question: string, understood: readonly string[]): string {
  return question.replace(IDENTIFIER, (m) => (understood.includes(m) ? ` ${placeholder(understood.indexOf(m))} ` : m));
}

/** Words and numbers in order, punctuation dropped; a multi-part token ("Inter-American") gives its parts. */
export function words(text: string): Word[] {
  const out: Word[] = [];
  for (const token of tokenizer.tokenize(text)) {
    if (token.tag !== "word" && token.tag !== "number" && token.tag !== "alien" && token.tag !== "ordinal" && token.tag !== "hashtag") continue;
    for (const part of normalizeName(token.value).split(" ").filter(Boolean)) {
      out.push({ text: part, raw: token.value, number: /^\d+$/.test(part), stemEn: stem(part, "en"), stemEs: stem(part, "es") });
    }
  }
  return out;
}

/** Four-digit years 1900-2099 written in the question, in order. */
export function yearsIn(list: Word[]): { index: number; year: number }[] {
  return list.flatMap((w, index) => (w.number && /^(19|20)\d\d$/.test(w.text) ? [{ index, year: Number(w.text) }] : []));
}
