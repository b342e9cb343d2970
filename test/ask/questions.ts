/** The question set (test/ask/questions.json) and how an answer is checked against it. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface Question {
  id: string;
  dataset: "seed" | "iati";
  language: "EN" | "ES";
  question: string;
  intent?: string;
  ids?: string[];
  count?: number;
  detail?: string;
  understood?: boolean;
}

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "questions.json");
export const QUESTIONS = (JSON.parse(fs.readFileSync(file, "utf8")) as { questions: Question[] }).questions;

export const ASK_FIELDS = `
  question language understood
  interpretation { intent count description operation variables }
  resolvedReferences { text id name type matchedBy candidates { id } }
  answer { summary count items { id name type detail } data }
  citations { about quote sourceId sourceTitle }
  notUnderstood { reason unknownWords closest { intent description operation variables } }`;

/** What is wrong with an answer, or an empty list when it is right. */
export function mistakes(q: Question, a: any): string[] {
  const wrong: string[] = [];
  const understood = q.understood ?? true;
  if (a.understood !== understood) return [`understood ${a.understood}, expected ${understood}: ${JSON.stringify(a.notUnderstood ?? a.interpretation?.description)}`];
  if (a.language !== q.language) wrong.push(`language ${a.language}, expected ${q.language}`);
  if (!understood) {
    if (!a.notUnderstood?.reason) wrong.push("no reason given");
    if (a.answer !== null) wrong.push("an answer was given");
    return wrong;
  }
  if (q.intent && a.interpretation.intent !== q.intent) wrong.push(`intent ${a.interpretation.intent}, expected ${q.intent}`);
  if (q.ids) {
    const got = (a.answer.items as { id: string }[]).map((i) => i.id).sort();
    if (JSON.stringify(got) !== JSON.stringify([...q.ids].sort())) wrong.push(`items ${JSON.stringify(got)}, expected ${JSON.stringify([...q.ids].sort())}`);
  }
  if (q.count !== undefined && a.answer.count !== q.count) wrong.push(`count ${a.answer.count}, expected ${q.count}`);
  if (q.detail !== undefined && !(a.answer.items as { detail: string }[]).some((i) => i.detail === q.detail)) wrong.push(`no item with detail ${q.detail}`);
  return wrong;
}
