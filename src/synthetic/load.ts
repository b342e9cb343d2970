/** Loads the synthetic network through the importers' batched write path, once per database. */
import type { Database } from "../db/database.js";
import { writeGraph } from "../ingest/graph-writer.js";
import { planSynthetic, type Scale, type SyntheticPlan } from "./generate.js";

export interface LoadReport {
  loaded: boolean;
  seconds: number;
  nodes: number;
  relationships: number;
  relationshipsPerSecond: number;
}

export async function loadSynthetic(db: Database, scale: Scale, log: (line: string) => void = () => {}): Promise<{ plan: SyntheticPlan; report: LoadReport }> {
  const plan = planSynthetic(scale);
  const [done] = await db.read("MATCH (s:Source {id: $id}) RETURN s.complete AS complete, s.loadReport AS report", { id: plan.sourceId });
  if (done?.complete) return { plan, report: { ...(JSON.parse(String(done.report)) as LoadReport), loaded: false } };
  const started = Date.now();
  let nodes = 0;
  let relationships = 0;
  for (const doc of plan.documents()) {
    const summary = await writeGraph(db, doc, { batchSize: 5000 });
    if (summary.rejected.length) throw new Error(`synthetic data rejected: ${JSON.stringify(summary.rejected.slice(0, 3))}`);
    nodes += summary.nodes;
    relationships += summary.relationships;
    const seconds = (Date.now() - started) / 1000;
    log(`  ${relationships} relationships, ${nodes} nodes (${Math.round(relationships / seconds)} relationships/s)`);
  }
  const seconds = (Date.now() - started) / 1000;
  const report: LoadReport = { loaded: true, seconds, nodes, relationships, relationshipsPerSecond: Math.round(relationships / seconds) };
  await db.write("MATCH (s:Source {id: $id}) SET s.complete = true, s.loadReport = $report", { id: plan.sourceId, report: JSON.stringify(report) });
  return { plan, report };
}
