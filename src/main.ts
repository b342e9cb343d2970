/**
 * `npm start`: the database (the managed Neo4j unless NEO4J_URI is set, supervised and restarted
 * if it dies), its schema, the seed when the database is empty, then the API and its pages.
 */
import "reflect-metadata";
import { loadConfig } from "./config/config.js";
import { connect } from "./db/database.js";
import { NewerAggregatesError } from "./db/aggregates.js";
import { migrate } from "./db/migrations.js";
import { createLogger } from "./http/logging.js";
import { startServer, type RunningServer } from "./http/server.js";
import { isEmpty, loadSeed } from "./seed/load-seed.js";
import { runCli } from "./cli/run-cli.js";
import { ensureWebBuild } from "./web/web-assets.js";

/** Waits for one part of the shutdown, but never forever: a stuck part is reported and skipped. */
async function step(what: string, work: Promise<unknown> | undefined, limitMs: number, log: (line: string) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log(`stopping ${what} took over ${limitMs / 1000}s; going on`);
      resolve();
    }, limitMs);
  });
  await Promise.race([work?.catch((err: Error) => log(`stopping ${what} failed: ${err.message}`)), timeout]);
  clearTimeout(timer);
}

runCli(async () => {
  const config = loadConfig();
  const logger = createLogger(config.server.logLevel);
  const log = (line: string) => logger.info(line);
  // Short driver retries: while the database is down, requests answer 503 within about a second.
  const connection = await connect(config.db, { log, maxRetryTimeMs: 1000, supervise: true });
  let server: RunningServer | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping...`);
    await step("the API server", server?.close(), 10_000, log);
    await step("the database connection", connection.close(), 120_000, log);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  try {
    await migrate(connection.db).catch((err: unknown) => {
      // An older release over a newer graph (a rolling deploy): serve what does not read the aggregates.
      if (!(err instanceof NewerAggregatesError)) throw err;
      log(`${err.message}; serving without the aggregate reads (AGGREGATES_STALE)`);
    });
    if (await isEmpty(connection.db)) {
      const summary = await loadSeed(connection.db);
      log(`Seeded an empty database: ${summary.nodes} nodes, ${summary.relationships} relationships.`);
    }
    await ensureWebBuild(log).catch((err: Error) => log(`the web pages (/explore/, /map/, /dashboard/) were not built: ${err.message}`));
    server = await startServer(connection.db, config.server, { log: logger });
  } catch (err) {
    await connection.close();
    throw err;
  }
  log(`coopgraph API ready: GraphQL at ${server.url}graphql, playground at ${server.url}`);
});
