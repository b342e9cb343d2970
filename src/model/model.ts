/**
 * The graph model in one place: which node types exist, the labels each carries, the id prefix
 * that makes ids readable ("agency:mpf-caba"), and which relationships may join which nodes.
 * Writers splice labels and types into Cypher only from these tables, never from input.
 */

export const NODE_TYPES = {
  Agency: { labels: ["Actor", "Agency"], key: "Actor", prefix: "agency" },
  Organization: { labels: ["Actor", "Organization"], key: "Actor", prefix: "organization" },
  Person: { labels: ["Actor", "Person"], key: "Actor", prefix: "person" },
  Group: { labels: ["Actor", "Group"], key: "Actor", prefix: "group" },
  Project: { labels: ["Project"], key: "Project", prefix: "project" },
  Event: { labels: ["Event"], key: "Event", prefix: "event" },
  Country: { labels: ["Country"], key: "Country", prefix: "country" },
  Region: { labels: ["Region"], key: "Region", prefix: "region" },
  Theme: { labels: ["Theme"], key: "Theme", prefix: "theme" },
  Funding: { labels: ["Funding"], key: "Funding", prefix: "funding" },
  Source: { labels: ["Source"], key: "Source", prefix: "source" },
} as const;

export type NodeType = keyof typeof NODE_TYPES;

/**
 * The label a project carries beside `Project` while it is only a reference: an IATI related-activity
 * whose own activity was never imported (`stub: true`). Lists, counts, search, analytics and exports
 * leave it out; ids, references and `Project.related` still reach it. Writers keep the label equal to
 * `stub`, so an import of the activity itself turns it into a full project, same node, same id.
 */
export const STUB_LABEL = "ProjectStub";
/** A node's type from its labels: `Actor` and the stub label are not types. */
export const NODE_TYPE_OF = (n: string) => `[l IN labels(${n}) WHERE l <> 'Actor' AND l <> '${STUB_LABEL}'][0]`;
export type KeyLabel = (typeof NODE_TYPES)[NodeType]["key"];

export function isNodeType(value: string): value is NodeType {
  return Object.hasOwn(NODE_TYPES, value);
}

/** The node type an id belongs to, read from its prefix; undefined for an unknown prefix. */
export function nodeTypeOfId(id: string): NodeType | undefined {
  return TYPE_BY_PREFIX.get(id.slice(0, id.indexOf(":")));
}

const TYPE_BY_PREFIX = new Map<string, NodeType>((Object.keys(NODE_TYPES) as NodeType[]).map((t) => [NODE_TYPES[t].prefix, t]));

/** The label whose id constraint finds this id ("agency:x" -> Actor); undefined for an unknown prefix. */
export function keyLabelOfId(id: string): KeyLabel | undefined {
  const type = nodeTypeOfId(id);
  return type && NODE_TYPES[type].key;
}

/**
 * Whether two entities could be one and the same (a merge keeps one of them): of one type, or both
 * organisations of some kind (Agency, Organization, Group: publishers classify one body
 * differently); a person only ever with a person. Sources are not entities: never.
 */
export function mergeableTypes(a: string, b: string): boolean {
  const [ta, tb] = [nodeTypeOfId(a), nodeTypeOfId(b)];
  if (!ta || !tb || ta === "Source" || tb === "Source") return false;
  if (ta === tb) return true;
  return ACTOR_TYPES.has(ta) && ACTOR_TYPES.has(tb) && ta !== "Person" && tb !== "Person";
}

/** Agency, Organization, Person and Group: the types whose nodes also carry the label Actor. */
export const ACTOR_TYPES: ReadonlySet<NodeType> = new Set((Object.keys(NODE_TYPES) as NodeType[]).filter((t) => NODE_TYPES[t].key === "Actor"));
export const THEME_TYPES: ReadonlySet<NodeType> = new Set(["Theme"]);
/** Types whose nodes have names: a write needs one, and a reference can find them by it. */
export const NAMED_TYPES: ReadonlySet<NodeType> = new Set((Object.keys(NODE_TYPES) as NodeType[]).filter((t) => t !== "Funding" && t !== "Source"));

export function isActorType(type: string): boolean {
  return ACTOR_TYPES.has(type as NodeType);
}

export interface RelationshipSpec {
  from: readonly KeyLabel[];
  to: readonly KeyLabel[];
  /** Properties that, with both ends, identify one relationship (MERGE keys). */
  keys: readonly string[];
  /** Properties it may carry besides its keys and provenance. */
  properties: readonly string[];
  description: string;
}

export const RELATIONSHIP_TYPES = {
  PARTICIPATES_IN: {
    from: ["Actor"], to: ["Project"], keys: ["role"], properties: ["iatiRole", "startDate", "endDate"],
    description: "an actor takes part in a project in a role (lead, partner, funder, ...)",
  },
  BASED_IN: { from: ["Actor"], to: ["Country"], keys: [], properties: [], description: "an actor is based in a country" },
  HOLDS_POSITION: {
    from: ["Actor"], to: ["Actor"], keys: ["title"], properties: ["titleEs", "startDate", "endDate"],
    description: "a person holds a position (title, dates) in an agency or organization",
  },
  MEMBER_OF: { from: ["Actor"], to: ["Actor"], keys: [], properties: ["startDate", "endDate"], description: "an agency is a member of an association" },
  TAKES_PLACE_IN: {
    from: ["Project", "Event"], to: ["Country", "Region"], keys: [], properties: ["percentage"],
    description: "a project or event takes place in a country or region",
  },
  ABOUT: { from: ["Project", "Event"], to: ["Theme"], keys: [], properties: ["percentage"], description: "a project is about a theme" },
  IN_REGION: { from: ["Country", "Region"], to: ["Region"], keys: [], properties: [], description: "a country or region lies in a region" },
  PART_OF: {
    from: ["Project", "Event", "Actor"], to: ["Project", "Event", "Actor"], keys: [], properties: [],
    description: "a session is part of a conference; a project is part of a program; a fund or unit is part of an organization",
  },
  RELATED_TO: {
    from: ["Project"], to: ["Project"], keys: ["relation"], properties: ["iatiType"],
    description: "IATI related activity (parent, child, sibling, co-funded, third party)",
  },
  SPOKE_AT: { from: ["Actor"], to: ["Event"], keys: [], properties: ["role", "title"], description: "a person spoke at an event" },
  TOOK_PART_IN: { from: ["Actor"], to: ["Event"], keys: [], properties: ["role"], description: "an actor took part in an event" },
  ORGANIZED: { from: ["Actor"], to: ["Event"], keys: [], properties: [], description: "an actor organized an event" },
  PRESENTED_AT: { from: ["Project"], to: ["Event"], keys: [], properties: [], description: "a project was presented at an event" },
  FUNDED: {
    from: ["Actor"], to: ["Funding"], keys: [], properties: [],
    description: "an actor provides a funding flow",
  },
  FUNDS: { from: ["Funding"], to: ["Project"], keys: [], properties: [], description: "a funding flow is for a project" },
  RECEIVED_BY: { from: ["Funding"], to: ["Actor"], keys: [], properties: [], description: "a funding flow is received by an actor" },
} as const satisfies Record<string, RelationshipSpec>;

export type RelationshipType = keyof typeof RELATIONSHIP_TYPES;

/**
 * Relationships that mean two entities worked together: participations, memberships, positions,
 * events (who spoke, took part, organized, and the projects presented there), funding, parts and
 * related projects. Shared places and themes only mean that two entities are alike. What `paths`
 * and `neighborhood` follow unless told otherwise.
 */
export const COOPERATION_TYPES: RelationshipType[] = [
  "PARTICIPATES_IN", "MEMBER_OF", "HOLDS_POSITION", "SPOKE_AT", "TOOK_PART_IN", "ORGANIZED", "PRESENTED_AT", "FUNDED", "FUNDS", "RECEIVED_BY", "PART_OF", "RELATED_TO",
];

/**
 * The relationships that attach a place or a theme at an end of a path: no cooperation relationship
 * reaches a Country, a Region or a Theme, so without these no path could be found to one.
 */
const ATTACHING: Partial<Record<NodeType, RelationshipType[]>> = {
  Country: ["BASED_IN", "TAKES_PLACE_IN"],
  Region: ["IN_REGION", "BASED_IN", "TAKES_PLACE_IN"],
  Theme: ["ABOUT"],
};

/** What a path between entities of these types follows by default: cooperation, and what attaches a place or theme at an end. */
export function defaultPathTypes(ends: NodeType[]): RelationshipType[] {
  return [...new Set([...COOPERATION_TYPES, ...ends.flatMap((type) => ATTACHING[type] ?? [])])];
}

export function isRelationshipType(value: string): value is RelationshipType {
  return Object.hasOwn(RELATIONSHIP_TYPES, value);
}

/** Roles an actor can have in a project; IATI organisation roles 1-4 map to the last four. */
export const PARTICIPATION_ROLES = [
  "lead", "partner", "co-organizer", "participant", "supporter", "expert-support",
  "funder", "accountable", "extending", "implementer",
] as const;

export const IATI_ROLE_CODES: Record<string, (typeof PARTICIPATION_ROLES)[number]> = {
  "1": "funder", "2": "accountable", "3": "extending", "4": "implementer",
};
