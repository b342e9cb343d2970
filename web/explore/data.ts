/** Turns an ExplorerState into the nodes and edges to draw, through the API (answers cached per page). */
import { gql } from "../shared/api";
import { COOPERATION_LINKS, COUNTRY_INVOLVEMENT, LINKS, NEIGHBORHOOD, PATH, projectFilterQuery, REGION_INVOLVEMENT } from "./queries";
import { activeIn, passingFilter, type FilterAnswer } from "./filters";
import type { ExplorerState } from "./state";

/** An entity drawn; a project carries its years (the time bar counts them). */
export interface ViewNode { id: string; kind: string; label: string; startYear?: number | null; endYear?: number | null }
/**
 * One drawn line per source, type and target. An actor in several roles in one project (an IATI
 * organisation accountable, funder and implementer) is one line: `roles` has every role, sorted, and
 * `role` says them all ("accountable, funder, implementer"); null for a relationship without roles.
 */
export interface ViewEdge { key: string; source: string; target: string; type: string; role: string | null; roles: string[] }
/** A relationship as the API gives it: one per role. */
type ApiEdge = Omit<ViewEdge, "key" | "roles">;
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
  /** What was left out, said in a line each ("Peru: the 25 projects with the most participants"). */
  notes: string[];
}

interface Subgraph { truncated: boolean; omitted?: number; nodes: ViewNode[]; edges: ApiEdge[]; note?: string }

const neighborhoods = new Map<string, Promise<Subgraph>>();
const links = new Map<string, Promise<ApiEdge[]>>();
const involvements = new Map<string, Promise<Subgraph>>();

/** Neighbourhoods follow cooperation; these say where actors are based and projects take place. */
export const PLACE_TYPES = ["BASED_IN", "TAKES_PLACE_IN", "IN_REGION"];
const PLACE_KINDS = new Set(["Country", "Region"]);
/** The API's cap on linksAmong's ids. */
const MAX_LINK_IDS = 1000;
/** Above MAX_LINK_IDS, ids go in chunks of this size, asked two chunks at a time (every pair of chunks once). */
const LINK_CHUNK = MAX_LINK_IDS / 2;
/** At most this many chunks (45 requests): links among more entities than that are not asked, and the status says so. */
const MAX_LINK_CHUNKS = 10;
/** The neighbourhood's node cap the explorer asks for (the API's largest). */
export const NEIGHBORHOOD_MAX_NODES = 500;
const paths = new Map<string, Promise<ViewPath | null>>();

/** What an edge is called: the participation role, or the relationship type ("based in"). */
export function edgeLabel(edge: { type: string; role: string | null }): string {
  return edge.role ? edge.role : edge.type.toLowerCase().replace(/_/g, " ");
}

export function edgeKey(source: string, type: string, target: string): string {
  return `${source}|${type}|${target}`;
}

/** Adds a relationship to the view's edges: a second role of the same source, type and target joins the line's roles. */
export function addEdge(edges: Map<string, ViewEdge>, edge: ApiEdge): void {
  const key = edgeKey(edge.source, edge.type, edge.target);
  const roles = [...new Set([...(edges.get(key)?.roles ?? []), ...(edge.role ? [edge.role] : [])])].sort();
  edges.set(key, { key, source: edge.source, target: edge.target, type: edge.type, role: roles.length ? roles.join(", ") : null, roles });
}

/** An answer kept for as long as the page lives (a failed one is asked again next time). */
function remember<T>(cache: Map<string, Promise<T>>, key: string, ask: () => Promise<T>): Promise<T> {
  let answer = cache.get(key);
  if (!answer) {
    answer = ask();
    answer.catch(() => cache.delete(key));
    cache.set(key, answer);
  }
  return answer;
}

function neighborhood(id: string, hops: number): Promise<Subgraph> {
  const key = `${id}@${hops}`;
  return remember(neighborhoods, key, () => gql<{ neighborhood: Subgraph }>(NEIGHBORHOOD, { of: id, hops, maxNodes: NEIGHBORHOOD_MAX_NODES }).then((d) => d.neighborhood));
}

/**
 * The relationships among `ids`, however many: linksAmong takes at most 1000 ids, so above that the
 * ids go in chunks of 500 and every pair of chunks is asked once (a relationship's two ends are in
 * one chunk or in two). `unlinked` counts the ids left out when even that would be too many requests.
 */
export async function linksAmongAll(ids: string[], ask: (chunk: string[]) => Promise<ApiEdge[]>): Promise<{ edges: ApiEdge[]; unlinked: number }> {
  const unique = [...new Set(ids)];
  if (unique.length <= MAX_LINK_IDS) return { edges: unique.length > 1 ? await ask(unique) : [], unlinked: 0 };
  const kept = unique.slice(0, LINK_CHUNK * MAX_LINK_CHUNKS);
  const chunks: string[][] = [];
  for (let i = 0; i < kept.length; i += LINK_CHUNK) chunks.push(kept.slice(i, i + LINK_CHUNK));
  const asked: Promise<ApiEdge[]>[] = [];
  for (let i = 0; i < chunks.length; i++) for (let j = i + 1; j < chunks.length; j++) asked.push(ask([...chunks[i], ...chunks[j]]));
  const seen = new Map<string, ApiEdge>();
  for (const part of await Promise.all(asked)) for (const edge of part) seen.set(edgeKey(edge.source, edge.type, edge.target), edge);
  return { edges: [...seen.values()], unlinked: unique.length - kept.length };
}

/** "1 project", "25 projects". */
const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** How many of a place's actors, and of its projects, join the view when the place is searched. */
export const COUNTRY_FIRST = 25;
/** Actors of a country asked for to count those left out (the API's largest page): "25 of 40". */
const COUNTRY_ACTORS_COUNTED = 100;

interface Involvement {
  country: { id: string; actors: { __typename: string; id: string; name: string }[] } | null;
  projects: { totalCount: number; edges: { node: { id: string; name: string; startYear: number | null; endYear: number | null } }[] };
}

interface PlaceRef { id: string; name: string }
interface RegionInvolvement {
  region: { id: string } | null;
  projects: {
    totalCount: number;
    edges: { node: { id: string; name: string; startYear: number | null; endYear: number | null;
      countries: (PlaceRef & { regions: PlaceRef[] })[];
      participants: { actor: { __typename: string; id: string; name: string; basedIn: (PlaceRef & { regions: PlaceRef[] })[] } }[] } }[];
  };
}

/** "the 25 projects with the most participants, of 40 (15 left out)": said only when some were left out. */
function projectsCut(shown: number, total: number): string {
  return total > shown ? `the ${shown} projects with the most participants, of ${total} (${total - shown} left out)` : "";
}

/** A country: the actors based there (by name) and the projects it is involved in (the busiest). */
async function countryParts(id: string): Promise<{ nodes: ViewNode[]; projects: string[]; cut: string[] }> {
  const data = await gql<Involvement>(COUNTRY_INVOLVEMENT, { country: id, first: COUNTRY_FIRST, actorsCounted: COUNTRY_ACTORS_COUNTED });
  const actors = data.country?.actors ?? [];
  const projects = data.projects.edges.map(({ node: p }) => ({ id: p.id, kind: "Project", label: p.name, startYear: p.startYear, endYear: p.endYear }));
  const nodes: ViewNode[] = [...actors.slice(0, COUNTRY_FIRST).map((a) => ({ id: a.id, kind: a.__typename, label: a.name })), ...projects];
  // Said only when more exist than were drawn, with how many.
  const actorsLeft = actors.length - COUNTRY_FIRST;
  const cut = [projectsCut(projects.length, data.projects.totalCount),
    actorsLeft > 0 ? `the first ${COUNTRY_FIRST} actors based there by name, of ${actors.length >= COUNTRY_ACTORS_COUNTED ? `${COUNTRY_ACTORS_COUNTED} or more` : actors.length} (${actors.length >= COUNTRY_ACTORS_COUNTED ? `${actorsLeft} or more` : actorsLeft} left out)` : ""];
  return { nodes, projects: projects.map((p) => p.id), cut: cut.filter(Boolean) };
}

/**
 * A region: the projects it is involved in (the busiest), the actors from its countries that take
 * part in them (those in the most of them first), the countries where those are based or the
 * projects take place, and the regions in between (Peru, South America, Latin America), so that
 * "based in", "takes place in" and "in region" join it all to the region.
 */
async function regionParts(id: string): Promise<{ nodes: ViewNode[]; projects: string[]; cut: string[] }> {
  const data = await gql<RegionInvolvement>(REGION_INVOLVEMENT, { region: id, first: COUNTRY_FIRST });
  const inRegion = (place: PlaceRef & { regions: PlaceRef[] }) => place.regions.some((r) => r.id === id);
  const projects = data.projects.edges.map(({ node }) => node);
  const actorProjects = new Map<string, { actor: RegionInvolvement["projects"]["edges"][number]["node"]["participants"][number]["actor"]; projects: number }>();
  for (const p of projects) {
    for (const { actor } of p.participants) {
      if (!actor.basedIn.some(inRegion)) continue;
      const seen = actorProjects.get(actor.id) ?? { actor, projects: 0 };
      seen.projects++;
      actorProjects.set(actor.id, seen);
    }
  }
  const ranked = [...actorProjects.values()].sort((a, b) => b.projects - a.projects || a.actor.name.localeCompare(b.actor.name));
  const actors = ranked.slice(0, COUNTRY_FIRST).map((a) => a.actor);
  const places = new Map<string, ViewNode>();
  const addPlace = (country: PlaceRef & { regions: PlaceRef[] }) => {
    if (!inRegion(country)) return;
    places.set(country.id, { id: country.id, kind: "Country", label: country.name });
    // The regions between the country and this one, nearest first.
    for (const r of country.regions) {
      if (r.id === id) break;
      places.set(r.id, { id: r.id, kind: "Region", label: r.name });
    }
  };
  for (const a of actors) a.basedIn.forEach(addPlace);
  for (const p of projects) p.countries.forEach(addPlace);
  const nodes: ViewNode[] = [
    ...actors.map((a) => ({ id: a.id, kind: a.__typename, label: a.name })),
    ...projects.map((p) => ({ id: p.id, kind: "Project", label: p.name, startYear: p.startYear, endYear: p.endYear })),
    ...places.values(),
  ];
  const actorsLeft = ranked.length - actors.length;
  const cut = [projectsCut(projects.length, data.projects.totalCount),
    actorsLeft > 0 ? `the ${actors.length} actors from there in the most of them, of ${ranked.length} (${actorsLeft} left out)` : ""];
  return { nodes, projects: projects.map((p) => p.id), cut: cut.filter(Boolean) };
}

/**
 * A country or region has no cooperation relationships of its own: searched alone, its
 * neighbourhood is the place alone. What involves it is drawn instead (countryParts, regionParts),
 * with the participations and positions between them; the places pass of loadView adds "based in",
 * "takes place in" and "in region". Expanding the place (hops 2 and more) adds the projects' own
 * neighbourhoods, and says how many of their entities the node cap left out.
 */
function placeInvolvement(id: string, kind: string, hops: number): Promise<Subgraph> {
  const key = `${id}@${hops}`;
  return remember(involvements, key, () => (async () => {
    const { nodes, projects, cut } = await (kind === "Region" ? regionParts(id) : countryParts(id));
    const edges: ApiEdge[] = [];
    let omitted = 0;
    if (hops > 1) {
      const around = await Promise.all(projects.map((p) => neighborhood(p, hops - 1)));
      for (const part of around) {
        nodes.push(...part.nodes);
        edges.push(...part.edges);
        omitted += part.omitted ?? 0;
      }
      if (omitted) cut.push(`${count(omitted, "entity", "entities")} around its projects left out by the ${NEIGHBORHOOD_MAX_NODES}-entity cap`);
    }
    const linked = await linksAmongAll([id, ...nodes.map((n) => n.id)], (chunk) => gql<{ linksAmong: ApiEdge[] }>(COOPERATION_LINKS, { ids: chunk }).then((d) => d.linksAmong));
    edges.push(...linked.edges);
    if (linked.unlinked) cut.push(`links of ${count(linked.unlinked, "entity", "entities")} not asked`);
    return { truncated: omitted > 0, omitted, nodes, edges, note: cut.length ? `only ${cut.join("; ")}` : undefined };
  })());
}

/** A seed's part of the view: its neighbourhood, and for a country or region what involves it. */
async function seedPart(id: string, hops: number): Promise<Subgraph> {
  const around = await neighborhood(id, hops);
  const center = around.nodes.find((n) => n.id === id) ?? around.nodes[0];
  if (!center || !PLACE_KINDS.has(center.kind)) {
    // An expansion the node cap cut says so, with how many it left out.
    const note = around.truncated && center ? `${center.label}${hops > 1 ? ` at ${hops} hops` : ""}: the ${around.nodes.length} nearest entities, ${around.omitted ?? "some"} more left out` : undefined;
    return { ...around, note };
  }
  const involved = await placeInvolvement(center.id, center.kind, hops);
  const note = involved.note && `${center.label}: ${involved.note}`;
  return { truncated: around.truncated || involved.truncated, nodes: [...around.nodes, ...involved.nodes], edges: [...around.edges, ...involved.edges], note };
}

function shortestPath(from: string, to: string): Promise<ViewPath | null> {
  const key = `${from}\u0000${to}`;
  return remember(paths, key, () => gql<{ paths: ViewPath[] }>(PATH, { from, to }).then((d) => d.paths[0] ?? null));
}

function placeLinks(ids: string[]): Promise<ApiEdge[]> {
  if (ids.length < 2) return Promise.resolve([]);
  const key = [...ids].sort().join("\u0000");
  return remember(links, key, () => gql<{ linksAmong: ApiEdge[] }>(LINKS, { ids, types: PLACE_TYPES }).then((d) => d.linksAmong));
}

export async function loadView(state: ExplorerState): Promise<ViewData> {
  const view: ViewData = { nodes: new Map(), edges: new Map(), path: null, pathError: null, notes: [] };
  const removed = new Set(state.removed);
  const parts = await Promise.all(state.seeds.map((seed) => seedPart(seed.id, seed.hops)));
  for (const part of parts) {
    if (part.note) view.notes.push(part.note);
    for (const node of part.nodes) if (!removed.has(node.id)) view.nodes.set(node.id, node);
    for (const edge of part.edges) if (!removed.has(edge.source) && !removed.has(edge.target)) addEdge(view.edges, edge);
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
      addEdge(view.edges, { source, target, type: step.type, role: step.role });
    }
  }
  // A country or region on the canvas is joined to the actors based there and the projects that take
  // place there, when those are drawn too (Peru to "Prosecutors from Peru"): no place stands alone
  // when what connects it to the rest is in view.
  const places = [...view.nodes.values()].filter((n) => PLACE_KINDS.has(n.kind)).map((n) => n.id);
  if (places.length && view.nodes.size > 1) {
    const others = [...view.nodes.keys()].filter((id) => !PLACE_KINDS.has(view.nodes.get(id)!.kind));
    const linked = await linksAmongAll([...places, ...others], placeLinks);
    for (const edge of linked.edges) addEdge(view.edges, edge);
    if (linked.unlinked) view.notes.push(`where ${count(linked.unlinked, "entity", "entities")} are based or take place not asked`);
  }
  return view;
}

export function pathEdgeKeys(path: ViewPath | null): Set<string> {
  return new Set((path?.steps ?? []).map((s) => (s.forward ? edgeKey(s.from.id, s.type, s.to.id) : edgeKey(s.to.id, s.type, s.from.id))));
}

const filterAnswers = new Map<string, Promise<string[]>>();

/**
 * The view's projects that pass the theme and year filters (null when neither is set), decided for
 * the drawn projects themselves, however they were reached. Years alone need no request: each
 * project node carries its years, read as the API reads them (activeIn). With themes, the API
 * decides both for exactly the projects drawn (`projects(filter: {ids, themes, activeFrom, activeTo})`),
 * reading the themes' names itself.
 */
export async function projectsPassing(state: ExplorerState, view: ViewData): Promise<FilterAnswer | null> {
  if (!state.themes.length && state.fromYear === null && state.toYear === null) return null;
  const projects = [...view.nodes.values()].filter((n) => n.kind === "Project");
  if (!state.themes.length) return { passing: new Set(projects.filter((n) => activeIn(n, state.fromYear, state.toYear)).map((n) => n.id)), unchecked: 0, note: null };
  const criteria = { themes: state.themes, from: state.fromYear, to: state.toYear };
  return passingFilter(projects.map((n) => n.id), (groups) => remember(filterAnswers, JSON.stringify([criteria, groups]), async () => {
    const variables: Record<string, unknown> = { ...criteria };
    groups.forEach((ids, i) => (variables[`ids${i}`] = ids));
    const data = await gql<Record<string, { edges: { node: { id: string } }[] }>>(projectFilterQuery(groups.length), variables);
    return Object.values(data).flatMap((page) => page.edges.map((e) => e.node.id));
  }));
}

/** The export endpoint's parameters for the same view and filters. */
export function exportParams(state: ExplorerState, format: string): string {
  const p = new URLSearchParams({ format });
  // Every entity searched for anchors the export, projects and events too (a project involves
  // itself and its parts, an event the projects presented there): with no anchor at all the
  // export would be the whole graph.
  for (const seed of state.seeds) p.append("involving-any", seed.id);
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
