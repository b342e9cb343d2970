/**
 * Rate limits per API key (for callers that send one) or per address (for anonymous callers), with
 * @fastify/rate-limit for HTTP requests and a window counter of our own for the subscriptions a
 * WebSocket starts (each one is parsed, validated and run like a request, but arrives as a message
 * on an open socket, which no HTTP hook sees). Loopback callers that call directly (no forwarded
 * address) are exempt unless RATE_LIMIT_LOOPBACK=true, so that local tools and tests are never
 * throttled; RATE_LIMIT_PER_MINUTE=0 turns limits off.
 *
 * Addresses: an IPv6 caller counts by its /64 (one subscriber or LAN gets a whole /64, so per
 * address it would have 2^64 budgets), an IPv6 address that carries an IPv4 one (IPv4-mapped,
 * NAT64, Teredo, 6to4) as that IPv4 address.
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

/**
 * The address a limit counts against: IPv4 as it is; IPv6 that carries an IPv4 address
 * (IPv4-mapped `::ffff:203.0.113.5`, NAT64 `64:ff9b::203.0.113.5`, Teredo, 6to4) as that IPv4
 * address, so that a translator's clients do not share one budget; other IPv6 addresses by their
 * /64 (`2001:db8:1:2::/64`), in one spelling whatever the one given. Anything that does not parse
 * stays as it is.
 */
export function addressBucket(ip: string): string {
  ip = withoutPort(ip);
  if (!ip.includes(":")) return ip;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(ip);
  } catch {
    return ip;
  }
  if (address.kind() === "ipv4") return address.toString();
  const v6 = address as ipaddr.IPv6;
  const parts = v6.parts;
  switch (v6.range()) {
    // NAT64 (64:ff9b::/96): every IPv4-only client behind the translator shares its /64; the
    // client's own address is the last 32 bits.
    case "rfc6052":
      return ipv4Of(parts[6]!, parts[7]!);
    // Teredo (2001::/32): the /64 is the relay's; the client's address is the last 32 bits, inverted.
    case "teredo":
      return ipv4Of(~parts[6]! & 0xffff, ~parts[7]! & 0xffff);
    // 6to4 (2002::/16): a site is a /48 made from its IPv4 address, with 2^16 /64s of its own.
    case "6to4":
      return ipv4Of(parts[1]!, parts[2]!);
    default:
      return `${parts.slice(0, 4).map((p) => p.toString(16)).join(":")}::/64`;
  }
}

/** The IPv4 address made of two 16-bit halves. */
function ipv4Of(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

/** Some proxies forward `203.0.113.5:4312` or `[2001:db8::1]:443`: each source port must not get a budget of its own. */
function withoutPort(ip: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(ip);
  return v4 ? v4[1]! : ip;
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
    return `key:${keys.keyDigestFor(authorization).slice(0, 32)}`;
  } catch {
    return `ip:${addressBucket(ip)}`;
  }
}

/** What the limits read of a request (an HTTP request, or the upgrade request of a WebSocket). */
export type LimitedRequest = Pick<FastifyRequest, "ip" | "headers"> & { socket: { remoteAddress?: string } };

/**
 * Loopback callers skip the limits (unless RATE_LIMIT_LOOPBACK=true), judged by the socket's own
 * peer and only when no address was forwarded: a forwarded address is what a client wrote (with
 * TRUST_PROXY=true anyone could send `X-Forwarded-For: 127.0.0.1`), and behind a proxy on this
 * machine every caller arrives from loopback.
 */
export function isExempt(cfg: ServerConfig, request: LimitedRequest): boolean {
  if (cfg.rateLimitLoopback || request.headers["x-forwarded-for"] !== undefined || request.headers.forwarded !== undefined) return false;
  return isLoopback(request.socket.remoteAddress ?? "");
}

export async function registerRateLimit(app: FastifyInstance, cfg: ServerConfig, keys: ApiKeys): Promise<void> {
  if (cfg.rateLimitPerMinute <= 0) return;
  await app.register(rateLimit, {
    max: cfg.rateLimitPerMinute,
    timeWindow: 60_000,
    // The local store's LRU size: counts for at most this many callers.
    cache: cfg.rateLimitMaxClients,
    keyGenerator: (request: FastifyRequest) => bucketOf(keys, request.headers.authorization, request.ip),
    allowList: (request) => isExempt(cfg, request),
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
export type SubscriptionLimit = (authorization: string | undefined, request: LimitedRequest) => number | undefined;

export function subscriptionLimit(cfg: ServerConfig, keys: ApiKeys): SubscriptionLimit {
  if (cfg.rateLimitPerMinute <= 0) return () => undefined;
  const counter = new WindowCounter(cfg.rateLimitPerMinute, 60_000, cfg.rateLimitMaxClients);
  return (authorization, request) => {
    if (isExempt(cfg, request)) return undefined;
    const wait = counter.take(bucketOf(keys, authorization, request.ip));
    return wait === undefined ? undefined : Math.max(1, Math.ceil(wait / 1000));
  };
}
