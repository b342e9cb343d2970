/**
 * The Ask box: a question in English or Spanish goes to `ask`, which reads it into an operation of
 * this same API and runs it. The explorer shows the one-sentence answer and the reading, and draws the
 * answer's entities (or, for "how is A connected to B", the path) in the network.
 */
import { ApiError, esc, gql, kindColor, playgroundLink } from "../shared/api";
import { ASK } from "./queries";

export interface AskItem { id: string; name: string; type: string; detail: string | null }
interface AskCandidate { id: string; name: string; type: string }
export interface AskMention { text: string; id: string | null; name: string | null; type: string | null; matchedBy: string; candidates: AskCandidate[] }
export interface AskResult {
  question: string;
  understood: boolean;
  language: "EN" | "ES";
  interpretation: { intent: string; description: string; operation: string; variables: Record<string, unknown>; count: boolean } | null;
  resolvedReferences: AskMention[];
  answer: { summary: string; count: number | null; items: AskItem[] } | null;
  notUnderstood: { reason: string; unknownWords: string[]; closest: { description: string }[] } | null;
}

/** Questions the interpreter reads on the seed; shown when a question was not understood, and as a start. */
export const EXAMPLES = [
  "Which programs involved UNODC and Peru?",
  "How is the Chilean prosecution service connected to UNODC?",
  "¿Qué programas involucraron a la ONUDD y a Perú?",
  "Who are the partners of the Chilean prosecution service?",
  "Who took part in the DMI project?",
];

/** At most this many answer entities join the view, each with its neighbourhood (the panel lists them all). */
export const MAX_DRAWN = 12;

const answers = new Map<string, Promise<AskResult>>();

/** Answers are cached per page: reloading a shared link, undo and redo ask once. */
export function ask(question: string, language: string | null): Promise<AskResult> {
  const key = `${language ?? ""}\u0000${question}`;
  let answer = answers.get(key);
  if (!answer) {
    answer = gql<{ ask: AskResult }>(ASK, { question, language }).then((d) => d.ask);
    answer.catch(() => answers.delete(key));
    answers.set(key, answer);
  }
  return answer;
}

/** What an answer adds to the view: entities to add with their neighbourhood, a path, the ids to highlight. */
export interface AskPlan {
  seeds: string[];
  path: { from: string; to: string } | null;
  highlight: string[];
  /** The entities the question names: drawn too (with their neighbourhood) when the answer's neighbourhoods do not hold them. */
  named: string[];
}

export function planOf(result: AskResult): AskPlan | null {
  if (!result.understood || !result.interpretation) return null;
  const named = result.resolvedReferences.map((m) => m.id).filter((id): id is string => Boolean(id));
  if (result.interpretation.intent === "PATH") {
    const { from, to } = result.interpretation.variables as { from?: string; to?: string };
    const ends = named.length >= 2 ? [named[0], named[1]] : [from, to];
    if (!ends[0] || !ends[1]) return null;
    const onPath = (result.answer?.items ?? []).map((i) => i.id);
    return { seeds: [], path: { from: ends[0], to: ends[1] }, highlight: onPath.length ? onPath : [ends[0], ends[1]], named: [] };
  }
  const items = [...new Map((result.answer?.items ?? []).map((i) => [i.id, i.id])).values()];
  // "How many ...?" lists nothing: the entities the question names are what it is about.
  const seeds = (items.length ? items : named).slice(0, MAX_DRAWN);
  return { seeds, path: null, highlight: [...new Set([...seeds, ...named])], named };
}

export interface AskHandlers {
  /** Asks again (an example, or the question with a candidate's id in place of an ambiguous name). */
  ask(question: string): void;
  select(id: string): void;
  clear(): void;
}

function examplesHtml(language: string): string {
  const title = language === "ES" ? "Preguntas que entiende" : "Questions it understands";
  return `<h3>${title}</h3><ul class="ask-examples">${EXAMPLES.map((q) => `<li><button type="button" class="link" data-question="${esc(q)}">${esc(q)}</button></li>`).join("")}</ul>`;
}

/** The question with an ambiguous name replaced by the picked entity's id, which `ask` reads first. */
export function withCandidate(question: string, text: string, id: string): string {
  const at = question.toLocaleLowerCase().indexOf(text.toLocaleLowerCase());
  return at >= 0 ? question.slice(0, at) + id + question.slice(at + text.length) : `${question} ${id}`;
}

/** The sentence's head ("1 project", "Connected in 4 steps") in bold, the list after it in plain text. */
function summaryHtml(summary: string): string {
  const colon = summary.indexOf(": ");
  if (colon < 0 || colon > 80) return `<strong>${esc(summary)}</strong>`;
  return `<strong>${esc(summary.slice(0, colon))}</strong>: ${esc(summary.slice(colon + 2))}`;
}

function readingHtml(result: AskResult): string {
  const names = result.resolvedReferences.filter((m) => m.id)
    .map((m) => `<li>“${esc(m.text)}” = <button type="button" class="link" data-select="${esc(m.id)}">${esc(m.name)}</button> <span class="muted">(${esc(m.matchedBy)})</span></li>`).join("");
  return names ? `<ul class="ask-names">${names}</ul>` : "";
}

function operationHtml(result: AskResult): string {
  const i = result.interpretation!;
  const variables = JSON.stringify(i.variables, null, 2);
  return `<details class="ask-operation"><summary>Operation: <code>${esc(i.intent)}</code>${i.count ? " (count)" : ""}</summary>
    <pre class="query">${esc(i.operation)}\n\n# variables\n${esc(variables)}</pre>
    <div class="row"><button type="button" class="copy">Copy</button>
    <a class="open" href="${esc(playgroundLink(i.operation, i.variables))}" target="_blank" rel="noopener">Open in the playground</a></div></details>`;
}

/** Renders an answer, a "not understood", or an error into the panel. */
export function renderAsk(target: HTMLElement, outcome: AskResult | Error | null, handlers: AskHandlers, drawn: Set<string> = new Set()): void {
  if (!outcome) {
    target.innerHTML = "";
    target.hidden = true;
    return;
  }
  target.hidden = false;
  const clear = `<button type="button" class="ask-clear" title="Take the highlight off (the entities stay; Undo takes them out)">Clear answer</button>`;
  if (outcome instanceof Error) {
    const code = outcome instanceof ApiError && outcome.code ? `${outcome.code}: ` : "";
    target.innerHTML = `<h2>Ask</h2><p class="error ask-error">${esc(code + outcome.message)}</p>${examplesHtml("EN")}`;
  } else if (!outcome.understood || !outcome.interpretation) {
    const es = outcome.language === "ES";
    const nu = outcome.notUnderstood;
    const ambiguous = outcome.resolvedReferences.filter((m) => !m.id && m.candidates.length);
    const picks = ambiguous.map((m) => `<p>${es ? "¿Qué quiso decir con" : "Which one did you mean by"} “${esc(m.text)}”?</p><ul class="ask-candidates">${m.candidates.map((c) =>
      `<li><button type="button" data-question="${esc(withCandidate(outcome.question, m.text, c.id))}"><span class="kind" style="background:${kindColor(c.type)}">${esc(c.type)}</span>${esc(c.name)}</button></li>`).join("")}</ul>`).join("");
    const unknown = nu?.unknownWords.length ? `<p>${es ? "Palabras que no conoce" : "Words it does not know"}: ${nu.unknownWords.map((w) => `<code>${esc(w)}</code>`).join(", ")}</p>` : "";
    const closest = nu?.closest.length ? `<h3>${es ? "Lecturas más cercanas (no ejecutadas)" : "Closest readings (not run)"}</h3><ul class="small">${nu.closest.map((c) => `<li>${esc(c.description)}</li>`).join("")}</ul>` : "";
    target.innerHTML = `<h2>Ask</h2><p class="ask-not-understood error">${es ? "No entendí la pregunta" : "Not understood"}: ${esc(nu?.reason ?? "")}</p>${picks}${unknown}${closest}${examplesHtml(outcome.language)}`;
  } else {
    const a = outcome.answer;
    const items = a?.items ?? [];
    // A path's steps are listed in the path panel below; other answers list their entities here.
    const listed = outcome.interpretation.intent === "PATH" ? [] : items;
    const list = listed.length ? `<ul class="ask-items">${listed.map((i) => `<li><span class="kind" style="background:${kindColor(i.type === "Actor" ? "Organization" : i.type)}">${esc(i.type)}</span><button type="button" class="link" data-select="${esc(i.id)}">${esc(i.name)}</button>${i.detail ? ` <span class="muted small">${esc(i.detail)}</span>` : ""}</li>`).join("")}</ul>` : "";
    const notDrawn = items.filter((i) => !drawn.has(i.id)).length;
    const note = notDrawn && items.length > MAX_DRAWN ? `<p class="muted small">The first ${MAX_DRAWN} of ${items.length} are drawn; pick another to add it.</p>` : "";
    // A path's sentence repeats every step; on screen it reads as the chain of names (the steps and their sources are in the path panel).
    const summary = outcome.interpretation.intent === "PATH" && items.length
      ? `<strong>${esc((a?.summary ?? "").split(": ")[0])}</strong>: ${items.map((i) => esc(i.name)).join(" → ")}`
      : summaryHtml(a?.summary ?? "");
    target.innerHTML = `<h2>Answer</h2><p class="ask-summary" title="${esc(a?.summary ?? "")}">${summary}</p>
      <p class="ask-reading small"><strong>Read as:</strong> ${esc(outcome.interpretation.description)}</p>${readingHtml(outcome)}
      ${list}${note}${operationHtml(outcome)}<div class="row">${clear}</div>`;
    const copy = target.querySelector<HTMLButtonElement>("button.copy")!;
    copy.addEventListener("click", async () => {
      const i = outcome.interpretation!;
      try {
        await navigator.clipboard.writeText(`${i.operation}\n\n# variables\n${JSON.stringify(i.variables, null, 2)}`);
        copy.textContent = "Copied";
      } catch {
        copy.textContent = "Select the text above to copy";
      }
      setTimeout(() => (copy.textContent = "Copy"), 2000);
    });
  }
  target.querySelectorAll<HTMLButtonElement>("button[data-question]").forEach((b) => b.addEventListener("click", () => handlers.ask(b.dataset.question!)));
  target.querySelectorAll<HTMLButtonElement>("button[data-select]").forEach((b) => b.addEventListener("click", () => handlers.select(b.dataset.select!)));
  target.querySelector(".ask-clear")?.addEventListener("click", handlers.clear);
}
