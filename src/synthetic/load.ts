/**
 * Loads the synthetic network once per database, through the importers' idempotent write path,
 * through the bulk path (CREATE-only batches in parallel transactions, for an empty database), or
 * through Neo4j's offline importer (CSV files imported while the managed Neo4j is stopped).
 */
import fs from "node:fs";
import path from "node:path";
import type { ManagedNeo4jConfig } from "../config/config.js";
import { markAggregatesStale, rebuildAggregates } from "../db/aggregates.js";
import type { Database } from "../db/database.js";
import { homeDir, runOfflineImport } from "../db/managed-neo4j.js";
import { createSchemaTogether, migrate } from "../db/migrations.js";
import { writeGraph, type GraphDocument } from "../ingest/graph-writer.js";
import { bulkWriteGraph, readPlaceIndex } from "./bulk-load.js";
import { planSynthetic, type Scale, type SyntheticPlan } from "./generate.js";
import { GraphImage, restoreEmptyLists } from "./offline-import.js";
import { streamInWorkers } from "./offline-workers.js";

export type LoadMode = "idempotent" | "bulk" | "import";
export const LOAD_MODES: readonly LoadMode[] = ["idempotent", "bulk", "import"];

/** The managed Neo4j an offline import stops, imports into and starts again. */
export interface OfflineTarget {
  config: ManagedNeo4jConfig;
  stop(): Promise<void>;
  /** Starts the server again; `db` must answer afterwards (same port). */
  start(): Promise<void>;
}

/**
 * After a bulk load (the `bulk` and `import` modes, which bypass the writer's per-write upkeep),
 * recompute the data derived from the whole graph. The loads compute the projects' own derived
 * properties themselves (participantCount, involvedPlaces); the aggregates the writer keeps by
 * delta (src/db/aggregates.ts: funding and theme tallies) are rebuilt here from scratch.
 */
export async function afterBulkLoad(db: Database, log: (line: string) => void): Promise<void> {
  // Counted in the load's time, like the rest of the load.
  await rebuildAggregates(db, log);
}

export interface LoadReport {
  loaded: boolean;
  mode: LoadMode;
  seconds: number;
  nodes: number;
  relationships: number;
  relationshipsPerSecond: number;
  /** Seconds per phase (the import mode: reading the seed, generating the CSV files, waiting for the stop, import, start, empty lists, indexes, aggregates). */
  phases?: Record<string, number>;
  /** The import mode: aggregates computed while writing the CSV files and imported, or rebuilt in the database afterwards. */
  aggregates?: "imported" | "rebuilt";
}

/** Project documents merged this many at a time for the bulk path: bigger batches, more of them in parallel. */
const BULK_DOCUMENTS_PER_WRITE = 10;

export async function loadSynthetic(
  db: Database, scale: Scale, log: (line: string) => void = () => {}, mode: LoadMode = "idempotent",
  opts: { offline?: OfflineTarget; /** The import mode: worker threads generating the CSV files (0: the main thread). */ csvWorkers?: number } = {},
): Promise<{ plan: SyntheticPlan; report: LoadReport }> {
  const plan = planSynthetic(scale);
  const [done] = await db.read("MATCH (s:Source {id: $id}) RETURN s.complete AS complete, s.loadReport AS report", { id: plan.sourceId });
  if (done?.complete) {
    const previous = JSON.parse(String(done.report)) as Partial<LoadReport> & Omit<LoadReport, "mode">;
    return { plan, report: { ...previous, mode: previous.mode ?? "idempotent", loaded: false } };
  }
  const started = Date.now();
  let nodes = 0;
  let relationships = 0;
  let phases: Record<string, number> | undefined;
  let aggregates: LoadReport["aggregates"];
  const progress = (summary: { nodes: number; relationships: number }) => {
    nodes += summary.nodes;
    relationships += summary.relationships;
    log(`  ${relationships} relationships, ${nodes} nodes (${Math.round(relationships / ((Date.now() - started) / 1000))} relationships/s, ${mode})`);
  };
  if (mode === "idempotent") {
    for (const doc of plan.documents()) {
      const summary = await writeGraph(db, doc, { batchSize: 5000 });
      if (summary.rejected.length) throw new Error(`synthetic data rejected: ${JSON.stringify(summary.rejected.slice(0, 3))}`);
      progress(summary);
    }
  } else if (mode === "import") {
    if (!opts.offline) throw new Error("the import load mode needs the managed Neo4j (NEO4J_URI unset): it stops it, imports and starts it");
    await markAggregatesStale(db);
    const imported = await importOffline(db, plan, opts.offline, log, progress, opts.csvWorkers ?? 0);
    phases = imported.phases;
    const t = Date.now();
    // The import carries the aggregates when GraphImage could compute them; otherwise rebuilt here.
    if (!imported.aggregates) await afterBulkLoad(db, log);
    aggregates = imported.aggregates ? "imported" : "rebuilt";
    phases.aggregates = (Date.now() - t) / 1000;
  } else {
    // Bulk writes bypass the per-write upkeep: a load that dies halfway must not leave tallies marked current.
    await markAggregatesStale(db);
    const [first, ...rest] = [...plan.documents()];
    // Actors and people first: the projects' involved places are computed from where they are based.
    progress(await bulkWriteGraph(db, first!, await readPlaceIndex(db)));
    const places = await readPlaceIndex(db);
    for (let i = 0; i < rest.length; i += BULK_DOCUMENTS_PER_WRITE) {
      progress(await bulkWriteGraph(db, mergeDocuments(rest.slice(i, i + BULK_DOCUMENTS_PER_WRITE)), places));
    }
    await afterBulkLoad(db, log);
  }
  const seconds = (Date.now() - started) / 1000;
  const report: LoadReport = { loaded: true, mode, seconds, nodes, relationships, relationshipsPerSecond: Math.round(relationships / seconds), ...(phases ? { phases } : {}), ...(aggregates ? { aggregates } : {}) };
  // One change record for the load: caches keyed by the write version miss, watchers hear of it.
  await db.writeTransaction((tx) => tx.run("MATCH (s:Source {id: $id}) SET s.complete = true, s.loadReport = $report", { id: plan.sourceId, report: JSON.stringify(report) }),
    { changed: [plan.sourceId] });
  return { plan, report };
}

function mergeDocuments(docs: GraphDocument[]): GraphDocument {
  return {
    sources: docs.flatMap((d) => d.sources ?? []),
    nodes: docs.flatMap((d) => d.nodes ?? []),
    relationships: docs.flatMap((d) => d.relationships ?? []),
  };
}

/**
 * The import mode: the database's graph (the seed) and the plan's documents are built in memory as
 * the idempotent path would write them, written as CSV files while Neo4j stops, imported with
 * `neo4j-admin database import full`, and the server started again; the migrations then create
 * the constraints and indexes and wait until they are online. Returns the seconds of each phase.
 */
async function importOffline(db: Database, plan: SyntheticPlan, target: OfflineTarget, log: (line: string) => void,
  progress: (summary: { nodes: number; relationships: number }) => void, csvWorkers: number): Promise<{ phases: Record<string, number>; aggregates: boolean }> {
  const phases: Record<string, number> = {};
  let t = Date.now();
  const phase = (name: string) => {
    phases[name] = (Date.now() - t) / 1000;
    t = Date.now();
  };
  const image = await GraphImage.read(db);
  phase("readSeed");
  // The server shuts down (mostly waiting on its thread pools) while the CSV files are written.
  const stopped = target.stop();
  const dir = path.join(homeDir(target.config), "import", "offline-load");
  let nodes = 0;
  let relationships = 0;
  let emptyLists: Parameters<typeof restoreEmptyLists>[1];
  let aggregates = false;
  try {
    // The first document (sources, actors, people) stays in memory: the projects refer to it. The
    // project documents go straight to the CSV files (GraphImage.stream checks that they may).
    image.openCsv(dir);
    const documents = plan.documents();
    const firstDocument = documents.next();
    if (!firstDocument.done) {
      const applied = image.apply(firstDocument.value);
      nodes += applied.nodes;
      relationships += applied.relationships;
    }
    const rest = { [Symbol.iterator]: () => documents };
    if (csvWorkers > 0) {
      const streamed = await streamInWorkers(image, rest, dir, csvWorkers);
      nodes += streamed.nodes;
      relationships += streamed.relationships;
    } else {
      for (const doc of rest) {
        const applied = image.stream(doc);
        nodes += applied.nodes;
        relationships += applied.relationships;
      }
    }
    image.deriveProjectProperties();
    aggregates = image.computeAggregates();
    const written = image.writeCsv(dir);
    emptyLists = written.emptyLists;
    phase("csv");
    log(`  ${written.spec.nodes.length + written.spec.relationships.length} CSV files in ${dir}; waiting for Neo4j to stop`);
    await stopped;
    phase("stopWait");
    await runOfflineImport(target.config, written.spec, log);
    phase("import");
  } finally {
    // Whatever failed, the CSV files go and the server comes back (with the store it has).
    await stopped.catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
    await target.start();
  }
  phase("start");
  // The indexes created first (they populate in the background) while the empty lists are given
  // back, then the constraints (a constraint's commit waits for its index), then the other
  // migrations, which wait until every index is online (no aggregates: the import carries them,
  // or loadSynthetic rebuilds them). "emptyLists" runs to the end of the restore, "indexes" from there.
  await createSchemaTogether(db, { whilePopulating: async () => {
    await restoreEmptyLists(db, emptyLists);
    phase("emptyLists");
  } });
  await migrate(db, log, { aggregates: false });
  phase("indexes");
  progress({ nodes, relationships });
  return { phases, aggregates };
}
