/** Turns an ExplorerState into the nodes and edges to draw, through the API (answers cached per page). */
import { gql } from "../shared/api";
import { NEIGHBORHOOD, PATH, PROJECT_IDS } from "./queries";
import type { ExplorerState } from "./state";

export interface ViewNode { id: string; kind: string; label: string }
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
}

interface Subgraph { truncated: boolean; nodes: ViewNode[]; edges: Omit<ViewEdge, "key">[] }

const neighborhoods = new Map<string, Promise<Subgraph>>();
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

export async function loadView(state: ExplorerState): Promise<ViewData> {
  const view: ViewData = { nodes: new Map(), edges: new Map(), path: null, pathError: null, truncated: false };
  const removed = new Set(state.removed);
  const parts = await Promise.all(state.seeds.map((seed) => neighborhood(seed.id, seed.hops)));
  for (const part of parts) {
    view.truncated ||= part.truncated;
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
