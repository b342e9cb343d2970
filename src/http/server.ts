/**
 * The HTTP side: Fastify with Apollo's Fastify integration. Routes:
 *   POST /graphql, GET /graphql     GraphQL over HTTP (GET for queries only)
 *   GET  /  and GET /graphql from a browser   the offline GraphiQL playground (+ /playground/* assets)
 *   GET  /health/live               the process answers (orchestrators' liveness probe)
 *   GET  /health/ready, /health     the database answers too (readiness probe)
 *   GET  /export                    a filtered network as GraphML, GEXF or CSV, streamed
 * Around them: a pino request log (one line per request), security headers, CORS, compression,
 * a body limit answered with 413, per-key and per-address rate limits, and errors that always
 * carry `extensions.code`.
 */
import type { KeyValueCache } from "@apollo/utils.keyvaluecache";
import { randomUUID } from "node:crypto";
import fastifyApollo, { fastifyApolloDrainPlugin } from "@as-integrations/fastify";
import compress from "@fastify/compress";
import cors from "@fastify/cors";
import helmet from "helmet";
import type { ApolloServer } from "@apollo/server";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { ServerConfig } from "../config/config.js";
import type { Database } from "../db/database.js";
import { ApiKeys } from "../auth/roles.js";
import { createApolloServer } from "../graphql/apollo.js";
import { readManifest, type Manifest } from "../graphql/persisted-operations.js";
import type { JitExecutor, JitOptions } from "../graphql/jit-executor.js";
import { GraphWorkers } from "../domain/analytics/graph-workers.js";
import { ReferenceCache } from "../domain/references/reference.repository.js";
import type { Context } from "../graphql/context.js";
import { createLogger, type Logger } from "./logging.js";
import { registerErrorHandlers } from "./http-errors.js";
import { registerRateLimit } from "./rate-limit.js";
import { graphqlContextFor, registerGraphQLStatus, registerRequestLog, registerServerTiming } from "./request-context.js";
import { BOOKMARK_HEADER, BookmarkSigner, registerBookmarks } from "./bookmarks.js";
import { GraphWatcher } from "../db/graph-watcher.js";
import { registerHealth } from "./health.js";
import { registerExport } from "./export-route.js";
import { registerPages } from "./pages.js";
import { registerSubscriptions } from "./subscriptions.js";
import { buildCoopgraphSchema } from "../graphql/schema.js";

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  close(): Promise<void>;
}

export interface ServerOptions {
  log?: Logger;
  /** Reference resolutions kept between requests; writes invalidate it after they commit. */
  referenceCache?: ReferenceCache;
  /** The allowlist for persistedOnly (default: operations/registered.json). */
  manifest?: Manifest;
  /** Test seam: called with each GraphQL request's context (query counts, queries run). */
  onContext?: (ctx: Context) => void;
  /** With GRAPHQL_EXECUTOR=jit: its options, and a test seam that receives the executor. */
  jit?: JitOptions & { onExecutor?: (executor: JitExecutor) => void };
  /** Test seam: the response cache's store (default: createCacheStore). */
  responseCacheStore?: KeyValueCache<string>;
}

/**
 * Helmet's security headers on every answer, from one middleware built at start
 * (@fastify/helmet rebuilt it on every request: about 1% of the API's CPU on small queries).
 */
function registerSecurityHeaders(app: FastifyInstance): void {
  const setHeaders = helmet({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, crossOriginEmbedderPolicy: false });
  app.addHook("onRequest", (request, reply, done) => setHeaders(request.raw, reply.raw, (err) => done(err as Error | undefined)));
}

/** The CSP lets the playground's inline start-up script and the pages' workers run. */
const CONTENT_SECURITY_POLICY = {
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", "'unsafe-inline'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:", "blob:"],
    workerSrc: ["'self'", "blob:"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'", "data:"],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
  },
};

export async function buildApp(db: Database, cfg: ServerConfig, opts: ServerOptions = {}): Promise<{ app: FastifyInstance; apollo: ApolloServer<Context> }> {
  const log = opts.log ?? createLogger(cfg.logLevel);
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: cfg.bodyLimitBytes,
    // Slow or stuck clients must not hold sockets forever.
    connectionTimeout: 60_000,
    requestTimeout: 120_000,
    // While closing, requests in flight finish and new ones are still answered (with codes).
    return503OnClosing: false,
    // Behind a reverse proxy, the client's address comes from X-Forwarded-For (TRUST_PROXY).
    // A hop count trusts that many proxies nearest to us (what Fastify does with a number, which its types omit).
    trustProxy: typeof cfg.trustProxy === "number" ? trustHops(cfg.trustProxy) : cfg.trustProxy,
    // Request ids double as error ids: unique across restarts and processes.
    genReqId: () => randomUUID(),
    forceCloseConnections: "idle",
  });
  // One allowlist for HTTP and WebSocket alike (GRAPHQL_PERSISTED_ONLY).
  const manifest = cfg.persistedOnly ? (opts.manifest ?? readManifest()) : undefined;
  const apollo = await createApolloServer(cfg, log, { serverPlugins: [fastifyApolloDrainPlugin(app)], manifest, jit: opts.jit, cache: opts.responseCacheStore });
  const referenceCache = opts.referenceCache ?? new ReferenceCache();
  // Writes made by other processes (API or CLI) drop this process's cached resolutions within a poll.
  const watcher = await new GraphWatcher(db, cfg.versionPollMs).start();
  watcher.onChange(() => referenceCache.invalidate());
  // Stale aggregates or unapplied migrations: said at start and whenever it changes (health reports it too).
  const sayProblem = (problem: { message: string } | undefined) => (problem ? log.warn(problem.message) : log.info("the graph's aggregates and schema are current again"));
  if (watcher.problem) sayProblem(watcher.problem);
  watcher.onProblem(sayProblem);
  const keys = new ApiKeys(cfg.apiKeys);
  const bookmarks = await new BookmarkSigner(db, cfg.bookmarkSecret, (msg) => log.warn(msg), watcher).start();
  registerBookmarks(app, bookmarks);
  const graphWorkers = new GraphWorkers({ threads: cfg.analyticsWorkers, timeoutMs: cfg.analyticsTimeoutMs });

  registerErrorHandlers(app, cfg);
  registerRequestLog(app);
  registerGraphQLStatus(app);
  registerServerTiming(app);
  registerSecurityHeaders(app);
  await app.register(cors, {
    origin: cfg.corsOrigins.includes("*") ? "*" : cfg.corsOrigins,
    methods: ["GET", "POST", "OPTIONS"],
    allowedHeaders: ["content-type", "authorization", "apollo-require-preflight", "x-apollo-operation-name", BOOKMARK_HEADER],
    exposedHeaders: [BOOKMARK_HEADER, "x-coopgraph-queries", "server-timing"],
    maxAge: 600,
    // Answer an OPTIONS without Access-Control-Request-Method too (some proxies probe that way).
    strictPreflight: false,
  });
  await app.register(compress, { threshold: 2048 });
  await registerRateLimit(app, cfg, keys);
  // Apollo decides what a body that is not JSON means (CSRF prevention, clear 400s): hand it the text.
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));

  registerPages(app);
  registerHealth(app, db, watcher);
  registerExport(app, db, cfg, keys);
  await app.register(fastifyApollo(apollo), {
    path: "/graphql",
    method: ["GET", "POST"],
    context: graphqlContextFor(db, cfg, keys, bookmarks, { graphWorkers, referenceCache, graphWatcher: watcher }, watcher, opts.onContext),
  });
  await registerSubscriptions(app, await buildCoopgraphSchema(), db, cfg, keys, { graphWorkers, referenceCache, graphWatcher: watcher }, log, manifest ?? null);
  app.addHook("onClose", async () => {
    watcher.stop();
    await graphWorkers.close();
  });
  return { app, apollo };
}

export async function startServer(db: Database, cfg: ServerConfig, opts: ServerOptions = {}): Promise<RunningServer> {
  const { app, apollo } = await buildApp(db, cfg, opts);
  await app.listen({ port: cfg.port, host: cfg.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : cfg.port;
  return {
    url: `http://${cfg.host === "0.0.0.0" ? "localhost" : cfg.host}:${port}/`,
    port,
    app,
    // Apollo's drain plugin closes Fastify (waiting for in-flight requests) when Apollo stops.
    close: () => apollo.stop(),
  };
}

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}
