/**
 * Dashboard-grade caching, all keyed so that it can never serve an answer older than the graph:
 *   - whole responses (Apollo's response cache plugin), by query, variables, the caller's key
 *     (private answers) and the graph's write version: a write anywhere makes older entries
 *     unreachable at once in this process, and within one poll in the others;
 *   - automatic persisted queries, in the same store;
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
  if (cfg.redisUrl) {
    const keyv = new Keyv<string>({ store: new KeyvRedis(cfg.redisUrl), namespace: "coopgraph" });
    // keyvadapter is typed against keyv's CommonJS declarations, the project against its ESM ones: same class.
    return new KeyvAdapter(keyv as unknown as ConstructorParameters<typeof KeyvAdapter<string>>[0]);
  }
  return new InMemoryLRUCache<string>({ maxSize: 64 * 1024 * 1024 });
}


export function responseCache(): ApolloServerPlugin<Context> {
  return responseCachePlugin<Context>({
    sessionId: async ({ contextValue, request }) => (contextValue.caller === "anonymous" ? null : sha256(request.http?.headers.get("authorization") ?? "")),
    extraCacheKeyData: async ({ contextValue }) => contextValue.report.graphVersion,
    shouldReadFromCache: async ({ contextValue }) => !contextValue.report.fresh,
    shouldWriteToCache: async ({ contextValue }) => !contextValue.report.fresh,
  });
}
