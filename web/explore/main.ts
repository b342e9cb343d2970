/** The explorer: ask, search, expand, remove, pin, undo, shortest path, filters, time bar, side panel, export. */
import "../shared/base.css";
import "./explore.css";
import { esc, gql, kindColor, KIND_COLORS } from "../shared/api";
import { ask, planOf, renderAsk, type AskResult } from "./ask";
import { renderHeader } from "../shared/nav";
import { answerLinks, edgeLabel, exportParams, loadView, pathEdgeKeys, projectsPassing, type AnswerLinks, type ViewData, type ViewEdge, type ViewNode } from "./data";
import { iterationsFor, layout } from "./layout";
import { renderDetails, renderPath } from "./panel";
import { SEARCH, THEMES } from "./queries";
import { emptyState, fromSearch, toSearch, type ExplorerState } from "./state";
import { drawTimebar } from "./timebar";
import { countYears, inNoYear } from "./years";
import type { NetworkView } from "./view";
import { noVisibility, type Visibility } from "./visibility";

renderHeader("/explore/");

const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;
const graphBox = $<HTMLDivElement>("#graph");
const statusBox = $<HTMLDivElement>("#status");
/**
 * The drawing (sigma.js and graphology, three quarters of the page's JavaScript) is loaded with the
 * first entity to draw: the first view, a search box and a question box, does not wait for it.
 */
let network: NetworkView | null = null;
let networkLoading: Promise<NetworkView> | null = null;
function loadNetwork(): Promise<NetworkView> {
  networkLoading ??= import("./view").then(({ NetworkView }) => {
    network = new NetworkView(graphBox);
    bindCanvas(network);
    return network;
  });
  return networkLoading;
}

let state: ExplorerState = fromSearch(location.search);
const undoStack: ExplorerState[] = [];
let view: ViewData | null = null;
let layoutKey = "";
let renderSeq = 0;
const debug = { renders: 0, ready: false, lastLayoutMs: 0, lastRenderMs: 0, error: null as string | null };

const clone = (s: ExplorerState): ExplorerState => JSON.parse(JSON.stringify(s));

/** Every change goes through here: it can be undone, and it lands in the URL. */
function change(mutate: (s: ExplorerState) => void): void {
  undoStack.push(clone(state));
  if (undoStack.length > 100) undoStack.shift();
  const next = clone(state);
  mutate(next);
  state = next;
  void render();
}

function undo(): void {
  const previous = undoStack.pop();
  if (!previous) return announce("Nothing to undo.");
  state = previous;
  void render();
  announce("Undone.");
}

function announce(message: string): void {
  statusBox.textContent = message;
}

const actions = {
  addSeed(id: string) {
    change((s) => {
      if (!s.seeds.some((x) => x.id === id)) s.seeds.push({ id, hops: 1 });
      s.removed = s.removed.filter((x) => x !== id);
      s.selected = id;
    });
  },
  expand(id: string) {
    change((s) => {
      const seed = s.seeds.find((x) => x.id === id);
      if (seed) seed.hops = Math.min(3, seed.hops + 1);
      else s.seeds.push({ id, hops: 1 });
      s.selected = id;
    });
  },
  remove(id: string) {
    change((s) => {
      s.seeds = s.seeds.filter((x) => x.id !== id);
      if (!s.removed.includes(id)) s.removed.push(id);
      delete s.pinned[id];
      if (s.selected === id) s.selected = null;
    });
  },
  togglePin(id: string) {
    change((s) => {
      if (s.pinned[id]) delete s.pinned[id];
      else if (network?.graph.hasNode(id)) s.pinned[id] = network.toLayout(network.graph.getNodeAttribute(id, "x"), network.graph.getNodeAttribute(id, "y"));
    });
  },
  isPinned: (id: string) => Boolean(state.pinned[id]),
  select(id: string | null) {
    if (state.selected === id) return;
    state = { ...state, selected: id };
    void render();
  },
};

function visibilityFor(v: ViewData, passing: Set<string> | null): Visibility {
  const pathNodes = new Set((v.path?.nodes ?? []).map((n) => n.id));
  const pathEdges = pathEdgeKeys(v.path);
  const hiddenKinds = new Set(state.hiddenKinds);
  const hiddenRoles = new Set(state.hiddenRoles);
  const seeds = new Set(state.seeds.map((s) => s.id));
  // What answered the question stays in sight whatever the filters say.
  const answer = new Set((state.ask?.answer ?? []).filter((id) => v.nodes.has(id)));
  const hiddenNodes = new Set<string>();
  for (const node of v.nodes.values()) {
    if (pathNodes.has(node.id) || answer.has(node.id)) continue;
    if (hiddenKinds.has(node.kind) || (passing && node.kind === "Project" && !passing.has(node.id))) hiddenNodes.add(node.id);
  }
  const hiddenEdges = new Set<string>();
  const keepsAnEdge = new Set<string>();
  for (const edge of v.edges.values()) {
    const hidden = !pathEdges.has(edge.key)
      && !(answer.has(edge.source) && answer.has(edge.target))
      && ((edge.role && hiddenRoles.has(edge.role)) || hiddenNodes.has(edge.source) || hiddenNodes.has(edge.target));
    if (hidden) hiddenEdges.add(edge.key);
    else {
      keepsAnEdge.add(edge.source);
      keepsAnEdge.add(edge.target);
    }
  }
  // An entity whose every relationship is filtered out goes too, unless the analyst put it there.
  if (hiddenRoles.size) {
    for (const edge of v.edges.values()) {
      for (const id of [edge.source, edge.target]) if (!keepsAnEdge.has(id) && !seeds.has(id) && !pathNodes.has(id) && !answer.has(id)) hiddenNodes.add(id);
    }
  }
  // Found among the edges the filters leave: what joins the answer is what the analyst can see.
  const links = answerLinks(v, answer, hiddenEdges);
  return { hiddenNodes, hiddenEdges, pathNodes, pathEdges, answer, answerBridges: links.bridges, answerEdges: links.edges, selected: state.selected, seeds };
}

/** One edge read from the entity in between: "based in Peru", "participant in Cybercrime Conferences". */
function fromBridge(v: ViewData, bridge: string, edge: ViewEdge): string {
  const name = (id: string) => v.nodes.get(id)?.label ?? id;
  if (edge.source === bridge) return edge.role ? `${edge.role} in ${name(edge.target)}` : `${edgeLabel(edge)} ${name(edge.target)}`;
  return `${name(edge.source)} ${edge.role ? `(${edge.role})` : edgeLabel(edge)} it`;
}

/** Under the answer: how an entity the question names meets the answer when no edge joins them directly. */
function renderAnswerLinks(v: ViewData, links: AnswerLinks): string {
  const box = askPanel.querySelector(".ask-links") ?? (askPanel.querySelector(".ask-names") ?? askPanel.querySelector(".ask-reading"))?.insertAdjacentElement("afterend", Object.assign(document.createElement("div"), { className: "ask-links small" }));
  const name = (id: string) => v.nodes.get(id)?.label ?? id;
  const lines = links.through.map((t) => `<li><strong>${esc(name(t.id))}</strong> comes in through ${t.bridges.slice(0, 5).map((b) =>
    `${esc(name(b.id))} (${b.edges.map((e) => esc(fromBridge(v, b.id, e))).join("; ")})`).join(", ")}${t.bridges.length > 5 ? ` and ${t.bridges.length - 5} more` : ""}</li>`);
  if (box) box.innerHTML = lines.length ? `<ul>${lines.join("")}</ul>` : "";
  return links.through.map((t) => `${name(t.id)} through ${t.bridges.map((b) => name(b.id)).join(", ")}`).join("; ");
}

/**
 * A path reads left to right and top to bottom: its entities are held on a staircase at 45 degrees
 * while the rest is laid out around them. Labels are drawn right of their node: on a staircase no
 * label reaches the next entity (it is a step lower) and no step's edge crosses a label.
 */
function pathPins(v: ViewData): Record<string, [number, number]> {
  const pins: Record<string, [number, number]> = {};
  const step = 30;
  const count = v.path?.nodes.length ?? 0;
  v.path?.nodes.forEach((node, i) => {
    const at = (i - (count - 1) / 2) * step;
    pins[node.id] = [at, -at];
  });
  return pins;
}

/** What the path form shows for one end: the entity's name once the path (or the view) knows it, else what was typed. */
function pathEndName(v: ViewData, reference: string, end: "from" | "to"): string {
  const nodes = v.path?.nodes ?? [];
  const found = end === "from" ? nodes[0] : nodes[nodes.length - 1];
  return found?.label ?? v.nodes.get(reference)?.label ?? reference;
}
/** The names shown in the path form, and the references they stand for (an id from Ask, say): Find path again keeps the reference. */
const shownPathEnds = { from: { name: "", reference: "" }, to: { name: "", reference: "" } };

async function render(): Promise<void> {
  const seq = ++renderSeq;
  debug.ready = false;
  const started = performance.now();
  history.replaceState(null, "", `${location.pathname}${toSearch(state)}`);
  try {
    announce(state.seeds.length || state.path ? "Loading…" : "Search for an entity to begin.");
    const v = await loadView(state);
    if (seq !== renderSeq) return;
    const nodes = [...v.nodes.values()];
    const edges = [...v.edges.values()];
    const pins = { ...pathPins(v), ...state.pinned };
    const key = JSON.stringify([nodes.map((n) => n.id).sort(), edges.map((e) => e.key).sort(), pins]);
    renderLegend(v);
    // An empty view needs no layout and no drawing (and so neither the worker nor sigma on the first load).
    const net = nodes.length || network ? await loadNetwork() : null;
    if (seq !== renderSeq) return;
    if (net && key !== layoutKey) {
      const result = nodes.length ? await layout(nodes.map((n) => n.id), edges.map((e) => [e.source, e.target]), pins) : { positions: new Map(), ms: 0 };
      if (seq !== renderSeq) return;
      debug.lastLayoutMs = result.ms;
      net.setGraph(nodes, edges, result.positions, new Set([...(state.ask?.answer ?? []), ...(v.path?.nodes ?? []).map((n) => n.id)]), new Set(Object.keys(pins)),
        v.path ? "never" : Object.keys(state.pinned).length ? "keep" : "auto");
      layoutKey = key;
      // Ready (for the analyst's next click and for tests) once the camera has settled.
      await net.fit();
    }
    view = v;
    const filtered = await projectsPassing(state, v);
    if (seq !== renderSeq) return;
    const visibility = visibilityFor(v, filtered?.passing ?? null);
    net?.setVisibility(visibility);
    renderPath($("#path-panel"), v.path, v.pathError);
    if (state.path) {
      for (const end of ["from", "to"] as const) {
        const reference = state.path[end];
        shownPathEnds[end] = { name: pathEndName(v, reference, end), reference };
        const input = $<HTMLInputElement>(`#path-${end}`);
        input.value = shownPathEnds[end].name;
        input.title = shownPathEnds[end].name;
      }
    }
    // Awaited: "ready" means the panel shows the selected entity's sources too.
    await renderDetails($("#details"), state.selected ? v.nodes.get(state.selected) ?? null : null, actions);
    if (seq !== renderSeq) return;
    await renderAnswer(v);
    if (seq !== renderSeq) return;
    const joined = state.ask ? renderAnswerLinks(v, answerLinks(v, visibility.answer, visibility.hiddenEdges)) : "";
    renderControls(v);
    renderTimebar(v);
    const shown = nodes.length - visibility.hiddenNodes.size;
    const answered = state.ask ? state.ask.answer.filter((id) => v.nodes.has(id)).length : 0;
    graphBox.setAttribute("aria-label", `Network of ${shown} entities and ${edges.length} relationships${v.path ? `; a ${v.path.length}-step path is highlighted` : ""}${answered ? `; ${answered} entities answering “${state.ask!.question}” are highlighted` : ""}${joined ? ` (${joined})` : ""}`);
    const notes = [...v.notes, ...(filtered?.note ? [filtered.note] : [])];
    announce(nodes.length ? `${shown} entities, ${edges.length} relationships${notes.length ? ` (${notes.join("; ")})` : ""}` : "Search for an entity to begin.");
    debug.error = null;
  } catch (err) {
    debug.error = (err as Error).message;
    announce(`Error: ${(err as Error).message}`);
  }
  if (seq === renderSeq) {
    debug.renders++;
    debug.lastRenderMs = performance.now() - started;
    debug.ready = true;
  }
}

function checkboxes(box: HTMLElement, values: string[], hidden: string[], swatch: (v: string) => string, onToggle: (value: string, shown: boolean) => void): void {
  const legend = box.querySelector("legend")!.outerHTML;
  box.innerHTML = legend + (values.length ? values.map((value) => `<label class="check"><input type="checkbox" value="${esc(value)}" ${hidden.includes(value) ? "" : "checked"}>${swatch(value)}${esc(value)}</label>`).join("") : `<span class="muted small">none in view</span>`);
  box.querySelectorAll<HTMLInputElement>("input").forEach((input) => input.addEventListener("change", () => onToggle(input.value, input.checked)));
}

/** The legend sits above the canvas: drawn before the graph, so that the canvas has its final size when the graph is framed. */
function renderLegend(v: ViewData): void {
  const kinds = [...new Set([...v.nodes.values()].map((n) => n.kind))].sort();
  $("#legend").innerHTML = kinds.map((k) => `<span><span class="swatch" style="background:${KIND_COLORS[k] ?? "#555"}"></span> ${esc(k)}</span>`).join("");
}

function renderControls(v: ViewData): void {
  const kinds = [...new Set([...v.nodes.values()].map((n) => n.kind))].sort();
  checkboxes($("#kind-filter"), kinds, state.hiddenKinds, (k) => `<span class="swatch" style="background:${kindColor(k)}"></span>`, (kind, shown) =>
    change((s) => (s.hiddenKinds = shown ? s.hiddenKinds.filter((k) => k !== kind) : [...s.hiddenKinds, kind])));
  const roles = [...new Set([...v.edges.values()].map((e) => e.role).filter((r): r is string => Boolean(r)))].sort();
  checkboxes($("#role-filter"), roles, state.hiddenRoles, () => "", (role, shown) =>
    change((s) => (s.hiddenRoles = shown ? s.hiddenRoles.filter((r) => r !== role) : [...s.hiddenRoles, role])));
  $("#view-entities").innerHTML = [...v.nodes.values()].map((n) => `<option value="${esc(n.label)}"></option>`).join("");
  renderNodeList([...v.nodes.values()]);
  const shownRoles = roles.filter((r) => !state.hiddenRoles.includes(r));
  const params = (format: string) => exportParams(state, format) + (state.hiddenRoles.length ? shownRoles.map((r) => `&role=${encodeURIComponent(r)}`).join("") : "");
  $<HTMLAnchorElement>("#export-gexf").href = params("gexf");
  $<HTMLAnchorElement>("#export-graphml").href = params("graphml");
  const themes = $<HTMLSelectElement>("#themes");
  for (const option of themes.options) option.selected = state.themes.includes(option.value);
}

function renderNodeList(nodes: ViewNode[]): void {
  const list = $("#node-list");
  const sorted = [...nodes].sort((a, b) => a.label.localeCompare(b.label));
  list.innerHTML = sorted.map((n) => `<li tabindex="0" role="option" data-id="${esc(n.id)}" aria-selected="${n.id === state.selected}">
    <span class="kind" style="background:${kindColor(n.kind)}">${esc(n.kind)}</span>${esc(n.label)}${state.pinned[n.id] ? " 📌" : ""}</li>`).join("");
}

function renderTimebar(v: ViewData): void {
  // Every project drawn, whatever the filters hide: the bar shows which years the sliders keep.
  const counts = countYears(v.nodes.values());
  const from = $<HTMLInputElement>("#year-from");
  const to = $<HTMLInputElement>("#year-to");
  const years = counts.map((c) => c.year);
  const min = years.length ? Math.min(...years) : 2000;
  const max = years.length ? Math.max(...years) : 2030;
  for (const input of [from, to]) {
    input.min = String(Math.min(min, state.fromYear ?? min));
    input.max = String(Math.max(max, state.toYear ?? max));
    input.disabled = !years.length;
  }
  from.value = String(state.fromYear ?? from.min);
  to.value = String(state.toYear ?? to.max);
  $("#year-label").textContent = years.length ? `${from.value}–${to.value}` : "";
  const backwards = inNoYear(v.nodes.values());
  $("#year-note").textContent = backwards ? `${backwards} ${backwards === 1 ? "project ends" : "projects end"} before ${backwards === 1 ? "it starts" : "they start"}: in no year` : "";
  drawTimebar(document.querySelector("#timebar-chart") as SVGSVGElement, counts, state.fromYear, state.toYear);
}

function onYears(): void {
  const from = $<HTMLInputElement>("#year-from");
  const to = $<HTMLInputElement>("#year-to");
  let a = Number(from.value);
  let b = Number(to.value);
  if (a > b) [a, b] = [b, a];
  change((s) => {
    s.fromYear = a === Number(from.min) ? null : a;
    s.toYear = b === Number(to.max) ? null : b;
  });
}
$("#year-from").addEventListener("change", onYears);
$("#year-to").addEventListener("change", onYears);

// Ask: a question read into an operation of the API; its answer joins the view, highlighted.
const askPanel = $<HTMLElement>("#ask-panel");
const askInput = $<HTMLTextAreaElement>("#ask-question");
const askLanguage = $<HTMLSelectElement>("#ask-language");
/** The state.ask the panel shows (a "not understood" stays until the question in the state changes). */
let askShownFor: string | null = null;
let lastAsk: AskResult | Error | null = null;
let askSeq = 0;
const askKey = (s: ExplorerState) => (s.ask ? JSON.stringify([s.ask.question, s.ask.language]) : null);

const askHandlers = {
  ask: (question: string) => {
    askInput.value = question;
    void runAsk(question);
  },
  select(id: string) {
    if (network?.graph.hasNode(id)) {
      actions.select(id);
      network.focus(id);
    } else actions.addSeed(id);
  },
  clear: () => change((s) => (s.ask = null)),
};

async function runAsk(question: string): Promise<void> {
  const text = question.trim();
  if (!text) {
    askInput.focus();
    return;
  }
  const seq = ++askSeq;
  const language = askLanguage.value || null;
  askPanel.hidden = false;
  askPanel.innerHTML = `<h2>Ask</h2><p class="muted">Reading “${esc(text)}”…</p>`;
  announce("Asking…");
  let result: AskResult;
  try {
    result = await ask(text, language);
  } catch (err) {
    if (seq !== askSeq) return;
    lastAsk = err as Error;
    askShownFor = askKey(state);
    renderAsk(askPanel, lastAsk, askHandlers);
    announce(`Not answered: ${(err as Error).message}`);
    return;
  }
  if (seq !== askSeq) return;
  lastAsk = result;
  const plan = planOf(result);
  if (!plan) {
    askShownFor = askKey(state);
    renderAsk(askPanel, result, askHandlers);
    announce(result.language === "ES" ? "No entendí la pregunta." : "The question was not understood.");
    return;
  }
  // One step, undone by Undo: the answer's entities join the view (as a search result does), the path is drawn.
  const apply = (s: ExplorerState, seeds: string[]) => {
    for (const id of seeds) if (!s.seeds.some((x) => x.id === id)) s.seeds.push({ id, hops: 1 });
    const added = new Set([...seeds, ...(plan.path ? [plan.path.from, plan.path.to] : [])]);
    s.removed = s.removed.filter((id) => !added.has(id));
    if (plan.path) s.path = plan.path;
    s.ask = { question: text, language, answer: plan.highlight };
    s.selected = null;
  };
  // A name of the question that the answer's neighbourhoods do not reach ("Peru" behind "Prosecutors
  // from Peru") joins too, so that every entity the question names is on the canvas.
  let seeds = plan.seeds;
  if (plan.named.length) {
    const trial = clone(state);
    apply(trial, seeds);
    try {
      const v = await loadView(trial);
      seeds = [...seeds, ...plan.named.filter((id) => !v.nodes.has(id))];
    } catch {
      // The render that follows reports the error.
    }
    if (seq !== askSeq) return;
  }
  change((s) => apply(s, seeds));
}

/** The answer panel follows the state: undo, reload and shared links bring the answer back with the view. */
async function renderAnswer(v: ViewData): Promise<void> {
  const key = askKey(state);
  if (key === askShownFor) return;
  askShownFor = key;
  if (!state.ask) {
    lastAsk = null;
    renderAsk(askPanel, null, askHandlers);
    return;
  }
  try {
    lastAsk = await ask(state.ask.question, state.ask.language);
  } catch (err) {
    lastAsk = err as Error;
  }
  if (askKey(state) !== key) return;
  if (!askInput.value) askInput.value = state.ask.question;
  renderAsk(askPanel, lastAsk, askHandlers, new Set(v.nodes.keys()));
}

$("#ask-form").addEventListener("submit", (event) => {
  event.preventDefault();
  void runAsk(askInput.value);
});
// Enter asks; Shift+Enter is a new line.
askInput.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    void runAsk(askInput.value);
  }
});

// Search: results as a listbox, arrows and Enter.
const searchInput = $<HTMLInputElement>("#search");
const results = $<HTMLUListElement>("#search-results");
let searchTimer: number | undefined;
let searchSeq = 0;
interface Hit { score: number; item: { __typename: string; id: string; name: string } }

async function runSearch(text: string): Promise<void> {
  const seq = ++searchSeq;
  if (text.trim().length < 2) {
    results.innerHTML = "";
    return;
  }
  try {
    const { search } = await gql<{ search: Hit[] }>(SEARCH, { text });
    if (seq !== searchSeq) return;
    results.innerHTML = search.length ? search.map((hit, i) => `<li role="option" id="hit-${i}" data-id="${esc(hit.item.id)}" aria-selected="${i === 0}">
      <span class="kind" style="background:${kindColor(hit.item.__typename)}">${esc(hit.item.__typename)}</span>${esc(hit.item.name)}</li>`).join("")
      : `<li class="muted" aria-disabled="true">No match.</li>`;
    searchInput.setAttribute("aria-activedescendant", search.length ? "hit-0" : "");
  } catch (err) {
    results.innerHTML = `<li class="error">${esc((err as Error).message)}</li>`;
  }
}

function choose(li: Element | null): void {
  const id = li?.getAttribute("data-id");
  if (!id) return;
  results.innerHTML = "";
  searchInput.value = "";
  actions.addSeed(id);
}

searchInput.addEventListener("input", () => {
  window.clearTimeout(searchTimer);
  searchTimer = window.setTimeout(() => void runSearch(searchInput.value), 200);
});
searchInput.addEventListener("keydown", (event) => {
  const options = [...results.querySelectorAll("li[data-id]")];
  const current = options.findIndex((o) => o.getAttribute("aria-selected") === "true");
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const next = (current + (event.key === "ArrowDown" ? 1 : -1) + options.length) % Math.max(options.length, 1);
    options.forEach((o, i) => o.setAttribute("aria-selected", String(i === next)));
    if (options[next]) searchInput.setAttribute("aria-activedescendant", options[next].id);
  } else if (event.key === "Enter") {
    event.preventDefault();
    choose(options[Math.max(current, 0)] ?? null);
  }
});
$("#search-form").addEventListener("submit", (event) => event.preventDefault());
results.addEventListener("click", (event) => choose((event.target as Element).closest("li")));

// Path.
$("#path-form").addEventListener("submit", (event) => {
  event.preventDefault();
  // A name the form showed for an entity stands for the reference it was shown for.
  const read = (end: "from" | "to") => {
    const typed = $<HTMLInputElement>(`#path-${end}`).value.trim();
    return typed && typed === shownPathEnds[end].name ? shownPathEnds[end].reference : typed;
  };
  const from = read("from");
  const to = read("to");
  if (from && to) change((s) => (s.path = { from, to }));
});
$("#path-clear").addEventListener("click", () => change((s) => (s.path = null)));

// Toolbar.
$("#undo").addEventListener("click", undo);
$("#clear").addEventListener("click", () => change((s) => Object.assign(s, emptyState())));
$("#relayout").addEventListener("click", () => change((s) => (s.pinned = {})));
$("#export-png").addEventListener("click", () => {
  const link = document.createElement("a");
  if (!network) return announce("Nothing drawn to save.");
  link.href = network.toPng();
  link.download = "coopgraph.png";
  link.click();
});

// Themes.
const themeSelect = $<HTMLSelectElement>("#themes");
void gql<{ themes: { id: string; name: string }[] }>(THEMES).then(({ themes }) => {
  themeSelect.innerHTML = themes.map((t) => `<option value="${esc(t.id)}">${esc(t.name)}</option>`).join("");
  for (const option of themeSelect.options) option.selected = state.themes.includes(option.value);
});
themeSelect.addEventListener("change", () => change((s) => (s.themes = [...themeSelect.selectedOptions].map((o) => o.value))));

// The canvas: click selects, double click expands, dragging pins.
function bindCanvas(net: NetworkView): void {
  net.renderer.on("clickNode", ({ node }) => actions.select(node));
  net.renderer.on("doubleClickNode", ({ node, preventSigmaDefault }) => {
    preventSigmaDefault();
    actions.expand(node);
  });
  net.renderer.on("clickStage", () => actions.select(null));
  net.onDragEnd = (node, x, y) => change((s) => (s.pinned[node] = net.toLayout(x, y)));
}

// Keyboard: the list of entities stands in for the canvas.
const nodeList = $("#node-list");
nodeList.addEventListener("click", (event) => {
  const id = (event.target as Element).closest("li")?.getAttribute("data-id");
  if (id) {
    actions.select(id);
    network?.focus(id);
  }
});
nodeList.addEventListener("keydown", (event) => {
  const li = (event.target as Element).closest("li");
  const id = li?.getAttribute("data-id");
  if (!id) return;
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    actions.select(id);
    network?.focus(id);
  } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    ((event.key === "ArrowDown" ? li!.nextElementSibling : li!.previousElementSibling) as HTMLElement | null)?.focus();
  }
});
document.addEventListener("keydown", (event) => {
  const typing = (event.target as Element).closest("input, select, textarea");
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z" && !typing) {
    event.preventDefault();
    return undo();
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  const id = state.selected;
  if (event.key === "Escape") actions.select(null);
  if (!id) return;
  if (event.key === "e" || event.key === "E") actions.expand(id);
  else if (event.key === "Delete" || event.key === "Backspace") actions.remove(id);
  else if (event.key === "p" || event.key === "P") actions.togglePin(id);
});

$("#details").addEventListener("click", (event) => {
  const id = (event.target as Element).closest("a[data-select]")?.getAttribute("data-select");
  if (!id) return;
  event.preventDefault();
  if (network?.graph.hasNode(id)) actions.select(id);
  else actions.addSeed(id);
});

/** For tests and the benchmark: what is drawn, read from the renderer itself. */
function drawnNodes() {
  if (!network) return [];
  const r = network.renderer;
  return network.graph.mapNodes((id, attrs) => {
    const display = r.getNodeDisplayData(id);
    const vp = display ? r.graphToViewport({ x: attrs.x as number, y: attrs.y as number }) : null;
    return { id, label: attrs.fullLabel as string, drawnLabel: display?.label ?? null, kind: attrs.kind as string, size: display?.size ?? 0, color: display?.color ?? null,
      visible: display ? !display.hidden : false, viewport: vp };
  });
}
function drawnEdges() {
  if (!network) return [];
  const r = network.renderer;
  return network.graph.mapEdges((key, attrs, source, target) => {
    const display = r.getEdgeDisplayData(key);
    return { key, source, target, label: attrs.label as string, color: display?.color ?? null, size: display?.size ?? 0, visible: display ? !display.hidden : false };
  });
}

async function injectGraph(nodes: ViewNode[], edges: ViewEdge[]): Promise<{ layoutMs: number; drawMs: number; totalMs: number }> {
  const net = await loadNetwork();
  const started = performance.now();
  const result = await layout(nodes.map((n) => n.id), edges.map((e) => [e.source, e.target]), {});
  const laidOut = performance.now();
  net.setVisibility(noVisibility());
  net.setGraph(nodes, edges, result.positions);
  net.renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
  net.renderer.refresh();
  // A frame has been drawn once the browser paints after the synchronous refresh.
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const drawn = performance.now();
  return { layoutMs: laidOut - started, drawMs: drawn - laidOut, totalMs: drawn - started };
}

Object.assign(window, {
  __coopgraph: { debug, state: () => state, nodes: drawnNodes, edges: drawnEdges, path: () => view?.path ?? null, ask: () => lastAsk, get renderer() { return network?.renderer ?? null; }, get graph() { return network?.graph ?? null; },
    labels: () => network?.labels() ?? null, turned: () => network?.isTurned ?? false, injectGraph, iterationsFor, png: () => network?.toPng() ?? null },
});

void render();
