/**
 * Every failure the HTTP layer answers itself (404, 413, 415, 429, malformed JSON, a bad Host
 * header) in the GraphQL error shape, with `extensions.code`, so that clients handle one format.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import type { ServerConfig } from "../config/config.js";
import { isUnavailable } from "../db/availability.js";

/** Fastify's error codes for a request the client got wrong, with ours. */
const CLIENT_FAULTS: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: "PAYLOAD_TOO_LARGE" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: "BAD_REQUEST" },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: "BAD_REQUEST" },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: "BAD_REQUEST" },
  FST_ERR_CTP_EMPTY_TYPE: { status: 400, code: "BAD_REQUEST" },
  FST_ERR_CTP_INVALID_TYPE: { status: 400, code: "BAD_REQUEST" },
};

export function sendError(reply: FastifyReply, status: number, code: string, message: string, extra: Record<string, unknown> = {}) {
  return reply.code(status).type("application/json; charset=utf-8").send({ errors: [{ message, extensions: { code, ...extra } }] });
}

export function registerErrorHandlers(app: FastifyInstance, cfg: ServerConfig): void {
  app.setErrorHandler((err: FastifyError & { extensions?: { code?: string; http?: { status?: number } } }, request, reply) => {
    if (isUnavailable(err)) {
      reply.header("retry-after", "2");
      return sendError(reply, 503, "DATABASE_UNAVAILABLE", "the database is unavailable; try again shortly");
    }
    const known = err.code ? CLIENT_FAULTS[err.code] : undefined;
    if (known) return sendError(reply, known.status, known.code, clientMessage(err));
    if (err.statusCode === 429) return sendError(reply, 429, "RATE_LIMITED", err.message);
    if (err.extensions?.code) {
      return sendError(reply, err.extensions.http?.status ?? 400, err.extensions.code, err.message);
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return sendError(reply, err.statusCode, "BAD_REQUEST", err.message);
    const errorId = request.id;
    request.log.error({ err, errorId }, "internal error");
    return sendError(reply, 500, "INTERNAL_SERVER_ERROR", cfg.exposeErrors ? err.message : `Internal server error (error id ${errorId})`, { errorId });
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, "NOT_FOUND", `nothing at ${request.method} ${request.url.split("?")[0]}: GraphQL is at /graphql, the playground at /`));
  app.addHook("onRequest", async (request, reply) => {
    const declared = Number(request.headers["content-length"]);
    if (!(declared > cfg.bodyLimitBytes)) return;
    // Answer 413 after reading (and dropping) the body: closing on a client that is still sending
    // resets its connection (EPIPE) before it can read the answer. Absurd sizes are not read.
    if (declared <= MAX_DRAINED_BYTES) await drain(request.raw);
    else reply.header("connection", "close");
    return sendError(reply, 413, "PAYLOAD_TOO_LARGE", `the request body (${declared} bytes) is larger than the ${cfg.bodyLimitBytes} bytes the server accepts`);
  });
  // Apollo's integration builds a URL from the Host header: refuse one that is not a host at once.
  app.addHook("onRequest", async (request, reply) => {
    try {
      new URL(`${request.protocol}://${request.hostname}/`);
    } catch {
      return sendError(reply, 400, "BAD_REQUEST", "the Host header is not a valid host name");
    }
  });
}

const MAX_DRAINED_BYTES = 32 * 1024 * 1024;

function drain(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    stream.on("data", () => {});
    stream.once("end", resolve);
    stream.once("error", () => resolve());
    stream.once("close", resolve);
    stream.resume();
  });
}

function clientMessage(err: FastifyError): string {
  if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") return "the request body is larger than the server accepts";
  if (err.code === "FST_ERR_CTP_INVALID_JSON_BODY") return "the request body is not valid JSON";
  return err.message;
}
