/**
 * Bulk loading of graph documents whose nodes are all new (a fresh synthetic network, a first
 * import of a large set): CREATE-only `UNWIND` batches, in parallel transactions over disjoint
 * partitions, instead of the idempotent MERGE path that must look for what already exists.
 *
 * It writes the same graph as the idempotent path (the benchmark compares fingerprints): the same
 * node and relationship rows (`nodeRow`, `relationshipRow`), duplicates in a document collapsed
 * as MERGE would collapse them, and the projects' derived properties (participantCount,
 * involvedPlaces) computed here from the document and the places already in the database.
 *
 * Nodes that exist already, and relationships between two nodes that existed before, go through
 * the idempotent path (they may exist); all others are new and are created.
 * Assumed, as for synthetic data and IATI activities: a new project's participations and places
 * come in the same document as the project.
 */
import type { Database, Row } from "../db/database.js";
import { chunks, runRows } from "../db/database.js";
import { NODE_TYPES, nodeTypeOfId, type KeyLabel, type NodeType, type RelationshipType, RELATIONSHIP_TYPES } from "../model/model.js";
import {
  nodeRow, relationshipRow, assertValidDocument, writeGraph, STUB_LABEL_FOLLOWS,
  type GraphDocument, type NodeRecord, type RelationshipRecord, type WriteSummary,
} from "../ingest/graph-writer.js";
import { groupBy } from "../model/collections.js";

export interface BulkOptions {
  /** Transactions in flight at once. */
  concurrency?: number;
  /** Rows per UNWIND statement (one transaction each). */
  batchSize?: number;
}

/** Where each existing actor is based and what contains each place: what involvedPlaces is made of. */
interface PlaceIndex {
  actorCountries: Map<string, string[]>;
  /** A place and every region containing it. */
  placeAndAbove: Map<string, string[]>;
}

export async function readPlaceIndex(db: Database): Promise<PlaceIndex> {
  const actors = await db.read("MATCH (a:Actor)-[:BASED_IN]->(c:Country) RETURN a.id AS actor, collect(c.id) AS countries");
  const places = await db.read(`MATCH (x) WHERE x:Country OR x:Region
    RETURN x.id AS place, [x.id] + [(x)-[:IN_REGION*1..4]->(r) | r.id] AS above`);
  return {
    actorCountries: new Map(actors.map((r) => [String(r.actor), r.countries as string[]])),
    placeAndAbove: new Map(places.map((r) => [String(r.place), r.above as string[]])),
  };
}

function relationshipKey(r: RelationshipRecord): string {
  const keys = (RELATIONSHIP_TYPES[r.type as RelationshipType].keys as readonly string[]).map((k) => String(r[k]));
  return `${r.type}|${r.from}|${r.to}|${keys.join("|")}`;
}

/** participantCount and involvedPlaces of the document's new projects, as PROJECT_DERIVED computes them. */
function derivedProperties(doc: { nodes: NodeRecord[]; relationships: RelationshipRecord[] }, places: PlaceIndex) {
  const derived = new Map<string, { participants: Set<string>; places: Set<string> }>();
  for (const n of doc.nodes) if (n.type === "Project") derived.set(n.id, { participants: new Set(), places: new Set() });
  for (const r of doc.relationships) {
    if (r.type === "PARTICIPATES_IN") {
      const d = derived.get(r.to);
      if (!d) continue;
      d.participants.add(r.from);
      for (const c of places.actorCountries.get(r.from) ?? []) for (const x of places.placeAndAbove.get(c) ?? []) d.places.add(x);
    } else if (r.type === "TAKES_PLACE_IN") {
      const d = derived.get(r.from);
      for (const x of places.placeAndAbove.get(r.to) ?? []) d?.places.add(x);
    }
  }
  return derived;
}

function createNodesCypher(type: NodeType): string {
  const { key, labels } = NODE_TYPES[type];
  const all = [key, ...labels.filter((l) => l !== key)].join(":");
  return `UNWIND $rows AS row
    CREATE (x:${all})
    SET x += row.createProps, x.id = row.id, x.sourceIds = row.sourceIds, x.quotes = row.quotes
    SET x += row.props, x += row.derived${key === "Project" ? STUB_LABEL_FOLLOWS("x") : ""}`;
}

function createRelationshipsCypher(type: RelationshipType, from: KeyLabel, to: KeyLabel): string {
  return `UNWIND $rows AS row
    MATCH (a:${from} {id: row.from})
    MATCH (b:${to} {id: row.to})
    CREATE (a)-[x:${type}]->(b)
    SET x += row.keys, x.sourceIds = row.sourceIds, x.quotes = row.quotes
    SET x += row.props`;
}

/** Runs the jobs `concurrency` at a time; each job is one write transaction. */
async function inParallel(jobs: (() => Promise<unknown>)[], concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, async () => {
    while (next < jobs.length) await jobs[next++]!();
  }));
}


/**
 * Bulk-writes one document of new nodes. Nodes first (parallel batches per type), then
 * relationships partitioned by their new end so that no two transactions write the same new node's
 * relationships (hubs are shared: Neo4j's relationship-group locks let them be written concurrently,
 * and a deadlock, if any, is retried by the driver).
 */
export async function bulkWriteGraph(db: Database, doc: GraphDocument, places: PlaceIndex, opts: BulkOptions = {}): Promise<WriteSummary> {
  const concurrency = opts.concurrency ?? 4;
  const batchSize = opts.batchSize ?? 10_000;
  const nodes = doc.nodes ?? [];
  const relationships = doc.relationships ?? [];
  assertValidDocument(doc, "bulk load");
  // Nodes that exist already (a synthetic theme the seed has too) and relationships between two
  // such nodes go through the idempotent path; everything else is new and is created.
  const existing = await existingIds(db, nodes);
  const oldNodes = nodes.filter((n) => existing.has(n.id));
  const newNodes = nodes.filter((n) => !existing.has(n.id));
  const newIds = new Set(newNodes.map((n) => n.id));
  const betweenOld = relationships.filter((r) => !newIds.has(r.from) && !newIds.has(r.to));
  if (oldNodes.length || doc.sources?.length) await writeIdempotent(db, { sources: doc.sources ?? [], nodes: oldNodes });
  const unique = new Map<string, RelationshipRecord>();
  for (const r of relationships) if (newIds.has(r.from) || newIds.has(r.to)) unique.set(relationshipKey(r), r);
  const derived = derivedProperties({ nodes: newNodes, relationships: [...unique.values()] }, places);

  const run = (cypher: string, rows: unknown[]) => () => db.writeTransaction((tx) => runRows(tx, cypher, { rows }));
  const nodeJobs: (() => Promise<Row[]>)[] = [];
  for (const [type, group] of groupBy(newNodes, (n) => n.type)) {
    const cypher = createNodesCypher(type as NodeType);
    const rows = group.map((n) => {
      const d = derived.get(n.id);
      return { ...nodeRow(n), derived: d ? { participantCount: d.participants.size, involvedPlaces: [...d.places].sort() } : {} };
    });
    for (const batch of chunks(rows, batchSize)) nodeJobs.push(run(cypher, batch));
  }
  await inParallel(nodeJobs, concurrency);

  const relJobs: (() => Promise<Row[]>)[] = [];
  for (const [shape, group] of groupBy([...unique.values()], (r) => `${r.type}|${NODE_TYPES[nodeTypeOfId(r.from)!].key}|${NODE_TYPES[nodeTypeOfId(r.to)!].key}`)) {
    const [type, from, to] = shape.split("|") as [RelationshipType, KeyLabel, KeyLabel];
    const cypher = createRelationshipsCypher(type, from, to);
    // Sorted by the new end: each batch holds whole neighbourhoods of new nodes, disjoint from the others'.
    const rows = group.map(relationshipRow).sort((a, b) => partitionKey(a, newIds).localeCompare(partitionKey(b, newIds)));
    for (const batch of chunks(rows, batchSize)) relJobs.push(run(cypher, batch));
  }
  await inParallel(relJobs, concurrency);

  const idempotent = betweenOld.length ? await writeIdempotent(db, { relationships: betweenOld }) : 0;
  return { sources: doc.sources?.length ?? 0, nodes: nodes.length, relationships: unique.size + idempotent, rejected: [] };
}

async function writeIdempotent(db: Database, doc: GraphDocument): Promise<number> {
  const summary = await writeGraph(db, doc, { batchSize: 5000 });
  if (summary.rejected.length) throw new Error(`bulk load: ${JSON.stringify(summary.rejected.slice(0, 3))}`);
  return summary.relationships;
}

const partitionKey = (r: { from: string; to: string }, newIds: Set<string>) => (newIds.has(r.from) ? r.from : r.to);

async function existingIds(db: Database, nodes: NodeRecord[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const [type, group] of groupBy(nodes, (n) => n.type)) {
    const key = NODE_TYPES[type as NodeType].key;
    const [row] = await db.read(`UNWIND $ids AS id MATCH (n:${key} {id: id}) RETURN collect(n.id) AS found`, { ids: group.map((n) => n.id) });
    for (const id of (row?.found as string[] | undefined) ?? []) found.add(id);
  }
  return found;
}

