/**
 * The explorer's whole view as plain data, kept in the URL: reload or share the link and the same
 * entities, expansions, removals, pins, path, filters and selection come back (the layout is a pure
 * function of the graph and the pins, so the picture is the same too).
 */
export interface Seed {
  id: string;
  /** How far around it the view reaches: 1 for a searched entity, +1 each time it is expanded. */
  hops: number;
}

export interface ExplorerState {
  seeds: Seed[];
  removed: string[];
  pinned: Record<string, [number, number]>;
  path: { from: string; to: string } | null;
  themes: string[];
  /** Participation roles hidden by the filter. */
  hiddenRoles: string[];
  hiddenKinds: string[];
  fromYear: number | null;
  toYear: number | null;
  selected: string | null;
  /** The question asked in the Ask box, and the entities of its answer (highlighted). */
  ask: { question: string; language: string | null; answer: string[] } | null;
}

export function emptyState(): ExplorerState {
  return { seeds: [], removed: [], pinned: {}, path: null, themes: [], hiddenRoles: [], hiddenKinds: [], fromYear: null, toYear: null, selected: null, ask: null };
}

export function toSearch(state: ExplorerState): string {
  const p = new URLSearchParams();
  for (const seed of state.seeds) p.append("e", seed.hops === 1 ? seed.id : `${seed.id}@${seed.hops}`);
  for (const id of state.removed) p.append("x", id);
  for (const [id, [x, y]] of Object.entries(state.pinned)) p.append("pin", `${id}@${round(x)},${round(y)}`);
  if (state.path) {
    p.set("pathFrom", state.path.from);
    p.set("pathTo", state.path.to);
  }
  for (const theme of state.themes) p.append("theme", theme);
  for (const role of state.hiddenRoles) p.append("hideRole", role);
  for (const kind of state.hiddenKinds) p.append("hideKind", kind);
  if (state.fromYear !== null) p.set("from", String(state.fromYear));
  if (state.toYear !== null) p.set("to", String(state.toYear));
  if (state.selected) p.set("sel", state.selected);
  if (state.ask) {
    p.set("ask", state.ask.question);
    if (state.ask.language) p.set("lang", state.ask.language);
    for (const id of state.ask.answer) p.append("hl", id);
  }
  const text = p.toString();
  return text ? `?${text}` : "";
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function year(raw: string | null): number | null {
  return raw && /^\d{4}$/.test(raw) ? Number(raw) : null;
}

/** Reads a URL's query; anything malformed is dropped, never trusted. */
export function fromSearch(search: string): ExplorerState {
  const p = new URLSearchParams(search);
  const state = emptyState();
  for (const raw of p.getAll("e")) {
    const at = raw.lastIndexOf("@");
    const hops = at > 0 ? Number(raw.slice(at + 1)) : 1;
    const id = at > 0 ? raw.slice(0, at) : raw;
    if (id && Number.isInteger(hops) && hops >= 1 && hops <= 3 && !state.seeds.some((s) => s.id === id)) state.seeds.push({ id, hops });
  }
  state.removed = p.getAll("x").filter(Boolean);
  for (const raw of p.getAll("pin")) {
    const match = /^(.+)@(-?[\d.]+),(-?[\d.]+)$/.exec(raw);
    if (match) state.pinned[match[1]] = [Number(match[2]), Number(match[3])];
  }
  const from = p.get("pathFrom");
  const to = p.get("pathTo");
  if (from && to) state.path = { from, to };
  state.themes = p.getAll("theme").filter(Boolean);
  state.hiddenRoles = p.getAll("hideRole").filter(Boolean);
  state.hiddenKinds = p.getAll("hideKind").filter(Boolean);
  state.fromYear = year(p.get("from"));
  state.toYear = year(p.get("to"));
  state.selected = p.get("sel") || null;
  const question = p.get("ask");
  const language = p.get("lang");
  if (question && question.length <= 500) {
    state.ask = { question, language: language === "EN" || language === "ES" ? language : null, answer: p.getAll("hl").filter(Boolean).slice(0, 100) };
  }
  return state;
}
