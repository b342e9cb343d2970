/**
 * The rate limiters' address buckets (IPv6 by /64, addresses carrying an IPv4 one as that IPv4) and the subscription
 * limiter's bounded memory. No database: run with `npx vitest run test/unit`.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { ApiKeys } from "../../src/auth/roles.js";
import { loadServerConfig } from "../../src/config/config.js";
import { WindowCounter, addressBucket, isLoopback, subscriptionLimit } from "../../src/http/rate-limit.js";

describe("addressBucket", () => {
  it("keeps IPv4 as it is and reads IPv4-mapped IPv6 as its IPv4 address, in either spelling", () => {
    expect(addressBucket("203.0.113.5")).toBe("203.0.113.5");
    expect(addressBucket("::ffff:203.0.113.5")).toBe("203.0.113.5");
    expect(addressBucket("::FFFF:cb00:7105")).toBe("203.0.113.5");
  });

  it("puts IPv6 addresses of one /64 in one bucket, however written, and other /64s apart", () => {
    const bucket = addressBucket("2001:db8:1:2::a");
    expect(bucket).toBe("2001:db8:1:2::/64");
    for (const same of ["2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0DB8:0001:0002:0:0:0:1", "2001:db8:1:2::1%eth0"]) expect(addressBucket(same)).toBe(bucket);
    for (const other of ["2001:db8:1:3::a", "2001:db8:2:2::a", "2001:db9:1:2::a"]) expect(addressBucket(other)).not.toBe(bucket);
    expect(addressBucket("::1")).toBe("0:0:0:0::/64");
  });

  it("counts an IPv6 address that carries an IPv4 one (NAT64, Teredo, 6to4) as that IPv4 address, not by the translator's /64", () => {
    // NAT64's well-known prefix: two IPv4-only clients behind one translator share its /64.
    expect(addressBucket("64:ff9b::203.0.113.5")).toBe("203.0.113.5");
    expect(addressBucket("64:ff9b::cb00:7106")).toBe("203.0.113.6");
    // Teredo: relay 65.54.227.120, client 192.0.2.45 stored inverted (RFC 4380's example).
    expect(addressBucket("2001:0:4136:e378:8000:63bf:3fff:fdd2")).toBe("192.0.2.45");
    expect(addressBucket("2001:0:4136:e378:8000:63bf:3fff:fdd3")).toBe("192.0.2.44");
    // 6to4: every /64 of the site 2002:cb00:7105::/48 is the site 203.0.113.5.
    expect(addressBucket("2002:cb00:7105:1::1")).toBe("203.0.113.5");
    expect(addressBucket("2002:cb00:7105:ffff::1")).toBe("203.0.113.5");
    expect(addressBucket("2002:cb00:7106:1::1")).toBe("203.0.113.6");
  });

  it("leaves what does not parse as it is", () => {
    expect(addressBucket("not:an:address")).toBe("not:an:address");
    // A port some proxies forward does not make a budget of its own.
    expect(addressBucket("203.0.113.5:4312")).toBe("203.0.113.5");
    expect(addressBucket("[2001:db8:1:2::a]:443")).toBe(addressBucket("2001:db8:1:2::b"));
    expect(addressBucket("[::ffff:203.0.113.5]:80")).toBe("203.0.113.5");
    expect(addressBucket("")).toBe("");
  });

  it("knows loopback in every spelling, and nothing else", () => {
    for (const ip of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1"]) expect(isLoopback(ip)).toBe(true);
    for (const ip of ["10.0.0.1", "2001:db8::1", "::ffff:10.0.0.1", "::", "garbage:"]) expect(isLoopback(ip)).toBe(false);
  });
});

describe("WindowCounter", () => {
  it("counts up to the limit per bucket, then says how long the window has left, and starts a new window after it", () => {
    const counter = new WindowCounter(2, 60_000, 100);
    expect(counter.take("a", 1000)).toBeUndefined();
    expect(counter.take("a", 2000)).toBeUndefined();
    expect(counter.take("a", 3000)).toBe(58_000);
    expect(counter.take("b", 3000)).toBeUndefined();
    expect(counter.take("a", 61_000)).toBeUndefined();
  });

  it("keeps at most its size of buckets, dropping the least recently seen", () => {
    const counter = new WindowCounter(1, 60_000, 3);
    counter.take("a", 0);
    counter.take("b", 0);
    counter.take("c", 0);
    expect(counter.take("a", 1)).toBe(59_999);
    counter.take("d", 1);
    expect(counter.size).toBe(3);
    // "b" was least recently seen: dropped, so it starts over; "a" was kept.
    expect(counter.take("b", 2)).toBeUndefined();
    expect(counter.take("a", 2)).toBe(59_998);
  });
});

describe("TRUST_PROXY", () => {
  it("reads a hop count as a number, addresses as they are, and true or false", () => {
    expect(loadServerConfig({ TRUST_PROXY: "1" }).trustProxy).toBe(1);
    expect(loadServerConfig({ TRUST_PROXY: "10.0.0.1,10.0.0.0/8" }).trustProxy).toBe("10.0.0.1,10.0.0.0/8");
    expect(loadServerConfig({ TRUST_PROXY: "true" }).trustProxy).toBe(true);
    expect(loadServerConfig({}).trustProxy).toBe(false);
  });
});

describe("the subscription limiter", () => {
  const cfg = { ...loadServerConfig({}), rateLimitPerMinute: 3, rateLimitLoopback: false };
  const keys = new ApiKeys("");
  /** A caller at `ip` over a direct connection (the limits count request.ip; loopback is judged on the socket). */
  const at = (ip: string, headers: Record<string, string> = {}) => ({ ip, headers, socket: { remoteAddress: ip } });

  it("gives two addresses of one /64 one budget, and IPv4-mapped IPv6 the IPv4 address's", () => {
    const limit = subscriptionLimit(cfg, keys);
    for (const ip of ["2001:db8:1:2::a", "2001:db8:1:2::b", "2001:db8:1:2:ffff::c"]) expect(limit(undefined, at(ip))).toBeUndefined();
    expect(limit(undefined, at("2001:db8:1:2::d"))).toBeGreaterThanOrEqual(59);
    expect(limit(undefined, at("2001:db8:1:3::a"))).toBeUndefined();
    for (let i = 0; i < 3; i++) expect(limit(undefined, at("198.51.100.7"))).toBeUndefined();
    expect(limit(undefined, at("::ffff:198.51.100.7"))).toBeGreaterThanOrEqual(59);
    // Loopback stays exempt in every spelling.
    for (let i = 0; i < 10; i++) expect(limit(undefined, at("::ffff:127.0.0.1"))).toBeUndefined();
  });

  it("counts a key once however the header spells it (scheme's case, spaces), wherever the caller is", () => {
    const key = "reader-key-0123456789";
    const limit = subscriptionLimit(cfg, new ApiKeys(`reader:${key}`));
    const spellings = [`Bearer ${key}`, `bearer ${key}`, `Bearer   ${key}`];
    spellings.forEach((header, i) => expect(limit(header, at(`198.51.100.${60 + i}`))).toBeUndefined());
    expect(limit(`BEARER\t${key}`, at("198.51.100.70"))).toBeGreaterThanOrEqual(59);
    // A wrong key counts against the address, not a fresh bucket of its own.
    expect(limit("Bearer not-a-key-at-all-000", at("198.51.100.60"))).toBeUndefined();
  });

  it("never exempts a forwarded address, even one that says loopback (a client can write it)", () => {
    const limit = subscriptionLimit(cfg, keys);
    const forged = { ip: "127.0.0.1", headers: { "x-forwarded-for": "127.0.0.1, 198.51.100.9" }, socket: { remoteAddress: "127.0.0.1" } };
    for (let i = 0; i < 3; i++) expect(limit(undefined, forged)).toBeUndefined();
    expect(limit(undefined, forged)).toBeGreaterThanOrEqual(59);
    // Nor a caller whose forwarded address is loopback while the peer is not.
    expect(limit(undefined, { ...forged, headers: { forwarded: "for=127.0.0.1" }, socket: { remoteAddress: "198.51.100.9" } })).toBeGreaterThanOrEqual(59);
  });

  it("keeps its memory bounded under 200 000 distinct addresses in a minute (was about 126 MB)", () => {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const limit = subscriptionLimit({ ...cfg, rateLimitMaxClients: 20_000 }, keys);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200_000; i++) limit(undefined, at(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
    gc();
    const grown = (process.memoryUsage().heapUsed - before) / 1e6;
    // 20 000 kept counts (short keys and two numbers each): a few MB.
    expect(grown).toBeLessThan(15);
    // The most recent ones are still counted: the 200 000th address has used one of its three.
    const last = "10.3.13.63";
    expect(limit(undefined, at(last))).toBeUndefined();
    expect(limit(undefined, at(last))).toBeUndefined();
    expect(limit(undefined, at(last))).toBeGreaterThanOrEqual(59);
  });
});
