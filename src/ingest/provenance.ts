/**
 * Provenance is two parallel lists on every node and relationship: `sourceIds` and `quotes`, the
 * i-th quote from the i-th source. Every write that touches them (the writer, merges, re-imports)
 * builds its Cypher here, so that the two lists can never drift apart.
 */

/** Cypher expressions of a pair of provenance lists, e.g. `{ sourceIds: "x.sourceIds", quotes: "x.quotes" }`. */
export interface ProvenanceLists {
  sourceIds: string;
  quotes: string;
}

export const listsOf = (variable: string): ProvenanceLists => ({ sourceIds: `${variable}.sourceIds`, quotes: `${variable}.quotes` });

/** `old`'s entries whose source is not in `dropped` (a Cypher list of source ids). */
export function keptEntries(old: ProvenanceLists, dropped: string): ProvenanceLists {
  const kept = (list: string) => `[i IN range(0, size(coalesce(${old.sourceIds}, [])) - 1) WHERE NOT ${old.sourceIds}[i] IN ${dropped} | ${list}[i]]`;
  return { sourceIds: kept(old.sourceIds), quotes: kept(old.quotes) };
}

/** `old`'s entries of other sources, then `added`'s: a source's new statement replaces its old one. */
export function replacedEntries(old: ProvenanceLists, added: ProvenanceLists): ProvenanceLists {
  const kept = keptEntries(old, added.sourceIds);
  return { sourceIds: `${kept.sourceIds} + ${added.sourceIds}`, quotes: `${kept.quotes} + ${added.quotes}` };
}

/**
 * SET items giving `target` these lists. Quotes first: SET items apply in order, and when the
 * expressions read `target`'s own lists, the quotes' filter must still see the old sourceIds.
 */
export function setProvenance(target: string, lists: ProvenanceLists): string {
  return `${target}.quotes = ${lists.quotes}, ${target}.sourceIds = ${lists.sourceIds}`;
}
