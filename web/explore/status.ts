/**
 * The status line's figures: what is drawn, and apart from it what the filters hide. No DOM here,
 * so that the counts are tested without a browser (test/unit/explore-status.test.ts).
 */

/** What the filters hide: entities, relationships, and participation roles (a line with several roles is drawn while one of them is shown). */
export interface Hidden { hiddenNodes: ReadonlySet<string>; hiddenEdges: ReadonlySet<string>; hiddenRoles?: ReadonlySet<string> }

/** The relationships one drawn line stands for, one per role: those the role filter shows, when the line is drawn. */
export function shownRoles(edge: { roles?: string[] }, hidden: Hidden): string[] {
  return (edge.roles ?? []).filter((r) => !hidden.hiddenRoles?.has(r));
}

export interface DrawnCounts { entities: number; relationships: number; hiddenEntities: number; hiddenRelationships: number }

/** "1 entity", "25 entities". */
export const counted = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Counts the view's entities and relationships as drawn and as hidden by the filters. A relationship
 * is hidden with either of its ends, and a role with the role filter; a relationship of an entity to itself is never drawn (the graph
 * takes no loops, the side panel lists them), so it is neither.
 */
export function drawnCounts(
  nodes: Iterable<{ id: string }>, edges: Iterable<{ key: string; source: string; target: string; roles?: string[] }>, hidden: Hidden,
): DrawnCounts {
  const counts: DrawnCounts = { entities: 0, relationships: 0, hiddenEntities: 0, hiddenRelationships: 0 };
  for (const node of nodes) {
    if (hidden.hiddenNodes.has(node.id)) counts.hiddenEntities++;
    else counts.entities++;
  }
  for (const edge of edges) {
    if (edge.source === edge.target) continue;
    // A line of three roles is three relationships; with one role filtered out, two drawn and one hidden.
    const all = Math.max(1, edge.roles?.length ?? 0);
    const shown = isDrawn(edge, hidden) ? Math.max(1, shownRoles(edge, hidden).length) : 0;
    counts.relationships += shown;
    counts.hiddenRelationships += all - shown;
  }
  return counts;
}

/** Whether a relationship (not a loop) is drawn: neither it nor either of its ends is hidden. */
export function isDrawn(edge: { key: string; source: string; target: string }, hidden: Hidden): boolean {
  return !hidden.hiddenEdges.has(edge.key) && !hidden.hiddenNodes.has(edge.source) && !hidden.hiddenNodes.has(edge.target);
}

/** "3 entities, 2 relationships drawn; the filters hide 1 entity and 1 relationship (notes)"; with nothing hidden, "3 entities, 2 relationships". */
export function statusLine(counts: DrawnCounts, notes: string[] = []): string {
  const drawn = `${counted(counts.entities, "entity", "entities")}, ${counted(counts.relationships, "relationship")}`;
  const hidden = [counts.hiddenEntities ? counted(counts.hiddenEntities, "entity", "entities") : "", counts.hiddenRelationships ? counted(counts.hiddenRelationships, "relationship") : ""]
    .filter(Boolean);
  return `${drawn}${hidden.length ? ` drawn; the filters hide ${hidden.join(" and ")}` : ""}${notes.length ? ` (${notes.join("; ")})` : ""}`;
}
