/**
 * ask(question): finds the names, reads the intent, runs the operation through the schema itself
 * (graphql `execute` on the built schema, with the caller's own context), so the answer is what the
 * playground gives for the same operation, and cites the sources in the result.
 */
import { execute, parse, type GraphQLError, type GraphQLSchema } from "graphql";
import type { Context } from "../context.js";
import { ErrorCode, userError } from "../shared/errors.js";
import { answerOf, citationsOf } from "./answers.js";
import { AskLanguage, type AskInterpretation, type AskMention, type AskResult } from "./ask.types.js";
import { interpret, type Reading } from "./interpreter.js";
import { detectLanguage } from "./lexicon.js";
import { findMentions, type Found, type Mention } from "./mentions.js";
import type { Operation } from "./operations.js";
import type { Language } from "./text.js";

export const MAX_QUESTION_LENGTH = 500;

function interpretationOf(op: Operation): AskInterpretation {
  return { intent: op.intent, count: op.count, description: op.description, operation: op.query, variables: op.variables };
}

function mentionOf(m: Mention): AskMention {
  return { text: m.text, id: m.entity?.id ?? null, name: m.entity?.name ?? null, type: m.entity?.type ?? null, matchedBy: m.matchedBy, candidates: m.candidates };
}

function readingOf(found: Found, language: Language, mentions: Mention[]): Reading {
  const named = new Set(mentions.flatMap((m) => m.span));
  const entities = [...new Map(mentions.filter((m) => m.entity).map((m) => [m.entity!.id, { id: m.entity!.id, name: m.entity!.name, nameEs: m.entity!.nameEs ?? null, type: m.entity!.type }])).values()];
  return { words: found.words, named, entities, language };
}

/** The readings that come closest when the question cannot be read as asked: none is run. */
function closestReadings(found: Found, language: Language): AskInterpretation[] {
  const known = found.mentions.filter((m) => m.entity);
  const variants: Mention[][] = [];
  for (const m of found.mentions.filter((x) => !x.entity)) {
    for (const c of m.candidates) variants.push([...known, { ...m, entity: { reference: m.text, ...c, matchedBy: "candidate" } }]);
  }
  for (const u of found.unknown) {
    for (const s of u.suggestions.slice(0, 3)) {
      variants.push([...known, { text: u.word.raw, entity: { reference: u.word.raw, id: s.id, name: s.name, type: s.type, matchedBy: "suggestion" }, matchedBy: "suggestion", candidates: [], span: [u.index] }]);
    }
  }
  if (found.unknown.length && known.length) variants.push(known);
  const seen = new Set<string>();
  const out: AskInterpretation[] = [];
  for (const mentions of variants) {
    const result = interpret(readingOf(found, language, mentions));
    if (!("operation" in result)) continue;
    const key = JSON.stringify([result.operation.intent, result.operation.variables]);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(interpretationOf(result.operation));
    }
  }
  return out.slice(0, 5);
}

function notUnderstood(question: string, language: Language, mentions: AskMention[], reason: string, unknownWords: string[], closest: AskInterpretation[]): AskResult {
  return {
    question, language: language === "es" ? AskLanguage.ES : AskLanguage.EN, understood: false, interpretation: null,
    resolvedReferences: mentions, answer: null, citations: [], notUnderstood: { reason, unknownWords, closest },
  };
}

export async function ask(schema: GraphQLSchema, ctx: Context, question: string, language: AskLanguage | null): Promise<AskResult> {
  const text = question.trim();
  if (!text) throw userError("the question is empty: ask, for example, \"Which programs involved UNODC and Peru?\"", ErrorCode.BAD_USER_INPUT, { field: "question" });
  if (text.length > MAX_QUESTION_LENGTH) {
    throw userError(`the question has ${text.length} characters; ask in at most ${MAX_QUESTION_LENGTH}`, ErrorCode.BAD_USER_INPUT, { field: "question", maxLength: MAX_QUESTION_LENGTH });
  }
  const found = await findMentions(ctx.repos.references, text);
  const lang: Language = language ? (language === AskLanguage.ES ? "es" : "en") : detectLanguage(text, found.words);
  const es = lang === "es";
  const mentions = found.mentions.map(mentionOf);

  if (!found.words.length && !found.mentions.length) {
    return notUnderstood(question, lang, mentions, es ? "la pregunta no tiene palabras" : "the question has no words", [], []);
  }
  if (found.unknown.length) {
    const unknownWords = found.unknown.map((u) => u.word.raw);
    const reason = es ? `no conozco ${unknownWords.map((w) => `"${w}"`).join(", ")}: no es un nombre conocido ni una palabra que sepa leer`
      : `${unknownWords.map((w) => `"${w}"`).join(", ")} ${unknownWords.length === 1 ? "is" : "are"} neither a known name nor a word I can read`;
    return notUnderstood(question, lang, mentions, reason, unknownWords, closestReadings(found, lang));
  }
  const ambiguous = found.mentions.filter((m) => !m.entity);
  if (ambiguous.length) {
    const m = ambiguous[0]!;
    const reason = es ? `"${m.text}" puede nombrar a ${m.candidates.map((c) => c.name).join(" o ")}` : `"${m.text}" may name ${m.candidates.map((c) => c.name).join(" or ")}`;
    return notUnderstood(question, lang, mentions, reason, [], closestReadings(found, lang));
  }
  const result = interpret(readingOf(found, lang, found.mentions));
  if ("problem" in result) return notUnderstood(question, lang, mentions, result.problem, [], closestReadings(found, lang));

  const op = result.operation;
  const executed = await execute({ schema, document: parse(op.query), variableValues: op.variables, contextValue: ctx });
  if (executed.errors?.length) throw rethrow(executed.errors[0]!);
  const data = executed.data as Record<string, unknown>;
  return {
    question, language: es ? AskLanguage.ES : AskLanguage.EN, understood: true, interpretation: interpretationOf(op),
    resolvedReferences: mentions, answer: { ...answerOf(op, data, lang), data }, citations: citationsOf(data), notUnderstood: null,
  };
}

/** Coded errors (a timeout, say) reach the client as they are; anything else stays internal. */
function rethrow(error: GraphQLError): Error {
  return error.extensions?.code ? error : (error.originalError ?? error);
}
