/**
 * The HTTP side: Apollo Server 5 behind Node's own http module. Routes:
 *   POST /graphql, GET /graphql   GraphQL over HTTP (GET for queries only)
 *   GET  /  and GET /graphql from a browser   the offline GraphiQL playground
 *   GET  /playground/*            the playground's bundled assets
 *   GET  /health                  liveness and database reachability
 */
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControl } from "@apollo/server/plugin/cacheControl";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { GraphQLFormattedError } from "graphql";
import type { ServerConfig } from "../config/config.js";
import type { Database } from "../db/database.js";
import { parseExportRequest, prepareExport } from "../export/export-request.js";
import { playgroundAsset, playgroundHtml } from "../playground/playground.js";
import { webFile } from "../web/web-assets.js";
import { ApiKeys, requireRole } from "../auth/roles.js";
import { createContext, type Context } from "./context.js";
import { ErrorCode } from "./errors.js";
import { buildCoopgraphSchema } from "./schema.js";

const MAX_BODY_BYTES = 1_000_000;

export interface RunningServer {
  url: string;
  port: number;
  apollo: ApolloServer<Context>;
  /** The query counter of the last request, for tests that check batching. */
  lastContext: () => Context | undefined;
  close(): Promise<void>;
}

/** Codes whose messages are written for clients; anything else is masked in production. */
const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode), "UNAUTHENTICATED", "FORBIDDEN", "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED", "OPERATION_RESOLUTION_FAILURE",
]);

export function formatError(production: boolean) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    const code = String(formatted.extensions?.code ?? "INTERNAL_SERVER_ERROR");
    if (!production || CLIENT_CODES.has(code)) return formatted;
    return { message: "Internal server error", locations: formatted.locations, path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}

function armor(cfg: ServerConfig) {
  return new ApolloArmor({
    maxDepth: { n: cfg.maxDepth },
    costLimit: { maxCost: cfg.maxCost },
    maxAliases: { n: cfg.maxAliases },
    maxDirectives: { n: 20 },
    maxTokens: { n: 5000 },
    // Suggestions leak the schema when introspection is off; keep them when it is on.
    blockFieldSuggestion: { enabled: !cfg.introspection },
  }).protect();
}

/** `x-coopgraph-queries`: how many Cypher round trips the request took (benchmarks and N+1 hunts read it). */
const queryCountHeader: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, response }) {
        response.http.headers.set("x-coopgraph-queries", String(contextValue.queries.count));
      },
    };
  },
};

export async function createApolloServer(cfg: ServerConfig): Promise<ApolloServer<Context>> {
  const protection = armor(cfg);
  const apollo = new ApolloServer<Context>({
    schema: await buildCoopgraphSchema(),
    introspection: cfg.introspection,
    csrfPrevention: true,
    // main.ts stops the server, then the database, on SIGINT/SIGTERM; Apollo must not race it.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: !cfg.production,
    formatError: formatError(cfg.production),
    validationRules: [...protection.validationRules],
    plugins: [
      // graphql-armor is CommonJS and typed against Apollo's CJS build: same plugins, other declarations.
      ...(protection.plugins as unknown as ApolloServerPlugin<Context>[]),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControl({ defaultMaxAge: 60, calculateHttpHeaders: true }),
      queryCountHeader,
    ],
  });
  await apollo.start();
  return apollo;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(Object.assign(new Error(`request body over ${MAX_BODY_BYTES} bytes`), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function applyCors(req: http.IncomingMessage, res: http.ServerResponse, origins: string[]): void {
  const origin = req.headers.origin;
  if (!origin || !(origins.includes("*") || origins.includes(origin))) return;
  res.setHeader("access-control-allow-origin", origins.includes("*") ? "*" : origin);
  res.setHeader("vary", "origin");
  res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
  res.setHeader("access-control-allow-headers", "content-type, authorization, apollo-require-preflight, x-apollo-operation-name");
  res.setHeader("access-control-max-age", "600");
}

function wantsHtml(req: http.IncomingMessage): boolean {
  return (req.headers.accept ?? "").includes("text/html");
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": type, ...extra });
  res.end(body);
}

async function handleGraphQL(
  apollo: ApolloServer<Context>, req: http.IncomingMessage, res: http.ServerResponse, url: URL,
  makeContext: (req: http.IncomingMessage) => Context,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  let body: unknown = undefined;
  if (req.method === "POST") {
    const raw = await readBody(req);
    const type = headers.get("content-type") ?? "";
    if (type.includes("json")) {
      try {
        body = raw === "" ? undefined : JSON.parse(raw);
      } catch {
        send(res, 400, "application/json", JSON.stringify({ errors: [{ message: "the request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }] }));
        return;
      }
    } else {
      body = raw;
    }
  }
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
    context: async () => makeContext(req),
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

export async function startServer(db: Database, cfg: ServerConfig): Promise<RunningServer> {
  const apollo = await createApolloServer(cfg);
  let last: Context | undefined;
  const keys = new ApiKeys(cfg.apiKeys);
  const makeContext = (req: http.IncomingMessage) => {
    const caller = keys.callerFor(req.headers.authorization);
    if (cfg.readAccess === "key") requireRole(caller, "reader", "reading");
    return (last = createContext(db, cfg.queryTimeoutMs, caller));
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    applyCors(req, res, cfg.corsOrigins);
    const route = async () => {
      if (req.method === "OPTIONS") return send(res, 204, "text/plain", "");
      if (url.pathname === "/graphql") {
        if (req.method === "GET" && wantsHtml(req) && !url.searchParams.has("query")) {
          return send(res, 200, "text/html; charset=utf-8", playgroundHtml("/graphql"));
        }
        return handleGraphQL(apollo, req, res, url, makeContext);
      }
      if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "method not allowed", { allow: "GET" });
      if (url.pathname === "/") return send(res, 200, "text/html; charset=utf-8", playgroundHtml("/graphql"));
      if (url.pathname === "/health") return health(db, res);
      if (url.pathname === "/export") return exportNetwork(db, cfg, keys, req, res, url);
      const page = webFile(url.pathname);
      if (page) return send(res, 200, page.type, await readFile(page.file), { "cache-control": page.immutable ? "public, max-age=31536000, immutable" : "no-cache" });
      const asset = playgroundAsset(url.pathname);
      if (asset) return send(res, 200, asset.type, asset.body, { "cache-control": "public, max-age=86400" });
      return send(res, 404, "text/plain", "not found: GraphQL is at /graphql, the playground at /");
    };
    route().catch((err: { status?: number; message?: string }) => {
      if (!res.headersSent) send(res, err.status ?? 500, "text/plain", err.status ? String(err.message) : "internal error");
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(cfg.port, cfg.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${cfg.host === "0.0.0.0" ? "localhost" : cfg.host}:${port}/`,
    port,
    apollo,
    lastContext: () => last,
    close: async () => {
      // close() waits for every connection to end: drop idle keep-alive ones, or it never returns.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 5000);
      await closed;
      clearTimeout(force);
      await apollo.stop();
    },
  };
}

/** GET /export?format=graphml|gexf|csv-nodes|csv-edges&mode=bipartite|actors&involving=UNODC&theme=... */
async function exportNetwork(db: Database, cfg: ServerConfig, keys: ApiKeys, req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
  try {
    const caller = keys.callerFor(req.headers.authorization);
    if (cfg.readAccess === "key") requireRole(caller, "reader", "exporting");
    const prepared = await prepareExport(db, parseExportRequest(url.searchParams), cfg.queryTimeoutMs);
    res.writeHead(200, { "content-type": prepared.contentType });
    await prepared.write(res);
    res.end();
  } catch (err) {
    if (res.headersSent) {
      res.destroy(err as Error);
      return;
    }
    const e = err as { message: string; extensions?: { code?: string; http?: { status?: number } } };
    const code = e.extensions?.code ?? "INTERNAL_SERVER_ERROR";
    const status = e.extensions?.http?.status ?? (code === "INTERNAL_SERVER_ERROR" ? 500 : 400);
    const message = code === "INTERNAL_SERVER_ERROR" && cfg.production ? "Internal server error" : e.message;
    send(res, status, "application/json", JSON.stringify({ errors: [{ message, extensions: { ...e.extensions, http: undefined, code } }] }));
  }
}

async function health(db: Database, res: http.ServerResponse): Promise<void> {
  try {
    await db.read("RETURN 1 AS ok", {}, { timeoutMs: 2000 });
    send(res, 200, "application/json", JSON.stringify({ status: "ok", database: "reachable" }));
  } catch {
    send(res, 503, "application/json", JSON.stringify({ status: "degraded", database: "unreachable" }));
  }
}

