/**
 * Who is calling and what they ran: the GraphQL context of each request, and the one log line
 * written when its answer is sent (operation, status, duration, Cypher round trips, role; never a key).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ServerConfig } from "../config/config.js";
import type { Database } from "../db/database.js";
import { requireRole, type ApiKeys, type Caller } from "../auth/roles.js";
import { GraphQLError } from "graphql";
import neo4j, { type BookmarkManager } from "neo4j-driver";
import { createContext, type Context, type ServerParts } from "../graphql/context.js";
import type { GraphWatcher } from "../db/graph-watcher.js";
import { ReferenceCache } from "../domain/references/reference.repository.js";

declare module "fastify" {
  interface FastifyRequest {
    caller?: Caller;
    graphqlContext?: Context;
    bookmarks?: BookmarkManager;
  }
}

/**
 * Read-your-writes across processes: a mutation's answer carries the bookmark of its commit in
 * this header; a client that sends it back (to any API process) is answered after that write,
 * straight from the database (no cache).
 */
export const BOOKMARK_HEADER = "x-coopgraph-bookmark";

/** Neo4j bookmarks are short base64-like tokens; anything else is refused before it reaches the driver. */
function bookmarksFrom(header: string | string[] | undefined): string[] {
  const values = String(header ?? "").split(",").map((b) => b.trim()).filter(Boolean);
  if (values.length > 16 || values.some((b) => b.length > 256 || !/^[A-Za-z0-9:_+/=.-]+$/.test(b))) {
    throw new GraphQLError(`${BOOKMARK_HEADER} must hold the bookmarks a mutation's answer sent (at most 16)`, { extensions: { code: "BAD_REQUEST", http: { status: 400 } } });
  }
  return values;
}

/** Who is calling (their key's role), remembered for the log; refuses anonymous reads when reads need a key. */
export function readerOf(request: FastifyRequest, cfg: ServerConfig, keys: ApiKeys, action: string): Caller {
  const caller = keys.callerFor(request.headers.authorization);
  request.caller = caller;
  if (cfg.readAccess === "key") requireRole(caller, "reader", action);
  return caller;
}

export function graphqlContextFor(
  db: Database, cfg: ServerConfig, keys: ApiKeys, parts: ServerParts, watcher: GraphWatcher, onContext?: (ctx: Context) => void,
) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<Context> => {
    const caller = readerOf(request, cfg, keys, "reading");
    const sent = bookmarksFrom(request.headers[BOOKMARK_HEADER]);
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

/** Sends the bookmark of the request's last commit, for read-your-writes through another process. */
export function registerBookmarks(app: FastifyInstance): void {
  app.addHook("onSend", async (request, reply, payload) => {
    // A shared or browser cache must not answer a request that asks for fresh data, or another caller.
    if (request.graphqlContext) reply.header("vary", "authorization, x-coopgraph-bookmark");
    if (request.graphqlContext && request.graphqlContext.report.operationKind === "mutation" && request.bookmarks) {
      const bookmarks = [...(await request.bookmarks.getBookmarks())];
      if (bookmarks.length) reply.header(BOOKMARK_HEADER, bookmarks.join(","));
    }
    return payload;
  });
}
