import type { NodeType } from "../model.js";

/** A node as the repositories hand it to resolvers: its properties plus its domain type. */
export type EntityRow = Record<string, unknown> & {
  id: string;
  nodeType: NodeType;
  name: string;
  sourceIds?: string[];
  quotes?: string[];
};

/** Cypher fragment that returns a node `n` as an EntityRow. */
export const ENTITY = (n: string, extra = "") =>
  `${n} { .*, nodeType: [l IN labels(${n}) WHERE l <> 'Actor'][0], acronyms: coalesce(${n}.acronyms, []), aliases: coalesce(${n}.aliases, [])${extra ? `, ${extra}` : ""} }`;

/** Provenance stored on a node or relationship, as (sourceId, quote) pairs. */
export interface Provenanced {
  sourceIds?: string[] | null;
  quotes?: string[] | null;
}

export function citationsOf(item: Provenanced): { sourceId: string; quote: string }[] {
  const ids = item.sourceIds ?? [];
  return ids.map((sourceId, i) => ({ sourceId, quote: item.quotes?.[i] ?? "" }));
}
