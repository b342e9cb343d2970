import "reflect-metadata";
import { loadDatabaseConfig } from "../src/config/config.js";
import { connect, runRows } from "../src/db/database.js";
import { migrate } from "../src/db/migrations.js";
import { loadSeed } from "../src/seed/load-seed.js";
import { planSynthetic } from "../src/synthetic/generate.js";
import { writeValidRecords } from "../src/ingest/graph-writer.js";
const c = await connect({ ...loadDatabaseConfig(), uri: "bolt://127.0.0.1:7687" });
await c.db.runSchema("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS");
if (process.env.NOFT) await c.db.runSchema("DROP INDEX entity_names IF EXISTS"); else await migrate(c.db);
await loadSeed(c.db);
let i = 0;
for (const doc of planSynthetic("M").documents()) {
  if (i++ > 4) break;
  const t0 = Date.now(); let inStatements = 0;
  await c.db.writeTransaction(async (tx) => {
    const run = async (q: string, p: any) => { const t = Date.now(); const r = await runRows(tx, q, p); inStatements += Date.now() - t; if (process.env.DETAIL) console.log("   ", Date.now() - t, (p.rows ?? p.ids ?? []).length, q.replace(/\s+/g, " ").slice(0, 80)); return r; };
    await writeValidRecords(run, { sources: doc.sources ?? [], nodes: doc.nodes ?? [], relationships: doc.relationships ?? [] }, 5000, []);
  });
  console.log("rels", doc.relationships?.length, "tx", Date.now() - t0, "ms, statements", inStatements, "ms");
}
await c.close();
