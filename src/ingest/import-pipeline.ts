/**
 * One import pipeline, three readers (IATI XML, the seed's JSON format, CSV nodes/edges files).
 * Records stream in, are validated (a bad record is rejected with its position and the rest goes
 * on), and are written in batches, each batch one transaction: a kill mid-import leaves no
 * half-written record, and re-running finishes the job. Unchanged records are detected by a
 * content hash and skipped, so importing the same file twice changes nothing.
 */
import fs from "node:fs";
import path from "node:path";
import { refreshAggregates, retractAggregates } from "../db/aggregates.js";
import { runRows, type Database, type Params } from "../db/database.js";
import { referenceDocument, cooperationDocument } from "./readers/seed-reader.js";
import { readCsvDocument } from "./readers/csv-reader.js";
import {
  RECORD_FIELDS, isObject, keepValid, validateNode, validateRelationship, writeGraph, writeValidRecords,
  type GraphDocument, type NodeRecord, type Rejection, type RelationshipRecord,
} from "./graph-writer.js";
import { IATI_CODELISTS_SOURCE, IATI_NAME_PREFIX, mapActivity, type MappedActivity } from "./iati/activity-mapper.js";
import { ACTOR_TYPES, type NodeType } from "../model/model.js";
import { legacyIdSlug, nameProperties, normalizeName, type Named } from "../model/names.js";
import { FieldConflict, completeUpdate } from "./partial-update.js";
import { readElements } from "./iati/xml-stream.js";
import { entitiesByIatiKey, mergedAway } from "./merges.js";
import { keptEntries, listsOf, setProvenance } from "./provenance.js";

export type ImportFormat = "iati-xml" | "json" | "csv";

export interface ImportSummary {
  file: string;
  format: ImportFormat;
  records: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: Rejection[];
  relationships: number;
  seconds: number;
}

export interface ImportProgress {
  file: string;
  records: number;
  bytesRead: number;
  bytesTotal: number;
}

export interface ImportOptions {
  dryRun?: boolean;
  /** Activities per transaction. */
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
}

export class ImportError extends Error {
  /** IATI activities committed before the import stopped (a re-run recognises and skips them); undefined when not counted. */
  committed?: number;
}

export function detectFormat(file: string): ImportFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".xml") return "iati-xml";
  if (ext === ".json") return "json";
  if (ext === ".csv") return "csv";
  throw new ImportError(`${file}: unknown format (expected .xml for IATI, .json or .csv)`);
}

export async function importFile(db: Database, file: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  if (!fs.existsSync(file)) throw new ImportError(`${file}: no such file`);
  if (fs.statSync(file).size === 0) throw new ImportError(`${file}: the file is empty`);
  const format = detectFormat(file);
  const started = Date.now();
  await ensureReferenceData(db);
  const summary: ImportSummary = { file, format, records: 0, created: 0, updated: 0, unchanged: 0, rejected: [], relationships: 0, seconds: 0 };
  if (format === "iati-xml") await importIatiResumably(db, file, opts, summary);
  else if (format === "json") await importDocument(db, file, readJsonDocument(file), opts, summary);
  else {
    const { document, rejected, unreadable } = await readCsvDocument(file);
    if (unreadable) throw new ImportError(`${file}: ${unreadable}; nothing was imported`);
    summary.rejected.push(...rejected.map((r) => ({ ...r, position: `${path.basename(file)} ${r.position}` })));
    await importDocument(db, file, document, opts, summary);
    // Rows refused while reading are records too.
    summary.records += rejected.length;
  }
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

/** Countries, regions and their sources must exist before facts can point at them. */
export async function ensureReferenceData(db: Database): Promise<void> {
  const [row] = await db.read("MATCH (c:Country {id: 'country:AR'}) RETURN count(c) AS n");
  if (Number(row?.n) > 0) return;
  const sources = (cooperationDocument().sources ?? []).filter((s) => s.kind === "reference");
  await writeGraph(db, { sources, ...referenceDocument() });
}

function readJsonDocument(file: string): GraphDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new ImportError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const lists = ["sources", "nodes", "relationships"] as const;
  if (!isObject(doc) || lists.some((k) => doc[k] !== undefined && !Array.isArray(doc[k]))) {
    throw new ImportError(`${file}: expected an object with lists "sources", "nodes" and "relationships" (the seed's format)`);
  }
  return doc as GraphDocument;
}

/**
 * IATI files are written batch by batch, so a file that breaks half-way (truncated, malformed)
 * leaves the batches before the break committed. The error says so, and that running the import
 * again after the fix resumes: committed activities are recognised by their content hash.
 */
async function importIatiResumably(db: Database, file: string, opts: ImportOptions, summary: ImportSummary): Promise<void> {
  try {
    await importIati(db, file, opts, summary);
  } catch (err) {
    const committed = opts.dryRun ? 0 : summary.created + summary.updated + summary.unchanged;
    const reason = (err as Error).message.replace(`${file}: `, "");
    const state = committed
      ? `${committed} activities were committed before the break; fix the file and re-run: they are recognised and skipped, so the import resumes`
      : "nothing was committed; fix the file and re-run";
    throw Object.assign(new ImportError(`${file}: ${reason}; ${state}`, { cause: err }), { committed });
  }
  if (summary.records === 0) throw new ImportError(`${file}: no <iati-activity> found: is this an IATI activity file?`);
}

async function importIati(db: Database, file: string, opts: ImportOptions, summary: ImportSummary): Promise<void> {
  const batchSize = opts.batchSize ?? 100;
  const bytesTotal = fs.statSync(file).size;
  let bytesRead = 0;
  if (!opts.dryRun) await writeGraph(db, { sources: [IATI_CODELISTS_SOURCE] });
  let batch: MappedActivity[] = [];
  for await (const element of readElements(file, "iati-activity", (n) => { bytesRead = n; })) {
    summary.records += 1;
    const mapped = mapSafely(element, file);
    if ("reason" in mapped) {
      summary.rejected.push(mapped);
      continue;
    }
    summary.rejected.push(...mapped.rejections);
    batch.push(mapped);
    if (batch.length >= batchSize) {
      await writeActivities(db, batch, summary, opts.dryRun ?? false);
      batch = [];
      opts.onProgress?.({ file, records: summary.records, bytesRead, bytesTotal });
    }
  }
  if (batch.length) await writeActivities(db, batch, summary, opts.dryRun ?? false);
  opts.onProgress?.({ file, records: summary.records, bytesRead: bytesTotal, bytesTotal });
}

/** A record the mapper cannot read is rejected with its line; it must not stop the import. */
function mapSafely(element: Parameters<typeof mapActivity>[0], file: string): ReturnType<typeof mapActivity> {
  try {
    return mapActivity(element, { file });
  } catch (err) {
    return { position: `${path.basename(file)} line ${element.line}`, reason: `cannot read this activity: ${(err as Error).message}` };
  }
}

/**
 * An activity placed in the graph: `projectId` is where its records go. `mergedIn`: its project was
 * merged into another one (entity resolution), whose own activity, if any, is another: this one
 * adds to that project without taking it over (see mergedInRecord), and its content hash is kept
 * on its source, since the project's is its own activity's.
 */
type PlacedActivity = MappedActivity & { adopted?: boolean; mergedIn?: boolean };

/** One transaction: classify by content hash, clear what changed activities used to state, write. */
async function writeActivities(db: Database, batch: MappedActivity[], summary: ImportSummary, dryRun: boolean): Promise<void> {
  // The same activity twice in one file: the last one wins, as a re-import would make it.
  const batchUnique = [...new Map(batch.map((a) => [a.projectId, a])).values()];
  const work = async (run: (cypher: string, params?: Params) => Promise<Record<string, unknown>[]>) => {
    const unique = await underStoredProjects(run, batchUnique);
    const rows = await run("UNWIND $ids AS id MATCH (p:Project {id: id}) RETURN p.id AS id, p.contentHash AS hash",
      { ids: unique.filter((a) => !a.mergedIn).map((a) => a.projectId) });
    const sourceRows = await run("UNWIND $ids AS id MATCH (s:Source {id: id}) RETURN s.id AS id, s.contentHash AS hash",
      { ids: unique.filter((a) => a.mergedIn).map((a) => a.sourceId) });
    const projectHashes = new Map(rows.map((r) => [r.id as string, r.hash as string | null]));
    const sourceHashes = new Map(sourceRows.map((r) => [r.id as string, r.hash as string | null]));
    const known = (a: PlacedActivity) => (a.mergedIn ? sourceHashes.get(a.sourceId) : projectHashes.get(a.projectId)) ?? null;
    // A project without a content hash is a related-activity stub (created) or one an editor wrote
    // (adopted: updated); an activity merged into another project is never created again.
    const stored = (a: PlacedActivity) => Boolean(known(a)) || a.adopted || a.mergedIn;
    const created = unique.filter((a) => !stored(a));
    const updated = unique.filter((a) => stored(a) && known(a) !== a.hash);
    const counts = { created: created.length, updated: updated.length, unchanged: unique.length - created.length - updated.length, relationships: 0 };
    if (dryRun) return { counts, rejected: [] as Rejection[], changedIds: [] as string[] };
    const named = await addAcronymsInNames(run, unique);
    const cleared = updated.length ? await clearActivityFacts(run, updated) : [];
    const doc = await remapKnownOrganisations(run, [...created, ...updated]);
    const rejected: Rejection[] = [];
    const nodes = doc.nodes.filter((n) => keepValid(validateNode(n), n.id, rejected));
    const relationships = doc.relationships.filter((r) => keepValid(validateRelationship(r), `${r.type} ${r.from} -> ${r.to}`, rejected));
    counts.relationships = await writeValidRecords(run, { sources: doc.sources, nodes, relationships }, 1000, rejected);
    const written = [...nodes.map((n) => n.id), ...relationships.flatMap((r) => [String(r.from), String(r.to)])];
    return { counts, rejected, changedIds: [...created, ...updated].map((a) => a.projectId).concat(named, cleared, written) };
  };
  const result = dryRun
    ? await work((cypher, params) => db.read(cypher, params))
    : await db.writeTransaction((tx) => work((cypher, params) => runRows(tx, cypher, params ?? {})), { changed: (r) => r.changedIds });
  summary.created += result.counts.created;
  summary.updated += result.counts.updated;
  summary.unchanged += result.counts.unchanged;
  summary.relationships += result.counts.relationships;
  summary.rejected.push(...result.rejected);
}

/**
 * Where each activity's project is, when it is not under the activity's own id:
 * - a project written before under another id with the same IATI identifier (upsertProject with an
 *   iatiIdentifier names it after its name) is the activity's project (adopted): its records are
 *   written there, not into a second project carrying the same identifier;
 * - a project merged into another (entity resolution) lives on in that one, found through the
 *   merge's record by identifier or by id (ingest/merges.ts): the activity is written into it
 *   instead of recreating the duplicate (mergedIn).
 * Related-activity stubs go the same way; a relation that now joins a project to itself is dropped.
 */
async function underStoredProjects(run: (cypher: string, params?: Params) => Promise<Record<string, unknown>[]>, activities: MappedActivity[]):
  Promise<PlacedActivity[]> {
  const projects = activities.flatMap((a) => a.nodes.filter((n) => n.type === "Project"))
    .map((n) => ({ id: n.id, identifier: (n.iatiIdentifier ?? n.createOnly?.iatiIdentifier) as string | undefined }))
    .filter((p): p is { id: string; identifier: string } => typeof p.identifier === "string");
  if (!projects.length) return activities;
  const ownIds = [...new Set(projects.map((p) => p.id))];
  const existing = new Set((await run("UNWIND $ids AS id MATCH (p:Project {id: id}) RETURN p.id AS id", { ids: ownIds })).map((r) => r.id as string));
  const elsewhere = projects.filter((p) => !existing.has(p.id));
  const byIdentifier = await entitiesByIatiKey(run, "iatiIdentifier", elsewhere.map((p) => p.identifier));
  const byId = await mergedAway(run, elsewhere.filter((p) => !byIdentifier.has(p.identifier)).map((p) => p.id));
  const placed = new Map<string, { id: string; merged: boolean }>();
  for (const p of elsewhere) {
    const found = byIdentifier.get(p.identifier) ?? (byId.has(p.id) ? { id: byId.get(p.id)!, merged: true } : undefined);
    if (found) placed.set(p.id, found);
  }
  const to = (id: string) => placed.get(id)?.id ?? id;
  const targets = [...new Set(activities.map((a) => to(a.projectId)))];
  const storedRows = await run(`UNWIND $ids AS id MATCH (p:Project {id: id})
    RETURN p.id AS id, properties(p) AS props, EXISTS { MATCH (m:MergeRecord {keep: id}) WHERE NOT m.undone } AS survivor`, { ids: targets });
  const stored = new Map(storedRows.map((r) => [r.id as string, { id: r.id as string, props: r.props as Record<string, unknown>, survivor: Boolean(r.survivor) }]));
  return activities.map((a) => {
    const place = placed.get(a.projectId);
    const target = stored.get(to(a.projectId));
    const record = (n: NodeRecord): NodeRecord => {
      if (n.id !== a.projectId) return placed.has(n.id) ? { ...n, id: to(n.id) } : n;
      if (!target) return n;
      if (place?.merged) return mergedInRecord(n, target);
      if (place) return adoptedRecord(n, target);
      // The project's own activity, on a project others were merged into: their names stay aliases.
      return target.survivor ? { ...n, aliases: union(n.aliases, target.props.aliases) } : n;
    };
    return {
      ...a,
      projectId: to(a.projectId),
      adopted: place !== undefined && !place.merged,
      mergedIn: place?.merged === true,
      nodes: a.nodes.map(record),
      relationships: a.relationships.map((r) => ({ ...r, from: to(r.from), to: to(r.to) })).filter((r) => r.from !== r.to),
    };
  });
}

const union = (...lists: unknown[]): string[] => [...new Set(lists.flatMap((l) => (Array.isArray(l) ? l.map(String) : [])))];

/**
 * The activity's project record for a project someone else wrote: what the activity states wins,
 * what it leaves out (no description, no dates) keeps the stored value, and the stored name stays
 * an alias, so that nothing the editor wrote is lost.
 */
function adoptedRecord(record: NodeRecord, stored: { id: string; props: Record<string, unknown> }): NodeRecord {
  const given = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null && v !== undefined)) as NodeRecord;
  let complete: NodeRecord = given;
  try {
    complete = completeUpdate(given, stored.props);
  } catch (err) {
    if (!(err instanceof FieldConflict)) throw err;
  }
  const storedName = typeof stored.props.name === "string" && stored.props.name !== record.name ? [stored.props.name] : [];
  return { ...complete, id: stored.id, aliases: union(complete.aliases, stored.props.aliases, storedName) };
}

/** What makes a project an activity's own: never taken from an activity merged into it. */
const OWN_FIELDS = new Set(["iatiIdentifier", "stub", "contentHash"]);
/** An activity's dates: one activity's span, taken whole or not at all. */
const ACTIVITY_DATES = new Set(["startDate", "endDate", "startYear", "endYear", "plannedStartDate", "actualStartDate", "plannedEndDate", "actualEndDate"]);

/**
 * The record of an activity whose project was merged into another: it adds to that project and
 * never overwrites it, so that two activities merged into one project do not take turns rewriting
 * it on each re-import. Its fields are written only where the project has none (its dates only
 * when the project has no dates at all: one activity's span is not mixed with another's); its
 * title, and the project's other names, stay names of the project (aliases). The project keeps its
 * own name, IATI identifier and content hash (this activity's hash is kept on its source).
 */
function mergedInRecord(record: NodeRecord, stored: { id: string; props: Record<string, unknown> }): NodeRecord {
  const has = (key: string) => stored.props[key] !== null && stored.props[key] !== undefined;
  const datesStored = [...ACTIVITY_DATES].some(has);
  const added = Object.fromEntries(Object.entries(record).filter(([key, value]) => !RECORD_FIELDS.has(key) && !OWN_FIELDS.has(key)
    && value !== null && value !== undefined && !has(key) && !(datesStored && ACTIVITY_DATES.has(key))));
  const name = typeof stored.props.name === "string" ? stored.props.name : record.name;
  const aliases = union(stored.props.aliases, record.aliases, record.name !== name ? [record.name] : []);
  const merged: NodeRecord = { ...added, id: stored.id, type: record.type, sources: record.sources, name, aliases };
  try {
    return completeUpdate(merged, stored.props);
  } catch (err) {
    if (!(err instanceof FieldConflict)) throw err;
    return completeUpdate(Object.fromEntries(Object.entries(merged).filter(([key]) => !ACTIVITY_DATES.has(key))) as NodeRecord, stored.props);
  }
}

/** What an updated activity stated before: its funding flows, and its share of relationships. */
async function clearActivityFacts(run: (cypher: string, params?: Params) => Promise<Record<string, unknown>[]>, activities: MappedActivity[]) {
  const rows = activities.map((a) => ({ id: a.projectId, source: a.sourceId }));
  const [doomed] = await run(`UNWIND $rows AS row
    MATCH (:Project {id: row.id})<-[:FUNDS]-(f:Funding) WHERE f.sourceIds = [row.source]
    OPTIONAL MATCH (f)-[:FUNDED|RECEIVED_BY]-(a:Actor)
    RETURN collect(DISTINCT f.id) AS ids, collect(DISTINCT a.id) AS actors`, { rows });
  // Out of the aggregates before they go (what a flow contributed is stored on it).
  await retractAggregates(run, { fundingIds: (doomed?.ids as string[] | undefined) ?? [] });
  await run(`UNWIND $rows AS row
    MATCH (:Project {id: row.id})<-[:FUNDS]-(f:Funding) WHERE f.sourceIds = [row.source]
    DETACH DELETE f`, { rows });
  // Flows that other sources state too stay, but may lose their link to this project below: they
  // are recounted once it is gone, or they would keep counting in this project's places.
  const [unlinked] = await run(`UNWIND $rows AS row
    MATCH (:Project {id: row.id})<-[r:FUNDS]-(f:Funding) WHERE all(s IN r.sourceIds WHERE s = row.source)
    RETURN collect(DISTINCT f.id) AS ids`, { rows });
  const [cut] = await run(`UNWIND $rows AS row
    MATCH (:Project {id: row.id})-[r]-(other) WHERE all(s IN r.sourceIds WHERE s = row.source)
    DELETE r
    RETURN collect(DISTINCT other.id) AS ids`, { rows });
  await run(`UNWIND $rows AS row
    MATCH (:Project {id: row.id})-[r]-() WHERE row.source IN r.sourceIds
    SET ${setProvenance("r", keptEntries(listsOf("r"), "[row.source]"))}`, { rows });
  await refreshAggregates(run, { fundingIds: (unlinked?.ids as string[] | undefined) ?? [] });
  // What the activity no longer states is touched too: subscribers to a former partner hear of it.
  return [doomed?.ids, doomed?.actors, cut?.ids].flatMap((ids) => (ids as string[] | undefined) ?? []);
}

/**
 * Organisations are matched by IATI ref: XM-DAC-41114 is the seed's organization:undp, not a copy.
 * Known ones keep their node (no record written); relationships are pointed at them. One without a
 * ref whose long name was imported under the id of its name cut at 80 characters (before names got
 * a digest) keeps that node when its name is the one stored there.
 */
async function remapKnownOrganisations(
  run: (cypher: string, params?: Params) => Promise<Record<string, unknown>[]>,
  activities: PlacedActivity[],
): Promise<{ sources: MappedActivity["sources"]; nodes: NodeRecord[]; relationships: RelationshipRecord[] }> {
  const mergedIn = new Set<NodeRecord>();
  const nodes = activities.flatMap((a) => a.nodes.map((n) => {
    if (n.id !== a.projectId) return n;
    if (!a.mergedIn) return { ...n, contentHash: a.hash };
    mergedIn.add(n);
    return n;
  }));
  const renamed = await knownOrganisations(run, nodes);
  const to = (id: string) => renamed.get(id) ?? id;
  // One record per node; a full record beats a stub (another activity's related-activity target),
  // and a project's own activity beats one merged into it.
  const unique = new Map<string, NodeRecord>();
  for (const node of nodes) {
    if (renamed.has(node.id)) continue;
    const current = unique.get(node.id);
    if (!current || (current.createOnly && !node.createOnly) || (mergedIn.has(current) && !node.createOnly && !mergedIn.has(node))) unique.set(node.id, node);
  }
  return {
    sources: activities.flatMap((a) => a.sources.map((source) => (a.mergedIn && source.id === a.sourceId ? { ...source, contentHash: a.hash } : source))),
    nodes: [...unique.values()],
    relationships: activities.flatMap((a) => a.relationships).map((r) => ({ ...r, from: to(r.from), to: to(r.to) })),
  };
}

/** The organisations of these records that are stored under another id: the id each is written under. */
async function knownOrganisations(run: (cypher: string, params?: Params) => Promise<Record<string, unknown>[]>, nodes: NodeRecord[]): Promise<Map<string, string>> {
  // By ref: the actor that has it, or the one an actor that had it was merged into.
  const refs = nodes.map((n) => n.iatiRef as string | undefined).filter((r): r is string => !!r);
  const byRef = await entitiesByIatiKey(run, "iatiRef", refs);
  const renamed = new Map<string, string>();
  for (const node of nodes) {
    const existing = node.iatiRef ? byRef.get(node.iatiRef as string)?.id : undefined;
    if (existing && existing !== node.id) renamed.set(node.id, existing);
  }
  for (const [id, legacy] of await legacyNameIds(run, nodes)) renamed.set(id, legacy);
  const actors = nodes.filter((n) => ACTOR_TYPES.has(n.type as NodeType)).map((n) => renamed.get(n.id) ?? n.id);
  // Actors merged away (entity resolution) live on in the actor they were merged into: an activity
  // naming one again is pointed there, instead of bringing back the duplicate the judgements hide.
  for (const [id, kept] of await mergedAway(run, actors)) {
    for (const node of nodes) if ((renamed.get(node.id) ?? node.id) === id) renamed.set(node.id, kept);
  }
  return renamed;
}

/**
 * The acronyms publishers write into organisations' names ("World Health Organization (WHO)",
 * mapped by acronymsInName) are added to the organisations already stored, on every import of an
 * activity naming them (unchanged ones too): an organisation created before its name gave
 * acronyms (round 12) gets them, and the acronyms an editor gave it stay. Returns the actors changed.
 */
async function addAcronymsInNames(run: (cypher: string, params?: Params) => Promise<Record<string, unknown>[]>, activities: MappedActivity[]): Promise<string[]> {
  const organisations = activities.flatMap((a) => a.nodes).filter((n) => ACTOR_TYPES.has(n.type as NodeType) && Array.isArray(n.createOnly?.acronyms));
  if (!organisations.length) return [];
  const renamed = await knownOrganisations(run, organisations);
  const acronyms = new Map<string, string[]>();
  for (const node of organisations) {
    const id = renamed.get(node.id) ?? node.id;
    acronyms.set(id, [...new Set([...(acronyms.get(id) ?? []), ...(node.createOnly!.acronyms as string[])])]);
  }
  const rows = await run(`UNWIND $ids AS id MATCH (a:Actor {id: id})
    RETURN a.id AS id, a.name AS name, a.officialName AS officialName, a.nameEs AS nameEs, a.code AS code, a.acronyms AS acronyms, a.aliases AS aliases`,
  { ids: [...acronyms.keys()] });
  const changed = rows.flatMap((row) => {
    const stored = (row.acronyms as string[] | null) ?? [];
    const added = acronyms.get(row.id as string)!.filter((a) => !stored.includes(a));
    if (!added.length || typeof row.name !== "string") return [];
    const entity = { ...row, name: row.name, acronyms: [...stored, ...added] } as Named;
    return [{ id: row.id as string, acronyms: entity.acronyms, names: nameProperties(entity).names }];
  });
  if (changed.length) await run("UNWIND $rows AS row MATCH (a:Actor {id: row.id}) SET a.acronyms = row.acronyms, a.names = row.names", { rows: changed });
  return changed.map((c) => c.id);
}

/** Organisations known by name whose node was written under the legacy (cut) id of the same name, there or merged away since. */
async function legacyNameIds(run: (cypher: string, params?: Params) => Promise<Record<string, unknown>[]>, nodes: NodeRecord[]): Promise<Map<string, string>> {
  // Names whose cut ids collide are exactly the ones digests tell apart: several per old id.
  const candidates = new Map<string, { id: string; name: string }[]>();
  for (const node of nodes) {
    const name = node.createOnly?.name;
    if (!node.id.startsWith(IATI_NAME_PREFIX) || typeof name !== "string") continue;
    const legacy = `${IATI_NAME_PREFIX}${legacyIdSlug(name)}`;
    if (legacy !== node.id) candidates.set(legacy, [...(candidates.get(legacy) ?? []), { id: node.id, name }]);
  }
  if (!candidates.size) return new Map();
  // An organisation merged away under its old id is known by the name its merge record keeps: the
  // old id then leads to the organisation it was merged into (mergedAway).
  const rows = await run(`UNWIND $ids AS id
    OPTIONAL MATCH (o:Actor {id: id}) WHERE o:Organization
    RETURN id, o.name AS name,
      COLLECT { MATCH (m:MergeRecord {removed: id}) WHERE o IS NULL AND NOT m.undone RETURN m.removedProps AS props ORDER BY m.at DESC, m.seq DESC LIMIT 1 }[0] AS mergedProps`,
  { ids: [...candidates.keys()] });
  const kept = new Map<string, string>();
  for (const row of rows) {
    const name = row.name ?? (typeof row.mergedProps === "string" ? (JSON.parse(row.mergedProps) as { name?: unknown }).name : null);
    const stored = typeof name === "string" ? normalizeName(name) : null;
    for (const candidate of candidates.get(row.id as string)!) {
      if (normalizeName(candidate.name) === stored) kept.set(candidate.id, row.id as string);
    }
  }
  return kept;
}

/** JSON and CSV documents: nodes classified by id and content, then written in one transaction. */
async function importDocument(db: Database, file: string, doc: GraphDocument, opts: ImportOptions, summary: ImportSummary) {
  const nodes = doc.nodes ?? [];
  summary.records = nodes.length + (doc.relationships ?? []).length;
  const rows = await db.read("UNWIND $ids AS id CALL (id) { OPTIONAL MATCH (n {id: id}) WHERE n:Actor OR n:Project OR n:Event OR n:Theme OR n:Country OR n:Region OR n:Funding RETURN n LIMIT 1 } RETURN id, n IS NOT NULL AS exists, properties(n) AS props",
    { ids: nodes.map((n) => n?.id ?? null) });
  const existing = new Map(rows.map((r) => [r.id as string, r]));
  // Rejected records are counted as rejected only, not as created or updated; a record of a stored
  // node is compared as it will be written (the fields it leaves out kept: partial-update.ts).
  for (const [i, node] of nodes.entries()) {
    if (validateNode(node) !== null) continue;
    const row = existing.get(node.id);
    const stored = (row?.exists ? row.props : {}) as Record<string, unknown>;
    let complete: NodeRecord;
    try {
      complete = completeUpdate(node, stored);
    } catch (err) {
      if (!(err instanceof FieldConflict)) throw err;
      // The writer rejects it by position; a dry run writes nothing, so it is said here.
      if (opts.dryRun) summary.rejected.push({ position: `${path.basename(file)} nodes[${i}] (${node.id})`, reason: err.message });
      continue;
    }
    if (!row?.exists) summary.created += 1;
    else if (sameProperties(complete, stored)) summary.unchanged += 1;
    else summary.updated += 1;
  }
  const result = await writeGraph(db, doc, { dryRun: opts.dryRun, partialUpdates: true });
  summary.relationships = result.relationships;
  summary.rejected.push(...result.rejected.map((r) => ({ ...r, position: `${path.basename(file)} ${r.position}` })));
  opts.onProgress?.({ file, records: summary.records, bytesRead: 1, bytesTotal: 1 });
}

function sameProperties(record: NodeRecord, stored: Record<string, unknown>): boolean {
  return Object.entries(record).every(([key, value]) => {
    if (RECORD_FIELDS.has(key)) return true;
    return JSON.stringify(value ?? null) === JSON.stringify(stored[key] ?? null);
  });
}
