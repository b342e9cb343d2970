import type { NodeType } from "../../model/model.js";

/** A node as the repositories hand it to resolvers: its properties plus its domain type. */
export type EntityRow = Record<string, unknown> & {
  id: string;
  nodeType: NodeType;
  name: string;
  sourceIds?: string[];
  quotes?: string[];
};

/** The properties the GraphQL types expose; lists fetch only these (no provenance, no search helpers). */
const EXPOSED_NAMES = [
  "id", "name", "nameKey", "officialName", "officialNameLanguage", "agencyType", "jurisdiction", "jurisdictionArea",
  "organizationType", "iatiRef", "headquarters", "groupType", "kind", "description", "startDate", "endDate", "startYear",
  "endYear", "iatiIdentifier", "participantCount", "code", "nameEs", "amount", "currency", "date", "flowType",
];
const EXPOSED = EXPOSED_NAMES.map((p) => `.${p}`).join(", ");

const TYPE_AND_LISTS = (n: string) =>
  `nodeType: [l IN labels(${n}) WHERE l <> 'Actor'][0], acronyms: coalesce(${n}.acronyms, []), aliases: coalesce(${n}.aliases, [])`;

/**
 * Cypher fragment that returns a node `n` as a lean EntityRow: the exposed properties, without
 * provenance. `sources` on such a row is loaded by id when asked for (see SourcedResolver).
 */
export const ENTITY = (n: string, extra = "") =>
  `${n} { ${EXPOSED}, ${TYPE_AND_LISTS(n)}${extra ? `, ${extra}` : ""} }`;

/**
 * Only the stored properties among `fields` (the GraphQL fields a client selected): a list of 50
 * projects with 250 participants then moves only what will be returned.
 */
export const ENTITY_PICK = (n: string, fields: ReadonlySet<string>, extra = "") => {
  const picked = EXPOSED_NAMES.filter((p) => p !== "id" && fields.has(p)).map((p) => `.${p}`);
  const lists = ["acronyms", "aliases"].filter((l) => fields.has(l)).map((l) => `${l}: coalesce(${n}.${l}, [])`);
  return `${n} { .id, ${[...picked, ...lists].map((x) => `${x}, `).join("")}nodeType: [l IN labels(${n}) WHERE l <> 'Actor'][0]${extra ? `, ${extra}` : ""} }`;
};

/** Every property of `n`, provenance included: for single-entity lookups. */
export const ENTITY_FULL = (n: string) => `${n} { .*, ${TYPE_AND_LISTS(n)} }`;

/** Provenance stored on a node or relationship, as (sourceId, quote) pairs. */
export interface Provenanced {
  sourceIds?: string[] | null;
  quotes?: string[] | null;
}

export function citationsOf(item: Provenanced): { sourceId: string; quote: string }[] {
  const ids = item.sourceIds ?? [];
  return ids.map((sourceId, i) => ({ sourceId, quote: item.quotes?.[i] ?? "" }));
}
