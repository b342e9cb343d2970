/**
 * Loads the reviewable seed data in seed/ (the document's facts and the reference lists of
 * countries and regions) through the same batched write path as the importers.
 */
import type { Database } from "../db/database.js";
import { writeGraph, type WriteSummary } from "../ingest/graph-writer.js";
import { cooperationDocument, referenceDocument } from "../ingest/readers/seed-reader.js";

export async function loadSeed(db: Database): Promise<WriteSummary> {
  const seed = cooperationDocument();
  const reference = referenceDocument();
  // Sources first (the reference sources live in cooperation.json), then places, then the facts.
  const first = await writeGraph(db, { sources: seed.sources, ...reference });
  const second = await writeGraph(db, { nodes: seed.nodes, relationships: seed.relationships });
  return {
    sources: first.sources,
    nodes: first.nodes + second.nodes,
    relationships: first.relationships + second.relationships,
    rejected: [...first.rejected, ...second.rejected],
  };
}

/** True when the database holds no cooperation data yet (then `npm start` seeds it). */
export async function isEmpty(db: Database): Promise<boolean> {
  const [row] = await db.read("MATCH (s:Source) RETURN count(s) > 0 AS seeded");
  return !row?.seeded;
}
