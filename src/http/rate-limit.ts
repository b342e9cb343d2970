/**
 * Rate limits per API key (for callers that send one) or per address (for anonymous callers), with
 * @fastify/rate-limit for HTTP requests and a window counter of our own for the subscriptions a
 * WebSocket starts (each one is parsed, validated and run like a request, but arrives as a message
 * on an open socket, which no HTTP hook sees). Loopback callers are exempt unless
 * RATE_LIMIT_LOOPBACK=true, so that local tools and tests are never throttled;
 * RATE_LIMIT_PER_MINUTE=0 turns limits off.
 *
 * Addresses: an IPv6 caller counts by its /64 (one subscriber or LAN gets a whole /64, so per
 * address it would have 2^64 budgets), an IPv4-mapped IPv6 address as the IPv4 address it maps.
 * Memory: each limiter keeps counts for at most RATE_LIMIT_MAX_CLIENTS callers, dropping the least
 * recently seen (HTTP: @fastify/rate-limit's toad-cache LRU; subscriptions: lru-cache). Dropping a
 * caller's count only ever gives it a fresh budget, as a new address would.
 */
import rateLimit from "@fastify/rate-limit";
import ipaddr from "ipaddr.js";
import { LRUCache } from "lru-cache";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ServerConfig } from "../config/config.js";
import type { ApiKeys } from "../auth/roles.js";
import { sha256 } from "../graphql/persisted-operations.js";

/**
 * The address a limit counts against: IPv4 as it is, IPv4-mapped IPv6 (`::ffff:203.0.113.5`) as its
 * IPv4 address, other IPv6 addresses by their /64 (`2001:db8:1:2::/64`), in one spelling whatever
 * the one given. Anything that does not parse stays as it is.
 */
export function addressBucket(ip: string): string {
  if (!ip.includes(":")) return ip;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(ip);
  } catch {
    return ip;
  }
  if (address.kind() === "ipv4") return address.toString();
  const parts = (address as ipaddr.IPv6).parts;
  return `${parts.slice(0, 4).map((p) => p.toString(16)).join(":")}::/64`;
}

/** 127.0.0.0/8, ::1, and IPv4-mapped loopback. */
export function isLoopback(ip: string): boolean {
  if (!ip.includes(":")) return ip.startsWith("127.");
  try {
    return ipaddr.process(ip).range() === "loopback";
  } catch {
    return false;
  }
}

/**
 * The bucket a request counts against: a digest of its key (never the key itself) when the key is
 * valid, else its address's bucket; made-up keys must not each get a fresh bucket.
 */
function bucketOf(keys: ApiKeys, authorization: string | undefined, ip: string): string {
  if (!authorization) return `ip:${addressBucket(ip)}`;
  try {
    keys.callerFor(authorization);
    return `key:${sha256(authorization).slice(0, 32)}`;
  } catch {
    return `ip:${addressBucket(ip)}`;
  }
}

const exempt = (cfg: ServerConfig, ip: string) => !cfg.rateLimitLoopback && isLoopback(ip);

export async function registerRateLimit(app: FastifyInstance, cfg: ServerConfig, keys: ApiKeys): Promise<void> {
  if (cfg.rateLimitPerMinute <= 0) return;
  await app.register(rateLimit, {
    max: cfg.rateLimitPerMinute,
    timeWindow: 60_000,
    // The local store's LRU size: counts for at most this many callers.
    cache: cfg.rateLimitMaxClients,
    keyGenerator: (request: FastifyRequest) => bucketOf(keys, request.headers.authorization, request.ip),
    allowList: (request) => exempt(cfg, request.ip),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `too many requests: the limit is ${context.max} per minute; retry in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });
}

/**
 * Fixed-window counts per bucket (a window starts at a bucket's first event), for at most
 * `maxBuckets` buckets: the least recently seen is dropped first (lru-cache, preallocated to its size).
 */
export class WindowCounter {
  private readonly counts: LRUCache<string, { n: number; endsAt: number }>;

  constructor(private readonly limit: number, private readonly windowMs: number, maxBuckets: number) {
    this.counts = new LRUCache({ max: maxBuckets });
  }

  /** Counts one event: undefined while within the limit, else the milliseconds until the bucket's window ends. */
  take(bucket: string, now = Date.now()): number | undefined {
    let count = this.counts.get(bucket);
    if (!count || count.endsAt <= now) {
      count = { n: 0, endsAt: now + this.windowMs };
      this.counts.set(bucket, count);
    }
    count.n += 1;
    return count.n <= this.limit ? undefined : count.endsAt - now;
  }

  /** Buckets counted now (at most `maxBuckets`). */
  get size(): number {
    return this.counts.size;
  }
}

/**
 * Counts one subscription started over a WebSocket against its caller's budget (the HTTP limit,
 * in a bucket of its own): undefined when it may start, else the seconds to wait.
 */
export type SubscriptionLimit = (authorization: string | undefined, ip: string) => number | undefined;

export function subscriptionLimit(cfg: ServerConfig, keys: ApiKeys): SubscriptionLimit {
  if (cfg.rateLimitPerMinute <= 0) return () => undefined;
  const counter = new WindowCounter(cfg.rateLimitPerMinute, 60_000, cfg.rateLimitMaxClients);
  return (authorization, ip) => {
    if (exempt(cfg, ip)) return undefined;
    const wait = counter.take(bucketOf(keys, authorization, ip));
    return wait === undefined ? undefined : Math.max(1, Math.ceil(wait / 1000));
  };
}
