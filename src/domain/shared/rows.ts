import { isNodeType, NODE_TYPE_OF } from "../../model/model.js";

/** What every node row carries. Lists may fetch only the selected properties: the rest are optional. */
interface RowBase {
  id: string;
  name: string;
  nameKey?: string;
  acronyms?: string[];
  aliases?: string[];
  /** Provenance: absent on lean rows (lists), loaded by id when `sources` is asked for. */
  sourceIds?: string[];
  quotes?: string[];
}

type Text = string | null;

export interface ActorRow extends RowBase {
  nodeType: "Agency" | "Organization" | "Person" | "Group";
  officialName?: Text; officialNameLanguage?: Text; agencyType?: Text; jurisdiction?: Text; jurisdictionArea?: Text;
  organizationType?: Text; iatiRef?: Text; headquarters?: Text; groupType?: Text;
}

export interface ProjectRow extends RowBase {
  nodeType: "Project";
  kind?: Text; description?: Text; startDate?: Text; endDate?: Text; startYear?: number | null; endYear?: number | null;
  iatiIdentifier?: Text; participantCount?: number | null; stub?: boolean | null;
}

export interface PlaceRow extends RowBase {
  nodeType: "Country" | "Region";
  code?: Text; nameEs?: Text;
}

export interface ThemeRow extends RowBase {
  nodeType: "Theme";
  nameEs?: Text;
}

export interface EventRow extends RowBase {
  nodeType: "Event";
  kind?: Text; startDate?: Text; endDate?: Text;
}

export interface FundingRow extends Omit<RowBase, "name"> {
  nodeType: "Funding";
  name?: Text; amount?: Text; currency?: Text; date?: Text; flowType?: Text;
}

/** A node as the repositories hand it to resolvers: its exposed properties, typed by its label. */
export type EntityRow = ActorRow | ProjectRow | PlaceRow | ThemeRow | EventRow | FundingRow;

/**
 * The one place where a Neo4j map becomes a row: the Cypher fragments below shape it, this checks
 * the two properties everything relies on, so that a broken query fails here and not in a resolver.
 */
export function entityRow(value: unknown): EntityRow {
  const row = value as { id?: unknown; nodeType?: unknown } | null;
  if (typeof row?.id !== "string" || typeof row.nodeType !== "string" || !isNodeType(row.nodeType)) {
    throw new Error(`not an entity row: ${JSON.stringify(value)?.slice(0, 200)}`);
  }
  return value as EntityRow;
}

/** The properties the GraphQL types expose; lists fetch only these (no provenance, no search helpers). */
const EXPOSED_NAMES = [
  "id", "name", "nameKey", "officialName", "officialNameLanguage", "agencyType", "jurisdiction", "jurisdictionArea",
  "organizationType", "iatiRef", "headquarters", "groupType", "kind", "description", "startDate", "endDate", "startYear",
  "endYear", "iatiIdentifier", "participantCount", "stub", "code", "nameEs", "amount", "currency", "date", "flowType",
];
const EXPOSED = EXPOSED_NAMES.map((p) => `.${p}`).join(", ");

const TYPE_AND_LISTS = (n: string) =>
  `nodeType: ${NODE_TYPE_OF(n)}, acronyms: coalesce(${n}.acronyms, []), aliases: coalesce(${n}.aliases, [])`;

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
  return `${n} { .id, ${[...picked, ...lists].map((x) => `${x}, `).join("")}nodeType: ${NODE_TYPE_OF(n)}${extra ? `, ${extra}` : ""} }`;
};

/**
 * ENTITY_PICK as a list: positions instead of keys, and `decode` turns a list back into the row.
 * A page of 50 projects with 250 participants repeats every key hundreds of times; as lists,
 * Neo4j builds and the driver decodes much less (Q3's statement at S: 9.5 ms as maps, 6.3 as lists).
 */
export function entityTuple(
  n: string, fields: ReadonlySet<string>, { sources = false, nodeType }: { sources?: boolean; nodeType?: "Project" | "Country" } = {},
): { cypher: string; decode: (values: unknown[]) => EntityRow } {
  const names = [
    "id", ...EXPOSED_NAMES.filter((p) => p !== "id" && fields.has(p)), ...["acronyms", "aliases"].filter((l) => fields.has(l)),
    // `sources` from the row itself, instead of the entity loaded by id (see SourcedResolver).
    ...(sources && fields.has("sources") ? ["sourceIds", "quotes"] : []),
    // A type the pattern already fixes ((p:Project), (c:Country)) is not read from each node's labels.
    ...(nodeType ? [] : ["nodeType"]),
  ];
  const expressions = names.map((name) => {
    if (name === "nodeType") return NODE_TYPE_OF(n);
    return ["acronyms", "aliases", "sourceIds", "quotes"].includes(name) ? `coalesce(${n}.${name}, [])` : `${n}.${name}`;
  });
  return {
    cypher: `[${expressions.join(", ")}]`,
    decode: (values) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
      if (nodeType) row.nodeType = nodeType;
      return row as unknown as EntityRow;
    },
  };
}

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
