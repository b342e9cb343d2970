/** Turns an ExplorerState into the nodes and edges to draw, through the API (answers cached per page). */
import { gql } from "../shared/api";
import { COOPERATION_LINKS, COUNTRY_INVOLVEMENT, LINKS, NEIGHBORHOOD, PATH, PROJECT_IDS } from "./queries";
import type { ExplorerState } from "./state";

/** An entity drawn; a project carries its years (the time bar counts them). */
export interface ViewNode { id: string; kind: string; label: string; startYear?: number | null; endYear?: number | null }
export interface ViewEdge { key: string; source: string; target: string; type: string; role: string | null }
export interface PathStep {
  type: string; role: string | null; forward: boolean;
  from: { id: string; label: string }; to: { id: string; label: string };
  sources: { quote: string; source: { title: string } }[];
}
export interface ViewPath { length: number; nodes: ViewNode[]; steps: PathStep[] }

export interface ViewData {
  nodes: Map<string, ViewNode>;
  edges: Map<string, ViewEdge>;
  path: ViewPath | null;
  pathError: string | null;
  truncated: boolean;
  /** What was left out, said in a line each ("Peru: the 25 projects with the most participants"). */
  notes: string[];
}

interface Subgraph { truncated: boolean; nodes: ViewNode[]; edges: Omit<ViewEdge, "key">[]; note?: string }

const neighborhoods = new Map<string, Promise<Subgraph>>();
const links = new Map<string, Promise<Omit<ViewEdge, "key">[]>>();
const involvements = new Map<string, Promise<Subgraph>>();

/** Neighbourhoods follow cooperation; these say where actors are based and projects take place. */
export const PLACE_TYPES = ["BASED_IN", "TAKES_PLACE_IN", "IN_REGION"];
const PLACE_KINDS = new Set(["Country", "Region"]);
/** The API's cap on linksAmong's ids. */
const MAX_LINK_IDS = 1000;
const paths = new Map<string, Promise<ViewPath | null>>();

export function edgeKey(source: string, type: string, target: string): string {
  return `${source}|${type}|${target}`;
}

function neighborhood(id: string, hops: number): Promise<Subgraph> {
  const key = `${id}@${hops}`;
  let answer = neighborhoods.get(key);
  if (!answer) {
    answer = gql<{ neighborhood: Subgraph }>(NEIGHBORHOOD, { of: id, hops }).then((d) => d.neighborhood);
    answer.catch(() => neighborhoods.delete(key));
    neighborhoods.set(key, answer);
  }
  return answer;
}

/** How many of a country's actors, and of its projects, join the view when the country is searched. */
export const COUNTRY_FIRST = 25;

interface Involvement {
  country: { id: string; actors: { __typename: string; id: string; name: string }[] } | null;
  projects: { pageInfo: { hasNextPage: boolean }; edges: { node: { id: string; name: string; startYear: number | null; endYear: number | null } }[] };
}

/**
 * A country has no cooperation relationships of its own: searched alone, its neighbourhood is the
 * country alone. What involves it is drawn instead: the actors based there and the projects located
 * there or with an actor from there (the busiest first, COUNTRY_FIRST of each), with the
 * participations and positions between them; the places pass of loadView adds "based in" and "takes
 * place in". Expanding the country (hops 2 and more) adds the projects' own neighbourhoods.
 */
function countryInvolvement(id: string, hops: number): Promise<Subgraph> {
  const key = `${id}@${hops}`;
  let answer = involvements.get(key);
  if (!answer) {
    answer = (async () => {
      const data = await gql<Involvement>(COUNTRY_INVOLVEMENT, { country: id, first: COUNTRY_FIRST });
      const nodes: ViewNode[] = [
        ...(data.country?.actors ?? []).map((a) => ({ id: a.id, kind: a.__typename, label: a.name })),
        ...data.projects.edges.map(({ node: p }) => ({ id: p.id, kind: "Project", label: p.name, startYear: p.startYear, endYear: p.endYear })),
      ];
      const actorsCut = (data.country?.actors.length ?? 0) >= COUNTRY_FIRST;
      const cut = [data.projects.pageInfo.hasNextPage ? `the ${COUNTRY_FIRST} projects with the most participants` : "", actorsCut ? `the first ${COUNTRY_FIRST} actors based there` : ""].filter(Boolean);
      const edges: Omit<ViewEdge, "key">[] = [];
      if (hops > 1) {
        const around = await Promise.all(data.projects.edges.map(({ node }) => neighborhood(node.id, hops - 1)));
        for (const part of around) {
          nodes.push(...part.nodes);
          edges.push(...part.edges);
        }
      }
      const ids = [...new Set([id, ...nodes.map((n) => n.id)])].slice(0, MAX_LINK_IDS);
      if (ids.length > 1) edges.push(...(await gql<{ linksAmong: Omit<ViewEdge, "key">[] }>(COOPERATION_LINKS, { ids })).linksAmong);
      return { truncated: false, nodes, edges, note: cut.length ? `only ${cut.join(" and ")}` : undefined };
    })();
    answer.catch(() => involvements.delete(key));
    involvements.set(key, answer);
  }
  return answer;
}

/** A seed's part of the view: its neighbourhood, and for a country what involves it. */
async function seedPart(id: string, hops: number): Promise<Subgraph> {
  const around = await neighborhood(id, hops);
  const center = around.nodes.find((n) => n.id === id) ?? around.nodes[0];
  if (center?.kind !== "Country") return around;
  const involved = await countryInvolvement(center.id, hops);
  const note = involved.note && `${center.label}: ${involved.note}`;
  return { truncated: around.truncated || involved.truncated, nodes: [...around.nodes, ...involved.nodes], edges: [...around.edges, ...involved.edges], note };
}

function shortestPath(from: string, to: string): Promise<ViewPath | null> {
  const key = `${from}\u0000${to}`;
  let answer = paths.get(key);
  if (!answer) {
    answer = gql<{ paths: ViewPath[] }>(PATH, { from, to }).then((d) => d.paths[0] ?? null);
    answer.catch(() => paths.delete(key));
    paths.set(key, answer);
  }
  return answer;
}

function placeLinks(ids: string[]): Promise<Omit<ViewEdge, "key">[]> {
  const key = [...ids].sort().join("\u0000");
  let answer = links.get(key);
  if (!answer) {
    answer = gql<{ linksAmong: Omit<ViewEdge, "key">[] }>(LINKS, { ids, types: PLACE_TYPES }).then((d) => d.linksAmong);
    answer.catch(() => links.delete(key));
    links.set(key, answer);
  }
  return answer;
}

export async function loadView(state: ExplorerState): Promise<ViewData> {
  const view: ViewData = { nodes: new Map(), edges: new Map(), path: null, pathError: null, truncated: false, notes: [] };
  const removed = new Set(state.removed);
  const parts = await Promise.all(state.seeds.map((seed) => seedPart(seed.id, seed.hops)));
  for (const part of parts) {
    view.truncated ||= part.truncated;
    if (part.note) view.notes.push(part.note);
    for (const node of part.nodes) if (!removed.has(node.id)) view.nodes.set(node.id, node);
    for (const edge of part.edges) {
      if (removed.has(edge.source) || removed.has(edge.target)) continue;
      const key = edgeKey(edge.source, edge.type, edge.target);
      view.edges.set(key, { key, ...edge });
    }
  }
  if (state.path) {
    try {
      view.path = await shortestPath(state.path.from, state.path.to);
      if (!view.path) view.pathError = "No path within 6 steps through cooperation relationships.";
    } catch (err) {
      view.pathError = (err as Error).message;
    }
    // A path's entities join the view even when no neighbourhood holds them.
    for (const node of view.path?.nodes ?? []) view.nodes.set(node.id, node);
    for (const step of view.path?.steps ?? []) {
      const [source, target] = step.forward ? [step.from.id, step.to.id] : [step.to.id, step.from.id];
      const key = edgeKey(source, step.type, target);
      if (!view.edges.has(key)) view.edges.set(key, { key, source, target, type: step.type, role: step.role });
    }
  }
  // A country or region on the canvas is joined to the actors based there and the projects that take
  // place there, when those are drawn too (Peru to "Prosecutors from Peru"): no place stands alone
  // when what connects it to the rest is in view.
  const places = [...view.nodes.values()].filter((n) => PLACE_KINDS.has(n.kind)).map((n) => n.id);
  if (places.length && view.nodes.size > 1) {
    const others = [...view.nodes.keys()].filter((id) => !PLACE_KINDS.has(view.nodes.get(id)!.kind));
    for (const edge of await placeLinks([...places, ...others].slice(0, MAX_LINK_IDS))) {
      const key = edgeKey(edge.source, edge.type, edge.target);
      if (!view.edges.has(key)) view.edges.set(key, { key, ...edge });
    }
  }
  return view;
}

export function pathEdgeKeys(path: ViewPath | null): Set<string> {
  return new Set((path?.steps ?? []).map((s) => (s.forward ? edgeKey(s.from.id, s.type, s.to.id) : edgeKey(s.to.id, s.type, s.from.id))));
}

const FILTERABLE_KINDS = new Set(["Agency", "Organization", "Person", "Group", "Country", "Region", "Theme"]);

/**
 * The ids of the view's projects that pass the theme and year filters (null when neither is set).
 * `projects` is asked for the projects involving the view's actors, places and themes.
 */
export async function projectsPassing(state: ExplorerState, view: ViewData): Promise<Set<string> | null> {
  if (!state.themes.length && state.fromYear === null && state.toYear === null) return null;
  const involving = [...view.nodes.values()].filter((n) => FILTERABLE_KINDS.has(n.kind)).map((n) => n.id).slice(0, 100);
  const filter: Record<string, unknown> = {};
  if (involving.length) filter.involvingAny = involving;
  if (state.themes.length) filter.themes = state.themes;
  if (state.fromYear !== null) filter.activeFrom = state.fromYear;
  if (state.toYear !== null) filter.activeTo = state.toYear;
  const passing = new Set<string>();
  let after: string | null = null;
  for (let page = 0; page < 10; page++) {
    const data: { projects: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string } }[] } } =
      await gql(PROJECT_IDS, { filter, after });
    for (const edge of data.projects.edges) passing.add(edge.node.id);
    if (!data.projects.pageInfo.hasNextPage) break;
    after = data.projects.pageInfo.endCursor;
  }
  return passing;
}

/** The export endpoint's parameters for the same view and filters. */
export function exportParams(state: ExplorerState, view: ViewData | null, format: string): string {
  const p = new URLSearchParams({ format });
  const anchors = state.seeds.map((s) => s.id).filter((id) => {
    const kind = view?.nodes.get(id)?.kind;
    return kind ? FILTERABLE_KINDS.has(kind) : !id.startsWith("project:") && !id.startsWith("event:");
  });
  for (const id of anchors) p.append("involving-any", id);
  for (const theme of state.themes) p.append("theme", theme);
  if (state.fromYear !== null) p.set("from", String(state.fromYear));
  if (state.toYear !== null) p.set("to", String(state.toYear));
  return `/export?${p}`;
}

/** How the answer's entities hold together on the canvas: the edges between them, and the entities in between. */
export interface AnswerLinks {
  /** Drawn entities, not in the answer, that join an entity of the answer to another (Peru's prosecutors). */
  bridges: Set<string>;
  /** Edges between entities of the answer, or between an entity of the answer and a bridge. */
  edges: Set<string>;
  /** For the panel: each answer entity that meets the rest only through bridges, with them. */
  through: { id: string; bridges: { id: string; edges: ViewEdge[] }[] }[];
}

/**
 * An answer names entities (UNODC, Peru) and lists others (the projects). An entity of the answer
 * with an edge to another is joined directly; one with none (Peru, which takes part in nothing) is
 * joined through the drawn entities next to it and to another entity of the answer (the prosecutors
 * from Peru, based in Peru and participants in the conferences): those are what made it match.
 */
export function answerLinks(view: ViewData, answer: Set<string>, hiddenEdges: Set<string> = new Set()): AnswerLinks {
  const result: AnswerLinks = { bridges: new Set(), edges: new Set(), through: [] };
  if (answer.size < 2) return result;
  const around = new Map<string, Map<string, ViewEdge[]>>();
  const link = (a: string, b: string, edge: ViewEdge) => {
    if (!around.has(a)) around.set(a, new Map());
    const next = around.get(a)!;
    next.set(b, [...(next.get(b) ?? []), edge]);
  };
  for (const edge of view.edges.values()) {
    if (hiddenEdges.has(edge.key) || edge.source === edge.target) continue;
    link(edge.source, edge.target, edge);
    link(edge.target, edge.source, edge);
  }
  for (const id of answer) {
    const next = around.get(id) ?? new Map<string, ViewEdge[]>();
    let direct = false;
    for (const [other, edges] of next) {
      if (!answer.has(other)) continue;
      direct = true;
      for (const e of edges) result.edges.add(e.key);
    }
    if (direct) continue;
    const bridges: { id: string; edges: ViewEdge[] }[] = [];
    for (const [middle, toMiddle] of next) {
      if (answer.has(middle)) continue;
      const onward = [...(around.get(middle) ?? new Map<string, ViewEdge[]>())].filter(([other]) => other !== id && answer.has(other)).flatMap(([, edges]) => edges);
      if (!onward.length) continue;
      result.bridges.add(middle);
      for (const e of [...toMiddle, ...onward]) result.edges.add(e.key);
      bridges.push({ id: middle, edges: [...toMiddle, ...onward] });
    }
    if (bridges.length) result.through.push({ id, bridges });
  }
  return result;
}
