/**
 * The explorer's GEXF and GraphML: exactly what the canvas draws, written in the page with the
 * server export's own formats (src/export/formats.ts). No DOM here, so that it is tested without a
 * browser (test/unit/explore-export.test.ts).
 */
import { networkFile, type NetworkEdge, type NetworkNode } from "../../src/export/formats.js";
import { isDrawn, shownRoles, type Hidden } from "./status.js";

export interface DrawnNode { id: string; kind: string; label: string; startYear?: number | null }
export interface DrawnEdge { key: string; source: string; target: string; type: string; roles: string[] }

/**
 * The entities and relationships drawn: those the filters leave (the status line's rule, isDrawn, and the roles shown),
 * without loops (the canvas draws none). `drawnAt` gives where an entity is drawn and its colour, for
 * Gephi to open the same picture. Ordered by id, so that the same view gives the same file.
 */
export function drawnNetwork(
  nodes: Iterable<DrawnNode>, edges: Iterable<DrawnEdge>,
  hidden: Hidden,
  drawnAt: (id: string) => { position?: { x: number; y: number }; color?: string } = () => ({}),
): { nodes: NetworkNode[]; edges: NetworkEdge[] } {
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const kept = [...nodes].filter((n) => !hidden.hiddenNodes.has(n.id))
    .map((n): NetworkNode => ({ id: n.id, label: n.label, kind: n.kind, country: null, startYear: n.startYear ?? null, ...drawnAt(n.id) }))
    .sort(byId);
  // One edge per relationship, as the server export writes them: a line of three roles is three participations.
  const drawn = [...edges].filter((e) => e.source !== e.target && isDrawn(e, hidden))
    .flatMap((e): NetworkEdge[] => e.roles.length
      ? shownRoles(e, hidden).map((role) => ({ id: `${e.key}|${role}`, source: e.source, target: e.target, type: e.type, role, weight: 1 }))
      : [{ id: e.key, source: e.source, target: e.target, type: e.type, role: null, weight: 1 }])
    .sort(byId);
  return { nodes: kept, edges: drawn };
}

/** The file of a drawn network: directed, as drawn (an actor to its project, an actor to where it is based). */
export function drawnFile(format: "gexf" | "graphml", network: { nodes: NetworkNode[]; edges: NetworkEdge[] }): string {
  return networkFile(format, { directed: true }, network.nodes, network.edges);
}
