/**
 * GraphQL subscriptions over WebSocket at /subscriptions, with the maintained graphql-ws protocol
 * (clients: `graphql-ws`'s createClient, GraphiQL, Apollo Client's GraphQLWsLink). The same
 * authentication as HTTP: a key in the connection's `authorization` parameter (or the upgrade
 * request's header); a wrong key, or none where reads need one, closes the socket with 4403.
 */
import websocket from "@fastify/websocket";
import type { FastifyInstance } from "fastify";
import type { GraphQLSchema } from "graphql";
import { makeHandler } from "graphql-ws/use/@fastify/websocket";
import type { ServerConfig } from "../config/config.js";
import type { Database } from "../db/database.js";
import { atLeast, type ApiKeys, type Caller } from "../auth/roles.js";
import { createContext, type ServerParts } from "../graphql/context.js";

function callerOf(keys: ApiKeys, authorization: unknown): Caller | null {
  try {
    return keys.callerFor(typeof authorization === "string" ? authorization : undefined);
  } catch {
    return null;
  }
}

export async function registerSubscriptions(app: FastifyInstance, schema: GraphQLSchema, db: Database, cfg: ServerConfig, keys: ApiKeys, parts: ServerParts) {
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  const authorizationOf = (params: Record<string, unknown> | undefined, header: string | undefined) => params?.authorization ?? header;
  app.get("/subscriptions", { websocket: true }, makeHandler({
    schema,
    isProd: !cfg.exposeErrors,
    onConnect: ({ connectionParams, extra }) => {
      const caller = callerOf(keys, authorizationOf(connectionParams, extra.request.headers.authorization));
      if (caller === null) return false;
      return cfg.readAccess === "open" || atLeast(caller, "reader");
    },
    context: ({ connectionParams, extra }) => {
      const caller = callerOf(keys, authorizationOf(connectionParams, extra.request.headers.authorization)) ?? "anonymous";
      return createContext(db, cfg.queryTimeoutMs, parts, caller);
    },
  }));
}
