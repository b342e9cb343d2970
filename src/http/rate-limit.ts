/**
 * Rate limits per API key (for callers that send one) or per address (for anonymous callers), with
 * @fastify/rate-limit for HTTP requests and rate-limiter-flexible for the subscriptions a WebSocket
 * starts (each one is parsed, validated and run like a request, but arrives as a message on an
 * open socket, which no HTTP hook sees). Loopback callers are exempt unless
 * RATE_LIMIT_LOOPBACK=true, so that local tools and tests are never throttled;
 * RATE_LIMIT_PER_MINUTE=0 turns limits off.
 */
import rateLimit from "@fastify/rate-limit";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ServerConfig } from "../config/config.js";
import type { ApiKeys } from "../auth/roles.js";
import { sha256 } from "../graphql/persisted-operations.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * The bucket a request counts against: a digest of its key (never the key itself) when the key is
 * valid, else its address; made-up keys must not each get a fresh bucket.
 */
function bucketOf(keys: ApiKeys, authorization: string | undefined, ip: string): string {
  if (!authorization) return `ip:${ip}`;
  try {
    keys.callerFor(authorization);
    return `key:${sha256(authorization).slice(0, 32)}`;
  } catch {
    return `ip:${ip}`;
  }
}

const exempt = (cfg: ServerConfig, ip: string) => !cfg.rateLimitLoopback && LOOPBACK.has(ip);

export async function registerRateLimit(app: FastifyInstance, cfg: ServerConfig, keys: ApiKeys): Promise<void> {
  if (cfg.rateLimitPerMinute <= 0) return;
  await app.register(rateLimit, {
    max: cfg.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => bucketOf(keys, request.headers.authorization, request.ip),
    allowList: (request) => exempt(cfg, request.ip),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `too many requests: the limit is ${context.max} per minute; retry in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });
}

/**
 * Counts one subscription started over a WebSocket against its caller's budget (the HTTP limit,
 * in a bucket of its own): undefined when it may start, else the seconds to wait.
 */
export type SubscriptionLimit = (authorization: string | undefined, ip: string) => Promise<number | undefined>;

export function subscriptionLimit(cfg: ServerConfig, keys: ApiKeys): SubscriptionLimit {
  if (cfg.rateLimitPerMinute <= 0) return async () => undefined;
  const limiter = new RateLimiterMemory({ points: cfg.rateLimitPerMinute, duration: 60 });
  return async (authorization, ip) => {
    if (exempt(cfg, ip)) return undefined;
    try {
      await limiter.consume(bucketOf(keys, authorization, ip));
      return undefined;
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return Math.ceil(refusal.msBeforeNext / 1000);
      throw refusal;
    }
  };
}
