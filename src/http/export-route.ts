/**
 * GET /export?format=graphml|gexf|csv-nodes|csv-edges&mode=bipartite|actors&involving=UNODC&theme=...
 * References are resolved first (a wrong one is a 400 before any byte is sent), then the network
 * streams from Neo4j to the client, for at most EXPORT_TIMEOUT_MS. A client that goes away ends the
 * read at once (Neo4j terminates its transaction) and frees its session.
 */
import { PassThrough } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ServerConfig } from "../config/config.js";
import type { Database } from "../db/database.js";
import type { ApiKeys } from "../auth/roles.js";
import { readerOf } from "./request-context.js";
import { parseExportRequest, prepareExport } from "../export/export-request.js";

export function registerExport(app: FastifyInstance, db: Database, cfg: ServerConfig, keys: ApiKeys): void {
  app.get("/export", (request, reply) => exportNetwork(db, cfg, keys, request, reply));
}

async function exportNetwork(db: Database, cfg: ServerConfig, keys: ApiKeys, request: FastifyRequest, reply: FastifyReply) {
  const caller = readerOf(request, cfg, keys, "exporting");
  const params = new URLSearchParams(request.url.split("?")[1] ?? "");
  const prepared = await prepareExport(db, parseExportRequest(params), { resolveTimeoutMs: cfg.queryTimeoutMs, streamTimeoutMs: cfg.exportTimeoutMs });
  // Once the 200 is sent a failure can only cut the file short: make sure the database answers first.
  await db.read("RETURN 1 AS ok", {}, { timeoutMs: 2000 });

  const body = new PassThrough();
  const gone = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) gone.abort();
  });
  prepared.write(body, gone.signal).then(
    () => body.end(),
    (err: unknown) => {
      if (!gone.signal.aborted) request.log.error({ err }, "export failed after it started; the client gets a truncated file");
      body.destroy(err as Error);
    },
  );
  return reply
    .header("cache-control", cfg.readAccess === "key" || caller !== "anonymous" ? "private, no-store" : "public, max-age=60")
    .type(prepared.contentType)
    .send(body);
}
