import path from "node:path";
import { fileURLToPath } from "node:url";

/** The project's root folder (where package.json lives), whatever the working directory. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface ManagedNeo4jConfig {
  version: string;
  dataDir: string;
  boltPort: number;
  heap: string;
  pageCache: string;
  transactionTimeout: string;
}

export interface DatabaseConfig {
  /** Set when the user points at an existing server; undefined means "use the managed one". */
  uri?: string;
  user: string;
  password: string;
  database?: string;
  managed: ManagedNeo4jConfig;
}

export interface ServerConfig {
  port: number;
  host: string;
  /** Stack traces and raw messages of internal errors go to clients only when NODE_ENV=development. */
  exposeErrors: boolean;
  introspection: boolean;
  corsOrigins: string[];
  queryTimeoutMs: number;
  /** An export's read (GET /export): it streams the whole network it selects, so it gets longer than an API read. */
  exportTimeoutMs: number;
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  /** "role:key,role:key" (see src/auth/roles.ts). */
  apiKeys: string;
  /** "open": anyone reads; "key": reads need a key with the reader role or above. */
  readAccess: "open" | "key";
  /** Largest request body accepted; larger ones get 413. */
  bodyLimitBytes: number;
  /** Requests per minute per API key (or per address for anonymous callers); 0 turns limits off. */
  rateLimitPerMinute: number;
  /** Whether callers on 127.0.0.1/::1 are rate-limited too (off by default: tests, local tools). */
  rateLimitLoopback: boolean;
  /** Callers (keys, addresses, IPv6 /64s) each rate limiter keeps counts for, least recently seen dropped first: bounds their memory. */
  rateLimitMaxClients: number;
  /** Trust X-Forwarded-For from a reverse proxy (true, or the proxies' addresses), for rate limits and logs. */
  trustProxy: boolean | number | string;
  /** pino level of the request log: fatal, error, warn, info, debug, trace or silent. */
  logLevel: string;
  /** Worker threads for in-process graph algorithms (centrality). */
  analyticsWorkers: number;
  /** Time budget of one in-process graph algorithm, in ms. */
  analyticsTimeoutMs: number;
  /** Whole answers cached by query, variables, caller and graph write version. */
  responseCache: boolean;
  /** What executes GraphQL operations over HTTP: graphql-jit (an operation compiled when it comes again) or graphql-js. */
  graphqlExecutor: GraphQLExecutorName;
  /** A shared store (Redis, through Keyv) for the response cache and persisted queries; in-memory when unset. */
  redisUrl?: string;
  /** Only operations registered with `npm run operations:register` run. */
  persistedOnly: boolean;
  /** How often each process looks for writes made elsewhere (other API processes, CLI imports), in ms. */
  versionPollMs: number;
  /** Signs the bookmarks mutations hand out; without it, a random secret kept in the graph (src/http/bookmarks.ts). */
  bookmarkSecret?: string;
  /** Open WebSockets (/subscriptions) one client address may hold at once. */
  wsMaxSocketsPerAddress: number;
  /** Active subscriptions one WebSocket may hold at once. */
  wsMaxSubscriptionsPerSocket: number;
}

export interface Config {
  db: DatabaseConfig;
  server: ServerConfig;
}

type Env = Record<string, string | undefined>;

/** An integer setting; `min` 1 where 0 would mean "none" to Neo4j or a busy loop (timeouts, limits, polls). */
function intFrom(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be ${min === 0 ? "a non-negative integer" : `an integer of at least ${min}`}, got "${raw}"`);
  }
  return value;
}

function boolFrom(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

export class ConfigError extends Error {}

export function loadDatabaseConfig(env: Env = process.env): DatabaseConfig {
  const dataDir = path.resolve(PROJECT_ROOT, env.COOPGRAPH_DATA_DIR || ".coopgraph");
  return {
    uri: env.NEO4J_URI || undefined,
    user: env.NEO4J_USER || "neo4j",
    password: env.NEO4J_PASSWORD || "",
    database: env.NEO4J_DATABASE || undefined,
    managed: {
      version: env.NEO4J_VERSION || "5.26.30",
      dataDir,
      boltPort: intFrom(env, "NEO4J_BOLT_PORT", 7687, 1),
      heap: env.NEO4J_HEAP || "1g",
      pageCache: env.NEO4J_PAGECACHE || "1g",
      transactionTimeout: env.NEO4J_TX_TIMEOUT || "60s",
    },
  };
}

export function loadServerConfig(env: Env = process.env): ServerConfig {
  return {
    port: intFrom(env, "PORT", 4000),
    host: env.HOST || "127.0.0.1",
    exposeErrors: env.NODE_ENV === "development",
    introspection: boolFrom(env, "GRAPHQL_INTROSPECTION", true),
    corsOrigins: (env.CORS_ORIGINS || "").split(",").map((s) => s.trim()).filter(Boolean),
    queryTimeoutMs: intFrom(env, "QUERY_TIMEOUT_MS", 5000, 1),
    exportTimeoutMs: intFrom(env, "EXPORT_TIMEOUT_MS", 300_000, 1),
    maxDepth: intFrom(env, "GRAPHQL_MAX_DEPTH", 10, 1),
    maxCost: intFrom(env, "GRAPHQL_MAX_COST", 20000, 1),
    maxAliases: intFrom(env, "GRAPHQL_MAX_ALIASES", 15),
    apiKeys: env.COOPGRAPH_API_KEYS ?? "",
    readAccess: readAccessFrom(env.COOPGRAPH_READ_ACCESS),
    bodyLimitBytes: intFrom(env, "BODY_LIMIT_BYTES", 1_000_000, 1),
    rateLimitPerMinute: intFrom(env, "RATE_LIMIT_PER_MINUTE", 600),
    rateLimitLoopback: boolFrom(env, "RATE_LIMIT_LOOPBACK", false),
    rateLimitMaxClients: intFrom(env, "RATE_LIMIT_MAX_CLIENTS", 20_000, 1),
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
    logLevel: logLevelFrom(env.LOG_LEVEL),
    analyticsWorkers: intFrom(env, "ANALYTICS_WORKERS", 1),
    analyticsTimeoutMs: intFrom(env, "ANALYTICS_TIMEOUT_MS", 10_000, 1),
    responseCache: boolFrom(env, "RESPONSE_CACHE", true),
    graphqlExecutor: executorFrom(env.GRAPHQL_EXECUTOR),
    redisUrl: env.REDIS_URL || undefined,
    persistedOnly: boolFrom(env, "GRAPHQL_PERSISTED_ONLY", false),
    versionPollMs: intFrom(env, "GRAPH_VERSION_POLL_MS", 1000, 1),
    bookmarkSecret: secretFrom(env, "BOOKMARK_SECRET"),
    wsMaxSocketsPerAddress: intFrom(env, "WS_MAX_SOCKETS_PER_ADDRESS", 16),
    wsMaxSubscriptionsPerSocket: intFrom(env, "WS_MAX_SUBSCRIPTIONS_PER_SOCKET", 20),
  };
}

export const GRAPHQL_EXECUTORS = ["jit", "graphql-js"] as const;
export type GraphQLExecutorName = (typeof GRAPHQL_EXECUTORS)[number];

function executorFrom(raw: string | undefined): GraphQLExecutorName {
  if (!raw) return "jit";
  if ((GRAPHQL_EXECUTORS as readonly string[]).includes(raw)) return raw as GraphQLExecutorName;
  throw new ConfigError(`GRAPHQL_EXECUTOR must be one of ${GRAPHQL_EXECUTORS.join(", ")}, got "${raw}"`);
}

function secretFrom(env: Env, name: string): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  if (value.length < 32) throw new ConfigError(`${name} must be at least 32 characters long, got ${value.length}`);
  return value;
}

/** Fastify's trustProxy: true (every hop), a hop count, or the proxies' addresses and CIDRs. */
function trustProxyFrom(raw: string | undefined): boolean | number | string {
  if (!raw || raw === "false") return false;
  if (raw === "true") return true;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function logLevelFrom(raw: string | undefined): string {
  if (!raw) return "info";
  if (LOG_LEVELS.includes(raw)) return raw;
  throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${raw}"`);
}

function readAccessFrom(raw: string | undefined): "open" | "key" {
  if (!raw || raw === "open") return "open";
  if (raw === "key") return "key";
  throw new ConfigError(`COOPGRAPH_READ_ACCESS must be "open" or "key", got "${raw}"`);
}

export function loadConfig(env: Env = process.env): Config {
  return { db: loadDatabaseConfig(env), server: loadServerConfig(env) };
}
