/**
 * `npm run db:start | db:stop | db:status`: manage the embedded Neo4j on its own.
 * `npm run db:migrate`: apply the migrations and rebuild the aggregates if they are not of this
 * code's version (what `npm start` does before serving), on the managed Neo4j or NEO4J_URI's;
 * `-- --downgrade` rebuilds aggregates that a newer release wrote (otherwise refused).
 */
import { loadDatabaseConfig } from "../config/config.js";
import { connect } from "../db/database.js";
import { migrate } from "../db/migrations.js";
import { readState, startManagedNeo4j, stopManagedNeo4j } from "../db/managed-neo4j.js";
import { log, runCli } from "./run-cli.js";

runCli(async () => {
  const cfg = loadDatabaseConfig();
  if (process.argv[2] === "migrate") {
    const connection = await connect(cfg, log);
    try {
      const statements = await migrate(connection.db, log, { downgrade: process.argv.includes("--downgrade") });
      log(`Migrated: ${statements} statements applied (each idempotent), aggregates current.`);
    } finally {
      await connection.close();
    }
    return;
  }
  if (cfg.uri) {
    log(`NEO4J_URI is set (${cfg.uri}): that server is managed elsewhere, nothing to do.`);
    return;
  }
  const command = process.argv[2];
  switch (command) {
    case "start": {
      const running = await startManagedNeo4j(cfg.managed, { mode: "detached", log });
      if (running.ownedByUs) log(`Started; stop it with \`npm run db:stop\`.`);
      return;
    }
    case "stop": {
      const state = await stopManagedNeo4j(cfg.managed);
      log(state ? `Stopped Neo4j (pid ${state.pid}, port ${state.port}).` : "The managed Neo4j is not running.");
      return;
    }
    case "status": {
      const state = readState(cfg.managed);
      if (state) {
        log(`running: Neo4j ${state.version}, pid ${state.pid}, bolt://127.0.0.1:${state.port}, ${state.mode}, since ${state.startedAt}, data in ${state.home}`);
      } else {
        log(`stopped (data dir ${cfg.managed.dataDir})`);
        process.exitCode = 3;
      }
      return;
    }
    default:
      throw new Error(`usage: db.ts start|stop|status|migrate (got "${command ?? ""}")`);
  }
});
