/**
 * Who is calling and what they ran: the GraphQL context of each request, and the one log line
 * written when its answer is sent (operation, status, duration, Cypher round trips, role; never a key).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ServerConfig } from "../config/config.js";
import type { Database } from "../db/database.js";
import { requireRole, type ApiKeys, type Caller } from "../auth/roles.js";
import neo4j, { type BookmarkManager } from "neo4j-driver";
import { createContext, type Context, type ServerParts } from "../graphql/context.js";
import type { GraphWatcher } from "../db/graph-watcher.js";
import { ReferenceCache } from "../domain/references/reference.repository.js";
import { BOOKMARK_HEADER, type BookmarkSigner } from "./bookmarks.js";

declare module "fastify" {
  interface FastifyRequest {
    caller?: Caller;
    graphqlContext?: Context;
    bookmarks?: BookmarkManager;
  }
}

/** Who is calling (their key's role), remembered for the log; refuses anonymous reads when reads need a key. */
export function readerOf(request: FastifyRequest, cfg: ServerConfig, keys: ApiKeys, action: string): Caller {
  const caller = keys.callerFor(request.headers.authorization);
  request.caller = caller;
  if (cfg.readAccess === "key") requireRole(caller, "reader", action);
  return caller;
}

export function graphqlContextFor(
  db: Database, cfg: ServerConfig, keys: ApiKeys, bookmarks: BookmarkSigner, parts: ServerParts, watcher: GraphWatcher,
  onContext?: (ctx: Context) => void,
) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<Context> => {
    const caller = readerOf(request, cfg, keys, "reading");
    const sent = await bookmarks.verify(request.headers[BOOKMARK_HEADER]);
    request.bookmarks = neo4j.bookmarkManager({ initialBookmarks: sent });
    const fresh = sent.length > 0;
    const ctx = createContext(db.withBookmarks(request.bookmarks), cfg.queryTimeoutMs,
      fresh ? { ...parts, referenceCache: new ReferenceCache() } : parts, caller);
    ctx.report.graphVersion = watcher.version;
    ctx.report.fresh = fresh;
    request.graphqlContext = ctx;
    onContext?.(ctx);
    return ctx;
  };
}

export function registerRequestLog(app: FastifyInstance): void {
  app.addHook("onResponse", async (request, reply) => {
    const ctx = request.graphqlContext;
    request.log.info({
      method: request.method,
      path: request.url.split("?")[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      operation: ctx?.report.operationName?.slice(0, 100),
      queries: ctx?.queries.count,
      errors: ctx?.report.errorCodes?.length ? ctx.report.errorCodes : undefined,
      role: request.caller ?? "anonymous",
      ip: request.ip,
    }, "request");
  });
}

/**
 * `Server-Timing` on every GraphQL answer: the wall time during which at least one of the request's
 * Cypher statements was in flight (a write transaction counts as one), and the server's time from
 * routing the request until the answer was serialized (before compression). Browser devtools show
 * both; a client's own latency minus `total` is the network, both HTTP stacks and compression.
 */
export function registerServerTiming(app: FastifyInstance): void {
  app.addHook("onSend", async (request, reply, payload) => {
    const queries = request.graphqlContext?.queries;
    if (queries) {
      const statements = `${queries.count} statement${queries.count === 1 ? "" : "s"}`;
      reply.header("server-timing", `db;dur=${queries.waitedSoFarMs().toFixed(2)};desc="${statements}", total;dur=${reply.elapsedTime.toFixed(2)}`);
    }
    return payload;
  });
}

/**
 * The GraphQL-over-HTTP spec: a request error is 400 under application/graphql-response+json, but
 * 200 when the answer went out as plain application/json (legacy clients read the body, not the status).
 */
export function registerGraphQLStatus(app: FastifyInstance): void {
  app.addHook("onSend", async (request, reply, payload) => {
    const type = String(reply.getHeader("content-type") ?? "");
    if (request.graphqlContext?.report.requestError && type.startsWith("application/json")) reply.code(200);
    return payload;
  });
}

