/**
 * The rate limits count an IPv6 caller by its /64 and an IPv4-mapped or NAT64 IPv6 caller as its
 * IPv4 address, over HTTP and for subscriptions over a real WebSocket (graphql-ws client). A real server
 * on loopback that trusts X-Forwarded-For (TRUST_PROXY), as behind a proxy, so that each request
 * can come from the address the test gives it.
 */
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestServer, type TestServer } from "../support/api.js";
import { testDatabase } from "../support/db.js";

const db = testDatabase();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(db, { rateLimitPerMinute: 3, trustProxy: true, wsMaxSocketsPerAddress: 2 });
});
afterAll(async () => {
  await server.close();
  await db.close();
});

const from = (address: string) => fetch(`${server.url}graphql`, {
  method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": address }, body: JSON.stringify({ query: "{ __typename }" }),
});

describe("HTTP requests", () => {
  it("share one budget across the addresses of one /64, not with the next /64", async () => {
    for (const address of ["2001:db8:a:1::1", "2001:db8:a:1::2", "2001:db8:a:1:ffff:ffff:ffff:ffff"]) expect((await from(address)).status).toBe(200);
    const refused = await from("2001:0db8:000a:0001::99");
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("RATE_LIMITED");
    expect((await from("2001:db8:a:2::1")).status).toBe(200);
  });

  it("count an IPv4-mapped IPv6 address as its IPv4 address", async () => {
    for (let i = 0; i < 3; i++) expect((await from("198.51.100.20")).status).toBe(200);
    expect((await from("::ffff:198.51.100.20")).status).toBe(429);
    expect((await from("198.51.100.21")).status).toBe(200);
  });

  it("count NAT64 callers by the IPv4 address they carry, not by the translator's /64", async () => {
    for (let i = 0; i < 3; i++) expect((await from("64:ff9b::198.51.100.40")).status).toBe(200);
    // Another IPv4-only client behind the same translator keeps its own budget.
    expect((await from("64:ff9b::198.51.100.41")).status).toBe(200);
    // The same client over IPv4 shares its budget.
    expect((await from("198.51.100.40")).status).toBe(429);
  });

  it("never exempt a forwarded loopback address (with TRUST_PROXY=true a client can write it), and give a forwarded port no budget of its own", async () => {
    for (let i = 0; i < 3; i++) expect((await from("127.0.0.1")).status).toBe(200);
    expect((await from("127.0.0.1")).status).toBe(429);
    for (let i = 0; i < 3; i++) expect((await from(`198.51.100.30:${4000 + i}`)).status).toBe(200);
    expect((await from("198.51.100.30:5000")).status).toBe(429);
    // A direct call from this machine (no forwarded address) is still exempt.
    const direct = await fetch(`${server.url}graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(direct.status).toBe(200);
  });
});

describe("subscriptions over WebSocket", () => {
  const clients: Client[] = [];
  afterAll(async () => {
    for (const c of clients) await c.dispose();
  });
  /** A graphql-ws client whose upgrade request comes from `address`. */
  function connectFrom(address: string): Client {
    class FromAddress extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { "x-forwarded-for": address } });
      }
    }
    const client = createClient({ url: `${server.url.replace("http", "ws")}subscriptions`, webSocketImpl: FromAddress, retryAttempts: 0, lazy: false });
    clients.push(client);
    return client;
  }
  const firstAnswer = (client: Client) => new Promise<unknown>((resolve) => {
    const stop = client.subscribe({ query: "subscription { graphChanged { version } }" }, {
      next: (r) => resolve(r.errors ?? "event"), error: (e) => resolve(e), complete: () => resolve("completed"),
    });
    // No error within 300 ms: the subscription started (graphChanged only speaks when the graph changes).
    setTimeout(() => {
      stop();
      resolve("started");
    }, 300);
  });

  it("count subscriptions started from one /64 in one budget, whichever address and socket they come from", async () => {
    const a = connectFrom("2001:db8:b:1::1");
    const b = connectFrom("2001:db8:b:1::2");
    expect(await firstAnswer(a)).toBe("started");
    expect(await firstAnswer(b)).toBe("started");
    expect(await firstAnswer(a)).toBe("started");
    const refused = (await firstAnswer(b)) as { extensions: Record<string, unknown> }[];
    expect(refused[0]).toMatchObject({ extensions: { code: "RATE_LIMITED", retryAfterSeconds: expect.any(Number) } });
    const elsewhere = connectFrom("2001:db8:b:2::1");
    expect(await firstAnswer(elsewhere)).toBe("started");
  });

  it("cap open sockets per /64 at the upgrade (WS_MAX_SOCKETS_PER_ADDRESS)", async () => {
    const upgrade = (address: string) => new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url.replace("http", "ws")}subscriptions`, "graphql-transport-ws", { headers: { "x-forwarded-for": address } });
      ws.on("open", () => resolve(101));
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("error", () => resolve(-1));
      sockets.push(ws);
    });
    const sockets: WebSocket[] = [];
    try {
      expect(await upgrade("2001:db8:c:1::1")).toBe(101);
      expect(await upgrade("2001:db8:c:1::2")).toBe(101);
      expect(await upgrade("2001:db8:c:1::3")).toBe(429);
      expect(await upgrade("2001:db8:c:2::1")).toBe(101);
    } finally {
      for (const ws of sockets) ws.terminate();
    }
  });
});
