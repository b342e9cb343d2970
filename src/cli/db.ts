/** `npm run db:start | db:stop | db:status`: manage the embedded Neo4j on its own. */
import { loadDatabaseConfig } from "../config/config.js";
import { readState, startManagedNeo4j, stopManagedNeo4j } from "../db/managed-neo4j.js";
import { log, runCli } from "./run-cli.js";

runCli(async () => {
  const cfg = loadDatabaseConfig();
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
      throw new Error(`usage: db.ts start|stop|status (got "${command ?? ""}")`);
  }
});
