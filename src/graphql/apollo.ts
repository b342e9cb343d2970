/**
 * The Apollo Server behind the HTTP layer (src/http): schema, query limits, error masking and the
 * plugins that turn a GraphQL result into the right HTTP answer.
 */
import { randomUUID } from "node:crypto";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import type { ServerConfig } from "../config/config.js";
import { isUnavailable } from "../db/availability.js";
import { AGGREGATES_VERSION, AggregatesVersionError } from "../db/aggregates.js";
import type { Context } from "./context.js";
import { ErrorCode } from "../domain/shared/errors.js";
import { ImportError } from "../ingest/index.js";
import type { KeyValueCache } from "@apollo/utils.keyvaluecache";
import { PERSISTED_QUERY_TTL_SECONDS, createCacheStore, createPersistedQueryStore, responseCache, uniformCachePolicy } from "./caching.js";
import { expensiveFieldsRule } from "./expensive-fields.js";
import { persistedOnly, type Manifest } from "./persisted-operations.js";
import { JitExecutor, type JitOptions } from "./jit-executor.js";
import { buildCoopgraphSchema } from "./schema.js";

/** No input of this API nests deeper than a few levels; JSON can nest thousands deep. */
const MAX_VARIABLE_DEPTH = 32;

/** How deep a JSON value nests, counted without recursion and only up to `limit` + 1. */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== "object") continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** The parser stops after this many tokens: a bigger document is refused before any work. */
export const MAX_TOKENS = 5000;

/** Request-level failures: the document or its variables are wrong, nothing was executed. */
const REQUEST_ERROR_CODES = new Set([
  "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "OPERATION_RESOLUTION_FAILURE", "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED", "PERSISTED_QUERY_NOT_ALLOWED",
]);

/**
 * graphql-js's "Did you mean ...?" names what the schema has (fields, arguments, enum values, the
 * types of a union or interface): with introspection off it is hidden, in every form.
 */
export const withoutSuggestion = (message: string) => message.replace(/Did you mean [^?]*\?/g, "[Suggestion hidden]").trim();

/**
 * Masks internal errors: the client gets a code and an error id, the log gets the whole error
 * under the same id. A lost database is not internal: it becomes DATABASE_UNAVAILABLE. With
 * `hideSuggestions`, no message names what the schema has (see withoutSuggestion).
 */
export function formatError(exposeErrors: boolean, log: Logger, hideSuggestions: boolean) {
  return (shown: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const formatted = hideSuggestions && shown.message.includes("Did you mean") ? { ...shown, message: withoutSuggestion(shown.message) } : shown;
    const thrown = (error as { originalError?: unknown }).originalError ?? error;
    // An import the database stopped: the fault decides the answer, with what was committed before it.
    const stoppedImport = thrown instanceof ImportError && thrown.committed !== undefined ? thrown : undefined;
    const original = stoppedImport?.cause ?? thrown;
    const progress = stoppedImport ? importProgress(stoppedImport.committed!) : { note: "", extensions: {} };
    if (isUnavailable(original)) {
      return { ...formatted, message: `the database is unavailable; try again shortly${progress.note}`, extensions: { code: ErrorCode.DATABASE_UNAVAILABLE, ...progress.extensions } };
    }
    const refused = causeOfType(original, AggregatesVersionError);
    if (refused) {
      return { ...formatted, message: refused.message, extensions: { code: ErrorCode.AGGREGATES_STALE, storedAggregates: refused.stored, expectedAggregates: AGGREGATES_VERSION } };
    }
    const code = String(formatted.extensions?.code ?? "INTERNAL_SERVER_ERROR");
    // Errors the code throws on purpose carry their own code (userError); Apollo gives everything
    // else INTERNAL_SERVER_ERROR, and that is what gets masked.
    if (code !== "INTERNAL_SERVER_ERROR") return formatted;
    if (String((original as { code?: string }).code ?? "").includes("InvalidBookmark")) {
      return { ...formatted, message: "the bookmark sent in x-coopgraph-bookmark is not one this database issued", extensions: { code: "BAD_REQUEST" } };
    }
    const errorId = randomUUID();
    log.error({ errorId, err: original, path: formatted.path, ...progress.extensions }, "internal error");
    if (exposeErrors) return { ...formatted, extensions: { ...formatted.extensions, code, errorId, ...progress.extensions } };
    return {
      message: `Internal server error (error id ${errorId})${progress.note}`, locations: formatted.locations, path: formatted.path,
      extensions: { code: "INTERNAL_SERVER_ERROR", errorId, ...progress.extensions },
    };
  };
}

/** What an admin needs after an import the database stopped: how much is in, and that a re-run resumes. */
function importProgress(committed: number) {
  const note = committed
    ? `; ${committed} activities were committed before the fault: run the import again to resume (they are recognised and skipped)`
    : "; nothing was committed: run the import again";
  return { note, extensions: { committedActivities: committed } };
}

/** The error, or one it was caused by (an import wraps what stopped it), of the given class. */
function causeOfType<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) if (e instanceof type) return e;
  return undefined;
}

function armor(cfg: ServerConfig) {
  return new ApolloArmor({
    maxDepth: { n: cfg.maxDepth },
    costLimit: { maxCost: cfg.maxCost },
    maxAliases: { n: cfg.maxAliases },
    maxDirectives: { n: 20 },
    // The token limit is the parser's own (parseOptions below): armor's version throws outside
    // Apollo's parse step and turned a long document into a 500.
    maxTokens: { enabled: false },
    // Suggestions leak the schema when introspection is off: formatError hides them, in every
    // form (armor's plugin misses "Did you mean the enum value ...?" and the inline-fragment form).
    blockFieldSuggestion: { enabled: false },
  }).protect();
}

/**
 * HTTP status per the GraphQL-over-HTTP spec: a request error (parse, validation, variables) is
 * 400 (and 200 for plain application/json clients, see src/http/request-context.ts); an
 * unreachable database is 503 whatever the client accepts.
 * Also sends `x-coopgraph-queries` (Cypher round trips) and remembers the operation for the log.
 */
const httpAnswer: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operationName, operation, request }) {
        // Checked before anything walks the variables recursively (the response cache hashes them).
        if (nestingDepth(request.variables, MAX_VARIABLE_DEPTH) > MAX_VARIABLE_DEPTH) {
          throw new GraphQLError(`variables are nested deeper than ${MAX_VARIABLE_DEPTH} levels`, { extensions: { code: "BAD_USER_INPUT", http: { status: 400 } } });
        }
        contextValue.report.operationName = operationName ?? undefined;
        contextValue.report.operationKind = operation?.operation;
        if (operation?.operation === "subscription") {
          throw new GraphQLError("this API has no subscriptions over HTTP: send a query or a mutation", { extensions: { code: "BAD_REQUEST", http: { status: 400 } } });
        }
      },
      async willSendResponse({ contextValue, response }) {
        response.http.headers.set("x-coopgraph-queries", String(contextValue.queries.count));
        if (response.body.kind !== "single") return;
        const { errors, data } = response.body.singleResult;
        const codes = (errors ?? []).map((e) => String(e.extensions?.code));
        contextValue.report.errorCodes = codes;
        if (codes.includes(ErrorCode.DATABASE_UNAVAILABLE)) {
          response.http.status = 503;
          response.http.headers.set("retry-after", "2");
        } else if (data === undefined && codes.length && codes.every((c) => REQUEST_ERROR_CODES.has(c))) {
          // 400 here; the HTTP layer answers 200 instead when the response went out as application/json.
          response.http.status = 400;
          contextValue.report.requestError = true;
        }
      },
    };
  },
};

export interface ApolloParts {
  /** What the HTTP layer adds (draining its connections on stop). */
  serverPlugins?: ApolloServerPlugin<Context>[];
  /** Store of the response cache. */
  cache?: KeyValueCache<string>;
  /** Store of automatic persisted queries. */
  persistedQueryCache?: KeyValueCache<string>;
  /** The allowlist enforced when cfg.persistedOnly is set (required then). */
  manifest?: Manifest;
  /** With cfg.graphqlExecutor "jit": the executor's options, and a test seam that receives it. */
  jit?: JitOptions & { onExecutor?: (executor: JitExecutor) => void };
}

/** The limits every operation is validated against, over HTTP and over WebSocket alike. */
export function queryLimitRules(cfg: ServerConfig) {
  return [...armor(cfg).validationRules, expensiveFieldsRule()];
}

/** The allowlist is read once by the caller, which enforces it over WebSocket too: one list for both. */
function missingManifest(): never {
  throw new Error("GRAPHQL_PERSISTED_ONLY needs the registered operations: pass the manifest the HTTP layer read (ApolloParts.manifest)");
}

export async function createApolloServer(cfg: ServerConfig, log: Logger, parts: ApolloParts = {}): Promise<ApolloServer<Context>> {
  const protection = armor(cfg);
  const schema = await buildCoopgraphSchema();
  const jit = cfg.graphqlExecutor === "jit" ? new JitExecutor(schema, parts.jit) : undefined;
  if (jit) parts.jit?.onExecutor?.(jit);
  // Apollo Server has no executor option: a gateway's executor is its seam for one.
  const execution = jit ? { gateway: jit.gateway() } : { schema };
  const apollo = new ApolloServer<Context>({
    cache: parts.cache ?? createCacheStore(cfg),
    persistedQueries: { cache: parts.persistedQueryCache ?? createPersistedQueryStore(cfg), ttl: PERSISTED_QUERY_TTL_SECONDS },
    ...execution,
    introspection: cfg.introspection,
    csrfPrevention: true,
    // The HTTP server stops Apollo, then the database, on SIGINT/SIGTERM; Apollo must not race it.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: cfg.exposeErrors,
    formatError: formatError(cfg.exposeErrors, log, !cfg.introspection),
    parseOptions: { maxTokens: MAX_TOKENS },
    validationRules: [...protection.validationRules, expensiveFieldsRule()],
    plugins: [
      // First: in allowlist mode nothing else may see an operation that is not registered.
      ...(cfg.persistedOnly ? [persistedOnly(parts.manifest ?? missingManifest())] : []),
      // graphql-armor is CommonJS and typed against Apollo's CJS build: same plugins, other declarations.
      ...(protection.plugins as unknown as ApolloServerPlugin<Context>[]),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      uniformCachePolicy(cfg),
      httpAnswer,
      ...(cfg.responseCache ? [responseCache()] : []),
      ...(parts.serverPlugins ?? []),
    ],
  });
  await apollo.start();
  return apollo;
}
