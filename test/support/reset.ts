import type { Database } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrations.js";
import { loadSeed } from "../../src/seed/load-seed.js";
import type { TestServer } from "./api.js";

/** Back to the seed only: tests that import data leave the database as the others expect it. */
export async function resetToSeed(db: Database, ...servers: TestServer[]): Promise<void> {
  await db.runSchema("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS");
  await migrate(db);
  await loadSeed(db);
  for (const server of servers) server.referenceCache.invalidate();
}

/** Everything that identifies the graph's content, order-free: ids, relationship keys, amounts. */
export async function fingerprint(db: Database): Promise<Record<string, unknown>> {
  const [nodes] = await db.read(`MATCH (n) WHERE NOT n:GraphVersion AND NOT n:GraphChange WITH labels(n)[0] + ':' + coalesce(n.id, '') AS key ORDER BY key
    RETURN count(*) AS n, collect(key) AS keys`);
  const [rels] = await db.read(`MATCH (a)-[r]->(b) WITH type(r) + ' ' + a.id + ' ' + b.id + ' ' + coalesce(r.role, r.relation, '') AS key ORDER BY key
    RETURN count(*) AS n, collect(key) AS keys`);
  const [money] = await db.read(`MATCH (f:Funding) WITH f.id + '=' + coalesce(f.amount, 'null') + coalesce(f.currency, '') AS key ORDER BY key RETURN collect(key) AS keys`);
  return { nodes: nodes!.n, nodeKeys: nodes!.keys, rels: rels!.n, relKeys: rels!.keys, money: money!.keys };
}
