/**
 * GraphQL subscriptions over WebSocket at /subscriptions, with the maintained graphql-ws protocol
 * (clients: `graphql-ws`'s createClient, GraphiQL, Apollo Client's GraphQLWsLink). The same
 * authentication as HTTP: a key in the connection's `authorization` parameter (or the upgrade
 * request's header); a wrong key, or none where reads need one, closes the socket with 4403.
 */
import websocket from "@fastify/websocket";
import type { FastifyInstance } from "fastify";
import { GraphQLError, getOperationAST, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import { MAX_TOKENS, queryLimitRules } from "../graphql/apollo.js";
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

function coded(err: unknown, code: string): GraphQLError {
  const e = err instanceof GraphQLError ? err : new GraphQLError(String((err as Error).message));
  return new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, extensions: { ...e.extensions, code } });
}

export async function registerSubscriptions(app: FastifyInstance, schema: GraphQLSchema, db: Database, cfg: ServerConfig, keys: ApiKeys, parts: ServerParts) {
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  const rules = queryLimitRules(cfg);
  const authorizationOf = (params: Record<string, unknown> | undefined, header: string | undefined) => params?.authorization ?? header;
  app.get("/subscriptions", { websocket: true }, makeHandler({
    schema,
    isProd: !cfg.exposeErrors,
    onConnect: ({ connectionParams, extra }) => {
      const caller = callerOf(keys, authorizationOf(connectionParams, extra.request.headers.authorization));
      if (caller === null) return false;
      return cfg.readAccess === "open" || atLeast(caller, "reader");
    },
    // Only subscriptions, under the same limits as HTTP (tokens, depth, cost, aliases, centrality).
    onSubscribe: ({ connectionParams, extra }, _id, payload) => {
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: MAX_TOKENS });
      } catch (err) {
        return [coded(err, "GRAPHQL_PARSE_FAILED")];
      }
      if (getOperationAST(document, payload.operationName)?.operation !== "subscription") {
        return [new GraphQLError("only subscriptions are served over WebSocket; send queries and mutations to /graphql", { extensions: { code: "BAD_REQUEST" } })];
      }
      const errors = validate(schema, document, [...specifiedRules, ...rules]);
      if (errors.length) return errors.map((e) => coded(e, "GRAPHQL_VALIDATION_FAILED"));
      const caller = callerOf(keys, authorizationOf(connectionParams, extra.request.headers.authorization)) ?? "anonymous";
      return {
        schema, document, operationName: payload.operationName, variableValues: payload.variables,
        contextValue: createContext(db, cfg.queryTimeoutMs, parts, caller),
      };
    },
  }));
}
