/**
 * The batched write path shared by the seed loader, the importers and the mutations: validated
 * records in, `UNWIND $rows` MERGEs out, in statements of `batchSize` rows. `writeGraph` runs a
 * whole document in one transaction (it lands whole or not at all); `writeValidRecords` runs in
 * the caller's transaction (the IATI import's, one per batch of activities; a mutation's own).
 * Idempotent: writing the same records twice changes nothing, because nodes merge on id and
 * relationships on (ends, type, keys).
 *
 * Provenance is stored on every node and relationship as two parallel lists, `sourceIds` and
 * `quotes`. A write replaces the entries of the sources it carries and keeps the others, so a
 * fact stated by the seed and by an IATI file keeps both.
 */
import { groupBy } from "../model/collections.js";
import { isCalendarDate } from "../model/dates.js";
import { decimalOrNull } from "../model/decimal.js";
import { AGGREGATE_PROPERTIES, refreshAggregates } from "../db/aggregates.js";
import { chunks, runRows, type Database, type Params, type Row } from "../db/database.js";
import { INVOLVED_PLACES, PROJECTS_AROUND_PLACES } from "../model/involvement.js";
import { nameProperties } from "../model/names.js";
import { listsOf, replacedEntries, setProvenance } from "./provenance.js";
import { completeStoredRecords } from "./partial-update.js";
import {
  NAMED_TYPES, NODE_TYPES, RELATIONSHIP_TYPES, isNodeType, isRelationshipType, nodeTypeOfId,
  type KeyLabel, type NodeType, type RelationshipType,
} from "../model/model.js";

export interface Provenance {
  source: string;
  quote: string;
}

export interface NodeRecord {
  id: string;
  type: string;
  name?: string;
  sources: Provenance[];
  /** Properties set only when the node is created (an import must not rename the seed's UNDP). */
  createOnly?: Record<string, unknown>;
  /**
   * Cite the sources only when this write creates the node: an organisation named by thousands of
   * IATI activities is stated by each of their relationships, not by thousands of node entries.
   */
  provenanceOnCreate?: boolean;
  [property: string]: unknown;
}

export interface RelationshipRecord {
  type: string;
  from: string;
  to: string;
  sources: Provenance[];
  [property: string]: unknown;
}

export interface SourceRecord {
  id: string;
  kind: string;
  title: string;
  /** Write this source only if no source has its id yet (a CSV's `source_title` must not rewrite the seed's). */
  keepExisting?: boolean;
  [property: string]: unknown;
}

export interface GraphDocument {
  sources?: SourceRecord[];
  nodes?: NodeRecord[];
  relationships?: RelationshipRecord[];
}

export interface Rejection {
  /** Where the record sits in its input, e.g. "nodes[3]" or "line 12". */
  position: string;
  reason: string;
}

export interface WriteSummary {
  sources: number;
  nodes: number;
  relationships: number;
  rejected: Rejection[];
}

/** A record's own fields: everything else in it is a property to store. */
export const RECORD_FIELDS: ReadonlySet<string> = new Set(["id", "type", "sources", "from", "to", "createOnly", "provenanceOnCreate"]);
/**
 * Properties coopgraph keeps itself (provenance, sort keys, derived counts): a record that sets
 * one is rejected, or an import could rewrite where a fact comes from.
 */
export const MAINTAINED_PROPERTIES: ReadonlySet<string> = new Set(["sourceIds", "quotes", "participantCount", "nameKey", "startKey", "names", "searchKind", ...AGGREGATE_PROPERTIES]);

function maintainedPropertyIn(record: object): string | undefined {
  const createOnly = (record as { createOnly?: object }).createOnly ?? {};
  return [...Object.keys(record), ...Object.keys(createOnly)].find((key) => MAINTAINED_PROPERTIES.has(key));
}

function checkProvenance(sources: unknown): string | null {
  if (!Array.isArray(sources) || sources.length === 0) return "a fact needs at least one source with a quote";
  for (const s of sources as Provenance[]) {
    if (typeof s?.source !== "string" || !s.source.startsWith("source:")) return `source "${s?.source}" is not a source id`;
    if (typeof s.quote !== "string" || s.quote.trim() === "") return `source ${s.source} has no quote`;
  }
  return null;
}

function propertyValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return value;
}

/** A record that is not a JSON object (null, a number, a list) is refused before anything reads it. */
const NOT_AN_OBJECT = "a record must be an object";
export const isObject = (record: unknown): record is Record<string, unknown> => typeof record === "object" && record !== null && !Array.isArray(record);

export function validateNode(record: NodeRecord): string | null {
  if (!isObject(record)) return NOT_AN_OBJECT;
  const maintained = maintainedPropertyIn(record);
  if (maintained) return `"${maintained}" is kept by coopgraph itself (provenance, sort keys, counts) and cannot be imported; remove it`;
  if (typeof record.id !== "string" || !/^[a-z]+:[^\s]+$/.test(record.id)) return `id "${record.id}" is not of the form kind:slug`;
  if (!isNodeType(record.type) || record.type === "Source") return `unknown node type "${record.type}"`;
  if (nodeTypeOfId(record.id) !== record.type) return `id "${record.id}" does not start with "${NODE_TYPES[record.type].prefix}:"`;
  const name = record.name ?? record.createOnly?.name;
  if (NAMED_TYPES.has(record.type) && (typeof name !== "string" || name.trim() === "")) return "a name is required";
  const amount = record.amount ?? record.createOnly?.amount;
  if (record.type === "Funding" && amount !== undefined && amount !== null && decimalOrNull(amount) === null) {
    return `amount ${JSON.stringify(amount)} is not a decimal number written as a string (e.g. "1250.50")`;
  }
  return datesProblem(record) ?? checkProvenance(record.sources);
}

/** Dates and years the filters, sorts and tallies can read: "May 2020" or a year as text were stored and then matched nothing. */
function datesProblem(record: NodeRecord): string | null {
  const value = (field: string) => record[field] ?? record.createOnly?.[field];
  for (const field of ["startDate", "endDate", "date"]) {
    const v = value(field);
    if (v !== undefined && v !== null && !isCalendarDate(v)) return `${field} ${JSON.stringify(v)} is not a date of the form YYYY-MM-DD`;
  }
  for (const field of ["startYear", "endYear"]) {
    const v = value(field);
    if (v !== undefined && v !== null && !Number.isInteger(v)) return `${field} ${JSON.stringify(v)} is not a year written as a whole number (e.g. 2020)`;
  }
  return null;
}

/** For loaders that take a document whole (bulk, offline import): the first invalid record throws. */
export function assertValidDocument(doc: GraphDocument, loader: string): void {
  for (const n of doc.nodes ?? []) {
    const reason = validateNode(n);
    if (reason) throw new Error(`${loader}: ${n.id}: ${reason}`);
  }
  for (const r of doc.relationships ?? []) {
    const reason = validateRelationship(r);
    if (reason) throw new Error(`${loader}: ${r.type} ${r.from} -> ${r.to}: ${reason}`);
  }
}

export function validateRelationship(record: RelationshipRecord): string | null {
  if (!isObject(record)) return NOT_AN_OBJECT;
  const maintained = maintainedPropertyIn(record);
  if (maintained) return `"${maintained}" is kept by coopgraph itself (provenance, sort keys, counts) and cannot be imported; remove it`;
  if (!isRelationshipType(record.type)) return `unknown relationship type "${record.type}"`;
  const spec = RELATIONSHIP_TYPES[record.type];
  const fromType = nodeTypeOfId(String(record.from));
  const toType = nodeTypeOfId(String(record.to));
  if (!fromType || !(spec.from as readonly string[]).includes(NODE_TYPES[fromType].key)) {
    return `${record.type} cannot start at "${record.from}"`;
  }
  if (!toType || !(spec.to as readonly string[]).includes(NODE_TYPES[toType].key)) {
    return `${record.type} cannot end at "${record.to}"`;
  }
  for (const key of spec.keys) {
    if (record[key] === undefined || record[key] === null || record[key] === "") return `${record.type} needs "${key}"`;
  }
  return checkProvenance(record.sources);
}

/** A node record as the write Cypher takes it (derived name and date keys included); the bulk loader shares it. */
export function nodeRow(record: NodeRecord) {
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!RECORD_FIELDS.has(key)) props[key] = propertyValue(value);
  }
  const createProps: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record.createOnly ?? {})) createProps[key] = propertyValue(value);
  const named = NAMED_TYPES.has(record.type as NodeType);
  if (named && record.name) Object.assign(props, nameProperties(record as never));
  if (named && !record.name && createProps.name) Object.assign(createProps, nameProperties({ ...record, ...record.createOnly } as never));
  // The entity's kind, a field of the full-text index beside its names: search(kinds:) asks for it there.
  if (named) props.searchKind = record.type;
  if (record.type === "Project") Object.assign(record.startDate || record.startYear || !record.createOnly ? props : createProps, projectDerived({ ...record.createOnly, ...record } as NodeRecord));
  return {
    id: record.id,
    props,
    createProps,
    provenanceOnCreate: record.provenanceOnCreate === true,
    sourceIds: record.sources.map((s) => s.source),
    quotes: record.sources.map((s) => s.quote),
  };
}

/** Sort and filter keys of a project: start key for "sort by start", years for year ranges. */
function projectDerived(record: NodeRecord) {
  const startDate = (record.startDate as string | undefined) ?? null;
  const endDate = (record.endDate as string | undefined) ?? null;
  const startYear = (record.startYear as number | undefined) ?? (startDate ? Number(startDate.slice(0, 4)) : null);
  const endYear = (record.endYear as number | undefined) ?? (endDate ? Number(endDate.slice(0, 4)) : startYear);
  return { startDate, endDate, startYear, endYear, startKey: startDate ?? (startYear !== null ? String(startYear) : "") };
}

/** Keeps other sources' entries, replaces those of the sources this row carries. */
const REPLACED = replacedEntries(listsOf("x"), listsOf("row"));
const MERGED_PROVENANCE = setProvenance("x", REPLACED);
/** The same, except for rows that cite their sources only when they create the node. */
const MERGED_PROVENANCE_UNLESS_ON_CREATE_ONLY = setProvenance("x", {
  sourceIds: `CASE WHEN row.provenanceOnCreate THEN x.sourceIds ELSE ${REPLACED.sourceIds} END`,
  quotes: `CASE WHEN row.provenanceOnCreate THEN x.quotes ELSE ${REPLACED.quotes} END`,
});

function nodeCypher(type: NodeType): string {
  const { key, labels } = NODE_TYPES[type];
  const extra = labels.filter((l) => l !== key).map((l) => `:${l}`).join("");
  return `UNWIND $rows AS row
  MERGE (x:${key} {id: row.id})
  ON CREATE SET x += row.createProps, x.sourceIds = row.sourceIds, x.quotes = row.quotes${key === "Project" ? ", x.participantCount = 0, x.involvedPlaces = []" : ""}
  ON MATCH SET ${MERGED_PROVENANCE_UNLESS_ON_CREATE_ONLY}
  SET x += row.props${extra ? `, x${extra}` : ""}`;
}

function relationshipCypher(type: RelationshipType, fromLabel: KeyLabel, toLabel: KeyLabel): string {
  const keys = RELATIONSHIP_TYPES[type].keys as readonly string[];
  const keyMap = keys.length ? ` {${keys.map((k) => `${k}: row.keys.${k}`).join(", ")}}` : "";
  // A new place of an actor or of a country changes the involved places of projects around it:
  // report the starts of the relationships this write creates (rewriting one changes nothing).
  const reportsCreated = PLACE_LINKS.has(type);
  return `UNWIND $rows AS row
  MATCH (a:${fromLabel} {id: row.from})
  MATCH (b:${toLabel} {id: row.to})
  ${reportsCreated ? `WITH a, b, row, EXISTS { (a)-[:${type}]->(b) } AS existed` : ""}
  MERGE (a)-[x:${type}${keyMap}]->(b)
  ON CREATE SET x.sourceIds = row.sourceIds, x.quotes = row.quotes
  ON MATCH SET ${MERGED_PROVENANCE}
  SET x += row.props
  RETURN count(*) AS written${reportsCreated ? ", collect(DISTINCT CASE WHEN NOT existed THEN row.from END) AS createdFrom" : ", [] AS createdFrom"}`;
}

export function relationshipRow(record: RelationshipRecord) {
  const spec = RELATIONSHIP_TYPES[record.type as RelationshipType];
  const keys: Record<string, unknown> = {};
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (RECORD_FIELDS.has(key)) continue;
    if ((spec.keys as readonly string[]).includes(key)) keys[key] = value;
    else props[key] = propertyValue(value);
  }
  return {
    from: record.from, to: record.to, keys, props,
    sourceIds: record.sources.map((s) => s.source),
    quotes: record.sources.map((s) => s.quote),
  };
}



export interface WriteOptions {
  /** Rows per statement (not per transaction: the document is one transaction). */
  batchSize?: number;
  /** Validate only; nothing is written. */
  dryRun?: boolean;
  /** Records of stored nodes update them: the fields they leave out are kept (partial-update.ts). */
  partialUpdates?: boolean;
}

/**
 * Writes a graph document: sources, then nodes, then relationships (whose ends must exist, in the
 * database or in this document). Invalid records are rejected with their position; the rest lands.
 */
export async function writeGraph(db: Database, doc: GraphDocument, opts: WriteOptions = {}): Promise<WriteSummary> {
  const batchSize = opts.batchSize ?? 1000;
  const rejected: Rejection[] = [];
  const sources = (doc.sources ?? []).filter((s, i) => {
    const ok = isObject(s) && typeof s.id === "string" && s.id.startsWith("source:") && typeof s.title === "string";
    if (!ok) rejected.push({ position: `sources[${i}]`, reason: "a source needs an id (source:...) and a title" });
    return ok;
  });
  const nodeRecords = (doc.nodes ?? []).flatMap((node, i) => {
    const position = `nodes[${i}] (${node?.id})`;
    return keepValid(validateNode(node), position, rejected) ? [{ node, position }] : [];
  });
  const nodes = nodeRecords.map((r) => r.node);
  const positions = new Map<RelationshipRecord, string>();
  const relationships = (doc.relationships ?? []).filter((r, i) => {
    const position = `relationships[${i}] (${r?.type} ${r?.from} -> ${r?.to})`;
    positions.set(r, position);
    return keepValid(validateRelationship(r), position, rejected);
  });

  const summary: WriteSummary = { sources: sources.length, nodes: nodes.length, relationships: 0, rejected };
  if (opts.dryRun) {
    // Nothing is written, so what the writer would reject for a missing end is found by reading.
    const kept = await withStoredEnds(db, relationships, new Set(nodes.map((n) => n.id)), (r, reason) => rejected.push({ position: positions.get(r)!, reason }));
    summary.relationships = kept.length;
    return summary;
  }

  const missingEnds = await db.writeTransaction(async (tx) => {
    // A fresh list per attempt: the driver retries the whole function on transient errors.
    const attemptRejections: Rejection[] = [];
    const run = (cypher: string, params: Params) => runRows(tx, cypher, params);
    const written = opts.partialUpdates ? await completeStoredRecords(run, nodeRecords, attemptRejections) : nodes;
    summary.nodes = written.length;
    summary.relationships = await writeValidRecords(run, { sources, nodes: written, relationships }, batchSize, attemptRejections, (r) => positions.get(r)!);
    return attemptRejections;
  }, { changed: [...nodes.map((n) => n.id), ...relationships.flatMap((r) => [String(r.from), String(r.to)])] });
  rejected.push(...missingEnds);
  return summary;
}

type Run = (cypher: string, params: Params) => Promise<Row[]>;

/**
 * Writes already-validated records through `run`, which the caller binds to one transaction, so
 * that a document lands whole or not at all. Returns the number of relationships written; each
 * relationship with an end that does not exist is rejected at `positionOf` it, the rest written.
 */
export async function writeValidRecords(
  run: Run,
  doc: { sources: SourceRecord[]; nodes: NodeRecord[]; relationships: RelationshipRecord[] },
  batchSize: number,
  rejected: Rejection[],
  positionOf: (record: RelationshipRecord) => string = (r) => `${r.type} ${r.from} -> ${r.to}`,
): Promise<number> {
  for (const batch of chunks(doc.sources, batchSize)) {
    await run(
      `UNWIND $rows AS row MERGE (s:Source {id: row.id}) ON CREATE SET s += row.createProps SET s += row.props`,
      { rows: batch.map((s) => (s.keepExisting === true ? { id: s.id, createProps: sourceProps(s), props: {} } : { id: s.id, createProps: {}, props: sourceProps(s) })) },
    );
  }
  for (const [type, group] of groupBy(doc.nodes, (n) => n.type)) {
    const cypher = nodeCypher(type as NodeType);
    for (const batch of chunks(group, batchSize)) await run(cypher, { rows: batch.map(nodeRow) });
  }
  const byShape = groupBy(doc.relationships, (r) => {
    const from = NODE_TYPES[nodeTypeOfId(r.from)!].key;
    const to = NODE_TYPES[nodeTypeOfId(r.to)!].key;
    return `${r.type}|${from}|${to}`;
  });
  let written = 0;
  const touched: Touched = {
    projectIds: doc.nodes.filter((n) => n.type === "Project").map((n) => n.id), actorIds: [], placeIds: [],
    fundingIds: doc.nodes.filter((n) => n.type === "Funding").map((n) => n.id),
  };
  for (const [shape, group] of byShape) {
    const [type, from, to] = shape.split("|") as [RelationshipType, KeyLabel, KeyLabel];
    const cypher = relationshipCypher(type, from, to);
    for (const batch of chunks(group, batchSize)) {
      const [row] = await run(cypher, { rows: batch.map(relationshipRow) });
      const count = Number(row?.written ?? 0);
      written += count;
      if (count < batch.length) await reportMissingEnds(run, batch, from, to, (r, reason) => rejected.push({ position: positionOf(r), reason }));
      addTouched(touched, type, batch, (row?.createdFrom as string[] | undefined) ?? []);
    }
  }
  await refreshProjectsAround(run, touched);
  return written;
}

export function keepValid(reason: string | null, position: string, rejected: Rejection[]): boolean {
  if (reason) rejected.push({ position, reason });
  return reason === null;
}

function sourceProps(source: SourceRecord): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) if (key !== "id" && key !== "keepExisting") props[key] = propertyValue(value);
  return props;
}

/** Why a relationship cannot be written: the end (from, to or both) that does not exist. */
function missingEnds(record: RelationshipRecord, fromExists: boolean, toExists: boolean): string | null {
  const missing = [fromExists ? null : `from "${record.from}"`, toExists ? null : `to "${record.to}"`].filter((m) => m !== null);
  return missing.length ? `${missing.join(" and ")} ${missing.length > 1 ? "do" : "does"} not exist` : null;
}

/** A dry run's relationships whose ends exist, in the document or in the database (each id sought by its key label's constraint). */
async function withStoredEnds(db: Database, relationships: RelationshipRecord[], inDocument: ReadonlySet<string>,
  reject: (record: RelationshipRecord, reason: string) => void): Promise<RelationshipRecord[]> {
  const sought = [...new Set(relationships.flatMap((r) => [String(r.from), String(r.to)]))].filter((id) => !inDocument.has(id));
  const stored = new Set<string>();
  for (const [label, ids] of groupBy(sought, (id) => NODE_TYPES[nodeTypeOfId(id)!].key)) {
    for (const row of await db.read(`UNWIND $ids AS id MATCH (n:${label} {id: id}) RETURN n.id AS id`, { ids })) stored.add(String(row.id));
  }
  const exists = (id: string) => inDocument.has(id) || stored.has(id);
  return relationships.filter((r) => {
    const reason = missingEnds(r, exists(String(r.from)), exists(String(r.to)));
    if (reason) reject(r, reason);
    return reason === null;
  });
}

/** The relationships of a batch that were not written, each with the end (from, to or both) that does not exist. */
async function reportMissingEnds(
  run: Run, batch: RelationshipRecord[], fromLabel: KeyLabel, toLabel: KeyLabel, reject: (record: RelationshipRecord, reason: string) => void,
): Promise<void> {
  const rows = await run(`UNWIND $rows AS row
    RETURN row.i AS i, EXISTS { MATCH (:${fromLabel} {id: row.from}) } AS fromExists, EXISTS { MATCH (:${toLabel} {id: row.to}) } AS toExists`,
  { rows: batch.map((r, i) => ({ i, from: r.from, to: r.to })) });
  for (const row of rows) {
    const record = batch[Number(row.i)]!;
    const reason = missingEnds(record, Boolean(row.fromExists), Boolean(row.toExists));
    if (reason) reject(record, reason);
  }
}

/** Relationships that place an actor or a place somewhere: creating one moves projects' involved places. */
const PLACE_LINKS: ReadonlySet<RelationshipType> = new Set(["BASED_IN", "IN_REGION"]);

/** What a write touched that projects' derived properties depend on. */
export interface Touched {
  projectIds: string[];
  actorIds: string[];
  /** Countries and regions whose own place (IN_REGION) changed, or that were removed. */
  placeIds: string[];
  /** Funding flows written, or whose funder or project changed (aggregates count them). */
  fundingIds?: string[];
  /** Themes merged, split or removed: the projects about them are recounted. */
  themeIds?: string[];
}

function addTouched(touched: Touched, type: RelationshipType, batch: RelationshipRecord[], createdFrom: string[]): void {
  if (type === "PARTICIPATES_IN") touched.projectIds.push(...batch.map((r) => r.to));
  else if (type === "TAKES_PLACE_IN") touched.projectIds.push(...batch.map((r) => r.from));
  else if (type === "BASED_IN") touched.actorIds.push(...createdFrom);
  else if (type === "IN_REGION") touched.placeIds.push(...createdFrom);
  else if (type === "ABOUT") touched.projectIds.push(...batch.map((r) => r.from));
  else if (type === "FUNDS") (touched.fundingIds ??= []).push(...batch.map((r) => r.from));
  else if (type === "FUNDED") (touched.fundingIds ??= []).push(...batch.map((r) => r.to));
}

/** The touched entities a relationship change of this kind between these ends means. */
export function touchedByRelationship(type: string, from: string, to: string): Touched {
  const touched: Touched = { projectIds: [], actorIds: [], placeIds: [] };
  if (type === "PARTICIPATES_IN") touched.projectIds.push(to);
  else if (type === "TAKES_PLACE_IN") touched.projectIds.push(from);
  else if (type === "BASED_IN") touched.actorIds.push(from);
  else if (type === "IN_REGION") touched.placeIds.push(from);
  else if (type === "ABOUT") touched.projectIds.push(from);
  else if (type === "FUNDS") touched.fundingIds = [from];
  else if (type === "FUNDED") touched.fundingIds = [to];
  return touched;
}

/**
 * Projects of the touched actors and around the touched places (taking place there or in a place
 * within, or with a participant based there), before a deletion removes the paths to them.
 */
export async function projectsAround(run: Run, touched: Touched): Promise<string[]> {
  const ids = new Set(touched.projectIds);
  if (touched.actorIds.length) {
    const [row] = await run(`UNWIND $ids AS id MATCH (:Actor {id: id})-[:PARTICIPATES_IN]->(p:Project) RETURN collect(DISTINCT p.id) AS ids`, { ids: touched.actorIds });
    for (const id of (row?.ids as string[] | undefined) ?? []) ids.add(id);
  }
  if (touched.placeIds.length) {
    const [row] = await run(`${PROJECTS_AROUND_PLACES("$ids")} RETURN collect(p.id) AS ids`, { ids: touched.placeIds });
    for (const id of (row?.ids as string[] | undefined) ?? []) ids.add(id);
  }
  if (touched.themeIds?.length) {
    const [row] = await run("UNWIND $ids AS id MATCH (:Theme {id: id})<-[:ABOUT]-(p:Project) RETURN collect(DISTINCT p.id) AS ids", { ids: touched.themeIds });
    for (const id of (row?.ids as string[] | undefined) ?? []) ids.add(id);
  }
  return [...ids];
}

/** Recomputes the derived properties of the projects a write touched (see refreshProjects). */
export async function refreshProjectsAround(run: Run, touched: Touched): Promise<void> {
  await refreshProjects(run, await projectsAround(run, touched), touched.fundingIds ?? []);
}

/**
 * Properties derived from a project's relationships, kept exact after every write so that filters
 * and sorts read one property instead of walking the graph:
 * - `participantCount` backs "sort by number of participants";
 * - `involvedPlaces` (sorted ids) holds every country and region the project involves: where it
 *   takes place (and the regions that contain it) and where its participants are based (and those
 *   countries' regions). The `countries`, `regions` and place references of project filters read it.
 */
export const PROJECT_DERIVED = `
  SET p.participantCount = COUNT { MATCH (a:Actor)-[:PARTICIPATES_IN]->(p) RETURN DISTINCT a },
      p.involvedPlaces = ${INVOLVED_PLACES}`;

/**
 * Recomputes the derived properties of these projects, then the aggregates (db/aggregates.ts) that
 * count them and their funding flows, and the flows named in `fundingIds`: every write path goes
 * through here after its changes, in its own transaction.
 */
export async function refreshProjects(run: Run, projectIds: string[], fundingIds: string[] = []): Promise<void> {
  for (const batch of chunks([...new Set(projectIds)], 1000)) {
    await run(`UNWIND $ids AS id MATCH (p:Project {id: id}) ${PROJECT_DERIVED}`, { ids: batch });
  }
  await refreshAggregates(run, { projectIds, fundingIds });
}
