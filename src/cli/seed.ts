/** `npm run seed`: applies the migrations and loads seed/ idempotently (twice changes nothing). */
import { loadDatabaseConfig } from "../config/config.js";
import { connect } from "../db/database.js";
import { migrate } from "../db/migrations.js";
import { loadSeed } from "../seed/load-seed.js";
import { log, runCli } from "./run-cli.js";

runCli(async () => {
  const connection = await connect(loadDatabaseConfig(), log);
  try {
    await migrate(connection.db);
    const summary = await loadSeed(connection.db);
    log(`Seeded: ${summary.sources} sources, ${summary.nodes} nodes, ${summary.relationships} relationships written.`);
    for (const r of summary.rejected) log(`rejected ${r.position}: ${r.reason}`);
    if (summary.rejected.length) process.exitCode = 1;
  } finally {
    await connection.close();
  }
});
