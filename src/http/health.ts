/**
 * Probes for orchestrators, each answering within a second:
 *   /health/live    the process serves HTTP (no database call)
 *   /health/ready   the database answers a trivial read too; 503 otherwise
 *   /health         the same as ready (kept for existing monitors)
 * Ready answers 200 with status "degraded" (and the problem, with its fix) while the graph's
 * aggregates are stale or its migrations not applied: the API still answers everything but the
 * fields read from the aggregates (refused with AGGREGATES_STALE), so a load balancer keeps it.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Database } from "../db/database.js";
import type { ServingProblem } from "../db/graph-watcher.js";

type ServingState = { readonly problem: ServingProblem | undefined };

const READY_TIMEOUT_MS = 800;

async function ready(db: Database, state: ServingState | undefined, reply: FastifyReply) {
  reply.header("cache-control", "no-store");
  const ping = db.read("RETURN 1 AS ok", {}, { timeoutMs: READY_TIMEOUT_MS });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), READY_TIMEOUT_MS)));
  try {
    await Promise.race([ping, timeout]);
    const problem = state?.problem;
    if (!problem) return reply.send({ status: "ok", database: "reachable" });
    return reply.send({
      status: "degraded", database: "reachable",
      aggregates: { code: problem.code, stored: problem.storedAggregates, expected: problem.expectedAggregates, missingSchema: problem.missingSchema, message: problem.message },
    });
  } catch {
    ping.catch(() => {});
    return reply.code(503).header("retry-after", "2").send({ status: "unavailable", database: "unreachable" });
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealth(app: FastifyInstance, db: Database, state?: ServingState): void {
  app.get("/health/live", async (_request, reply) => reply.header("cache-control", "no-store").send({ status: "ok" }));
  app.get("/health/ready", (_request, reply) => ready(db, state, reply));
  app.get("/health", (_request, reply) => ready(db, state, reply));
}
