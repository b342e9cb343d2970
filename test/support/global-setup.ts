/**
 * Starts the real Neo4j the tests talk to (the project's managed one, in its own data dir and
 * port, so a developer's instance is never touched), wipes it, migrates and seeds it.
 * Set NEO4J_TEST_URI to run the tests against an existing server instead: it will be wiped.
 */
import path from "node:path";
import type { TestProject } from "vitest/node";
import neo4j from "neo4j-driver";
import { PROJECT_ROOT, loadDatabaseConfig } from "../../src/config/config.js";
import { Database } from "../../src/db/database.js";
import { startManagedNeo4j, type RunningNeo4j } from "../../src/db/managed-neo4j.js";
import { migrate } from "../../src/db/migrations.js";
import { loadSeed } from "../../src/seed/load-seed.js";

export const TEST_DATA_DIR = path.join(PROJECT_ROOT, ".coopgraph", "test");
/** COOPGRAPH_TEST_BOLT_PORT lets two checkouts run their tests side by side. */
export const TEST_BOLT_PORT = Number(process.env.COOPGRAPH_TEST_BOLT_PORT || 17687);

let managed: RunningNeo4j | undefined;

export default async function setup(project: TestProject) {
  let uri = process.env.NEO4J_TEST_URI;
  if (!uri) {
    const cfg = loadDatabaseConfig({ COOPGRAPH_DATA_DIR: TEST_DATA_DIR, NEO4J_BOLT_PORT: String(TEST_BOLT_PORT), NEO4J_HEAP: "768m", NEO4J_PAGECACHE: "256m" });
    managed = await startManagedNeo4j(cfg.managed, { mode: "attached", log: (l) => console.log(`[test neo4j] ${l}`) });
    uri = managed.uri;
  }
  const auth = process.env.NEO4J_TEST_PASSWORD ? neo4j.auth.basic(process.env.NEO4J_TEST_USER ?? "neo4j", process.env.NEO4J_TEST_PASSWORD) : undefined;
  const db = new Database(neo4j.driver(uri, auth, { disableLosslessIntegers: true }), process.env.NEO4J_TEST_DATABASE);
  try {
    await db.runSchema("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS");
    await migrate(db);
    const summary = await loadSeed(db);
    if (summary.rejected.length) throw new Error(`seed rejected records: ${JSON.stringify(summary.rejected)}`);
  } finally {
    await db.close();
  }
  project.provide("neo4jUri", uri);
  return async () => {
    await managed?.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    neo4jUri: string;
  }
}
