import neo4j from "neo4j-driver";
import { inject } from "vitest";
import { Database } from "../../src/db/database.js";

/** A Database on the test Neo4j (started by global-setup). Close it in afterAll. */
export function testDatabase(): Database {
  const auth = process.env.NEO4J_TEST_PASSWORD ? neo4j.auth.basic(process.env.NEO4J_TEST_USER ?? "neo4j", process.env.NEO4J_TEST_PASSWORD) : undefined;
  return new Database(neo4j.driver(inject("neo4jUri"), auth, { disableLosslessIntegers: true }), process.env.NEO4J_TEST_DATABASE);
}

/** Counts of nodes and relationships per label/type, for "twice changes nothing" checks. */
export async function graphCounts(db: Database): Promise<Record<string, number>> {
  // The write version and its change records are bookkeeping, not content (src/db/graph-version.ts).
  const nodes = await db.read("MATCH (n) WHERE NOT n:GraphVersion AND NOT n:GraphChange UNWIND labels(n) AS label RETURN label AS key, count(*) AS n");
  const rels = await db.read("MATCH ()-[r]->() RETURN type(r) AS key, count(*) AS n");
  return Object.fromEntries([...nodes, ...rels].map((r) => [String(r.key), Number(r.n)]));
}
