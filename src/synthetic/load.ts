/**
 * Loads the synthetic network once per database, through the importers' idempotent write path or
 * through the bulk path (CREATE-only batches in parallel transactions, for an empty database).
 */
import { rebuildAggregates } from "../db/aggregates.js";
import type { Database } from "../db/database.js";
import { writeGraph, type GraphDocument } from "../ingest/graph-writer.js";
import { bulkWriteGraph, readPlaceIndex } from "./bulk-load.js";
import { planSynthetic, type Scale, type SyntheticPlan } from "./generate.js";

export type LoadMode = "idempotent" | "bulk";

export interface LoadReport {
  loaded: boolean;
  mode: LoadMode;
  seconds: number;
  nodes: number;
  relationships: number;
  relationshipsPerSecond: number;
}

/** Project documents merged this many at a time for the bulk path: bigger batches, more of them in parallel. */
const BULK_DOCUMENTS_PER_WRITE = 10;

export async function loadSynthetic(db: Database, scale: Scale, log: (line: string) => void = () => {}, mode: LoadMode = "idempotent"): Promise<{ plan: SyntheticPlan; report: LoadReport }> {
  const plan = planSynthetic(scale);
  const [done] = await db.read("MATCH (s:Source {id: $id}) RETURN s.complete AS complete, s.loadReport AS report", { id: plan.sourceId });
  if (done?.complete) {
    const previous = JSON.parse(String(done.report)) as Partial<LoadReport> & Omit<LoadReport, "mode">;
    return { plan, report: { ...previous, mode: previous.mode ?? "idempotent", loaded: false } };
  }
  const started = Date.now();
  let nodes = 0;
  let relationships = 0;
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
  } else {
    const [first, ...rest] = [...plan.documents()];
    // Actors and people first: the projects' involved places are computed from where they are based.
    progress(await bulkWriteGraph(db, first!, await readPlaceIndex(db)));
    const places = await readPlaceIndex(db);
    for (let i = 0; i < rest.length; i += BULK_DOCUMENTS_PER_WRITE) {
      progress(await bulkWriteGraph(db, mergeDocuments(rest.slice(i, i + BULK_DOCUMENTS_PER_WRITE)), places));
    }
    // The bulk path writes no aggregates: they are computed once, from scratch, at the end (counted in the load's time).
    await rebuildAggregates(db, log);
  }
  const seconds = (Date.now() - started) / 1000;
  const report: LoadReport = { loaded: true, mode, seconds, nodes, relationships, relationshipsPerSecond: Math.round(relationships / seconds) };
  await db.write("MATCH (s:Source {id: $id}) SET s.complete = true, s.loadReport = $report", { id: plan.sourceId, report: JSON.stringify(report) });
  return { plan, report };
}

function mergeDocuments(docs: GraphDocument[]): GraphDocument {
  return {
    sources: docs.flatMap((d) => d.sources ?? []),
    nodes: docs.flatMap((d) => d.nodes ?? []),
    relationships: docs.flatMap((d) => d.relationships ?? []),
  };
}
