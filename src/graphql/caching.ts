/**
 * Dashboard-grade caching, all keyed so that it can never serve an answer older than the graph:
 *   - whole responses (Apollo's response cache plugin), by query, variables, the caller's key
 *     (private answers) and the graph's write version: a write anywhere makes older entries
 *     unreachable at once in this process, and within one poll in the others;
 *   - automatic persisted queries, in a store of their own, kept an hour;
 * The store is an in-memory LRU, or Redis through Keyv when REDIS_URL is set (several processes).
 * A request that carries a bookmark (read-your-writes) bypasses the cache.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import responseCachePlugin from "@apollo/server-plugin-response-cache";
import { KeyvAdapter } from "@apollo/utils.keyvadapter";
import { InMemoryLRUCache, type KeyValueCache } from "@apollo/utils.keyvaluecache";
import KeyvRedis from "@keyv/redis";
import Keyv from "keyv";
import type { ServerConfig } from "../config/config.js";
import type { Context } from "./context.js";
import { sha256 } from "./persisted-operations.js";

export function createCacheStore(cfg: ServerConfig): KeyValueCache<string> {
  return store(cfg, "coopgraph", 64 * 1024 * 1024);
}

/**
 * Automatic persisted queries in a store of their own: any caller can register a query (up to the
 * body limit), and in the responses' store a few hundred large ones would push every cached answer out.
 */
export function createPersistedQueryStore(cfg: ServerConfig): KeyValueCache<string> {
  return store(cfg, "coopgraph-apq", 16 * 1024 * 1024);
}

/** How long a registered query is kept (Redis too: without it, entries would stay for ever). */
export const PERSISTED_QUERY_TTL_SECONDS = 3600;

function store(cfg: ServerConfig, namespace: string, maxBytes: number): KeyValueCache<string> {
  if (cfg.redisUrl) {
    const keyv = new Keyv<string>({ store: new KeyvRedis(cfg.redisUrl), namespace });
    // keyvadapter is typed against keyv's CommonJS declarations, the project against its ESM ones: same class.
    return new KeyvAdapter(keyv as unknown as ConstructorParameters<typeof KeyvAdapter<string>>[0]);
  }
  return new InMemoryLRUCache<string>({ maxSize: maxBytes });
}


export function responseCache(): ApolloServerPlugin<Context> {
  return responseCachePlugin<Context>({
    sessionId: async ({ contextValue, request }) => (contextValue.caller === "anonymous" ? null : sha256(request.http?.headers.get("authorization") ?? "")),
    extraCacheKeyData: async ({ contextValue }) => contextValue.report.graphVersion,
    shouldReadFromCache: async ({ contextValue }) => !contextValue.report.fresh,
    shouldWriteToCache: async ({ contextValue }) => !contextValue.report.fresh,
  });
}

/** How long a query's answer may be reused: the graph version keys our own cache, this bounds others'. */
export const QUERY_MAX_AGE_SECONDS = 60;

/**
 * One cache policy for every query, instead of Apollo's cache-control plugin: the schema carries no
 * per-type or per-field hints, so every query's policy was `max-age=60` anyway, and that plugin
 * wraps every field resolver to compute it (about 4% of the API's CPU at S, measured with
 * `--cpu-prof`). Answers that need a key, or that a key asked for, are private; mutations and
 * answers with errors are not cached (`no-store`). The response cache reads the same policy.
 */
export function uniformCachePolicy(cfg: ServerConfig): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ operation, contextValue, overallCachePolicy }) {
          // Apollo's types say an operation is always there; hostile traffic found requests where it is not.
          if (operation?.operation !== "query") return;
          const keyed = cfg.readAccess === "key" || contextValue.caller !== "anonymous";
          overallCachePolicy.replace({ maxAge: QUERY_MAX_AGE_SECONDS, scope: keyed ? "PRIVATE" : "PUBLIC" });
        },
        async willSendResponse({ response, overallCachePolicy }) {
          const policy = overallCachePolicy.policyIfCacheable();
          const cacheable = policy && response.body.kind === "single" && !response.body.singleResult.errors;
          response.http.headers.set("cache-control", cacheable ? `max-age=${policy.maxAge}, ${policy.scope.toLowerCase()}` : "no-store");
        },
      };
    },
  };
}
