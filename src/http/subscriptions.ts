/**
 * GraphQL subscriptions over WebSocket at /subscriptions, with the maintained graphql-ws protocol
 * (clients: `graphql-ws`'s createClient, GraphiQL, Apollo Client's GraphQLWsLink). The same
 * authentication as HTTP: a key in the connection's `authorization` parameter (or the upgrade
 * request's header); a wrong key, or none where reads need one, closes the socket with 4403.
 * Bounded: at most `wsMaxSocketsPerAddress` open sockets per client address (more are refused at
 * the upgrade with 429 RATE_LIMITED) and `wsMaxSubscriptionsPerSocket` subscriptions per socket
 * (more get LIMIT_EXCEEDED); the subscriptions a caller starts have a budget per minute of the
 * HTTP rate limit's size, in a bucket of their own (more get RATE_LIMITED). Every error a subscriber receives goes through the same masking
 * `formatError` as HTTP: an internal fault reaches the client as a code and an error id, never as
 * its message.
 */
import websocket from "@fastify/websocket";
import type { FastifyInstance } from "fastify";
import { GraphQLError, getOperationAST, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import { MAX_TOKENS, formatError, queryLimitRules, withoutSuggestion } from "../graphql/apollo.js";
import type { Logger } from "./logging.js";
import { sendError } from "./http-errors.js";
import { makeHandler } from "graphql-ws/use/@fastify/websocket";
import type { ServerConfig } from "../config/config.js";
import type { Database } from "../db/database.js";
import { atLeast, type ApiKeys, type Caller } from "../auth/roles.js";
import { createContext, type ServerParts } from "../graphql/context.js";
import { unregistered, type Manifest } from "../graphql/persisted-operations.js";
import { addressBucket, subscriptionLimit } from "./rate-limit.js";

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


export async function registerSubscriptions(
  app: FastifyInstance, schema: GraphQLSchema, db: Database, cfg: ServerConfig, keys: ApiKeys, parts: ServerParts, log: Logger,
  manifest: Manifest | null,
) {
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  const rules = queryLimitRules(cfg);
  const authorizationOf = (params: Record<string, unknown> | undefined, header: string | undefined) => params?.authorization ?? header;
  const format = formatError(cfg.exposeErrors, log, !cfg.introspection);
  const masked = (errors: readonly GraphQLError[]) => errors.map((e) => format(e.toJSON(), e));
  /** Open sockets per client address (request.ip: the proxy's unless TRUST_PROXY is set; IPv6 by /64). */
  const open = new Map<string, number>();
  const full = (address: string) => cfg.wsMaxSocketsPerAddress > 0 && (open.get(address) ?? 0) >= cfg.wsMaxSocketsPerAddress;
  const socketsLimit = () => `at most ${cfg.wsMaxSocketsPerAddress} WebSockets per client address`;
  const startLimit = subscriptionLimit(cfg, keys);
  const handler = makeHandler({
    schema,
    isProd: !cfg.exposeErrors,
    // Errors of a subscription's results (its setup, e.g. a reference not found or a database
    // fault) and errors ending it: the same masking as HTTP.
    onNext: (_ctx, _id, _payload, _args, result) => (result.errors?.length ? { ...result, errors: masked(result.errors) } : undefined),
    onError: (_ctx, _id, _payload, errors) => masked(errors),
    onConnect: ({ connectionParams, extra }) => {
      const caller = callerOf(keys, authorizationOf(connectionParams, extra.request.headers.authorization));
      if (caller === null) return false;
      return cfg.readAccess === "open" || atLeast(caller, "reader");
    },
    // Only subscriptions, under the same limits as HTTP (tokens, depth, cost, aliases, centrality).
    onSubscribe: async ({ connectionParams, extra, subscriptions }, _id, payload) => {
      // The new subscription is already counted in `subscriptions`.
      if (cfg.wsMaxSubscriptionsPerSocket > 0 && Object.keys(subscriptions).length > cfg.wsMaxSubscriptionsPerSocket) {
        return [new GraphQLError(`at most ${cfg.wsMaxSubscriptionsPerSocket} subscriptions per WebSocket; complete one first or open another socket`,
          { extensions: { code: "LIMIT_EXCEEDED", limit: cfg.wsMaxSubscriptionsPerSocket } })];
      }
      const authorization = authorizationOf(connectionParams, extra.request.headers.authorization);
      const retryAfter = startLimit(typeof authorization === "string" ? authorization : undefined, extra.request);
      if (retryAfter !== undefined) {
        return [new GraphQLError(`too many subscriptions started: the limit is ${cfg.rateLimitPerMinute} per minute; retry in ${retryAfter} s`,
          { extensions: { code: "RATE_LIMITED", retryAfterSeconds: retryAfter } })];
      }
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: MAX_TOKENS });
      } catch (err) {
        return [coded(err, "GRAPHQL_PARSE_FAILED")];
      }
      if (getOperationAST(document, payload.operationName)?.operation !== "subscription") {
        return [new GraphQLError("only subscriptions are served over WebSocket; send queries and mutations to /graphql", { extensions: { code: "BAD_REQUEST" } })];
      }
      const refused = manifest && unregistered(manifest, payload.query);
      if (refused) return [refused];
      const errors = validate(schema, document, [...specifiedRules, ...rules]);
      if (errors.length) {
        return errors.map((e) => coded(cfg.introspection ? e : new GraphQLError(withoutSuggestion(e.message), e), "GRAPHQL_VALIDATION_FAILED"));
      }
      const caller = callerOf(keys, authorization) ?? "anonymous";
      return {
        schema, document, operationName: payload.operationName, variableValues: payload.variables,
        contextValue: createContext(db, cfg.queryTimeoutMs, parts, caller),
      };
    },
  });
  app.get("/subscriptions", {
    websocket: true,
    // Refused before the upgrade, as an HTTP answer with a code, like every other limit.
    preValidation: async (request, reply) => {
      if (full(addressBucket(request.ip))) return sendError(reply, 429, "RATE_LIMITED", socketsLimit(), { limit: cfg.wsMaxSocketsPerAddress });
    },
  }, function (this: FastifyInstance, socket, request) {
    const address = addressBucket(request.ip);
    // Upgrades that passed the check together: the last ones over the cap close at once.
    if (full(address)) return socket.close(4429, socketsLimit());
    open.set(address, (open.get(address) ?? 0) + 1);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
    return handler.call(this, socket, request);
  });
}
