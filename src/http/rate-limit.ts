/**
 * Rate limits per API key (for callers that send one) or per address (for anonymous callers), with
 * @fastify/rate-limit. Loopback callers are exempt unless RATE_LIMIT_LOOPBACK=true, so that local
 * tools and tests are never throttled; RATE_LIMIT_PER_MINUTE=0 turns limits off.
 */
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ServerConfig } from "../config/config.js";
import type { ApiKeys } from "../auth/roles.js";
import { sha256 } from "../graphql/persisted-operations.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * The bucket a request counts against: a digest of its key (never the key itself) when the key is
 * valid, else its address; made-up keys must not each get a fresh bucket.
 */
function bucketOf(keys: ApiKeys) {
  return (request: FastifyRequest): string => {
    const auth = request.headers.authorization;
    if (!auth) return `ip:${request.ip}`;
    try {
      keys.callerFor(auth);
      return `key:${sha256(auth).slice(0, 32)}`;
    } catch {
      return `ip:${request.ip}`;
    }
  };
}

export async function registerRateLimit(app: FastifyInstance, cfg: ServerConfig, keys: ApiKeys): Promise<void> {
  if (cfg.rateLimitPerMinute <= 0) return;
  await app.register(rateLimit, {
    max: cfg.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: bucketOf(keys),
    allowList: (request) => !cfg.rateLimitLoopback && LOOPBACK.has(request.ip),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `too many requests: the limit is ${context.max} per minute; retry in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });
}
