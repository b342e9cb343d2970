/**
 * Read-your-writes across processes: a mutation's answer carries the bookmark of its commit in
 * `x-coopgraph-bookmark`; a client that sends it back (to any API process) is answered after that
 * write, straight from the database (no cache).
 *
 * Bookmarks go out signed (HMAC-SHA256) and only signed ones are passed to Neo4j. A bookmark names
 * a transaction of the database, and Neo4j waits for that transaction before answering: a forged
 * bookmark naming a transaction far ahead held a request (and a Neo4j connection) for 30 s, the
 * server's bookmark wait, whatever the query's time limit. Every process over one graph signs with
 * the same secret: BOOKMARK_SECRET, or else a random one kept on the graph's version node (and
 * when the graph gets a new one, the previous one still verifies).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { GraphQLError } from "graphql";
import { bookmarkSecretOfGraph } from "../db/graph-version.js";
import type { Database } from "../db/database.js";

export const BOOKMARK_HEADER = "x-coopgraph-bookmark";

/** More than any answer sends (one bookmark per database written). */
const MAX_BOOKMARKS = 16;
const SIGNED = /^([A-Za-z0-9:_+/=.-]{1,256})~([A-Za-z0-9_-]{22})$/;
/** A graph secret that fails to verify is read again at most this often (the graph was wiped and reloaded). */
const RELOAD_AFTER_MS = 1000;

function badBookmark(): GraphQLError {
  return new GraphQLError(
    `${BOOKMARK_HEADER} must hold the bookmarks a mutation's answer sent, unchanged (at most ${MAX_BOOKMARKS})`,
    { extensions: { code: "BAD_REQUEST", http: { status: 400 } } },
  );
}

export class BookmarkSigner {
  /** Newest first: the secret that signs, then the one before it (bookmarks handed out before a change still verify). */
  private secrets: string[] = [];
  private readAt = 0;
  /** Whether secrets[0] is the graph's (else this process's own, until the graph's can be read). */
  private fromGraph = false;
  private warned = false;

  /** `configured`: BOOKMARK_SECRET; without it, the secret kept in the graph. */
  constructor(private readonly db: Database, private readonly configured?: string, private readonly warn: (msg: string) => void = () => {}) {}

  /**
   * Reads (or creates) the graph's secret. A database that is away at start does not stop the
   * server: it signs with a secret of its own until the graph's can be read (see `sign`).
   */
  async start(): Promise<this> {
    this.secrets = [randomBytes(32).toString("base64url")];
    if (this.configured) this.secrets = [this.configured];
    else await this.readGraphSecret().catch((err: Error) => this.warn(`the bookmarks' secret is read from the graph when it answers: ${err.message}`));
    return this;
  }

  async sign(bookmarks: Iterable<string>): Promise<string> {
    if (!this.configured && !this.fromGraph && !this.warned) await this.readGraphSecret().catch(() => {});
    return [...bookmarks].map((bookmark) => `${bookmark}~${mac(this.secrets[0]!, bookmark)}`).join(",");
  }

  /** The Neo4j bookmarks in a header this API signed; BAD_REQUEST for anything else. */
  async verify(header: string | string[] | undefined): Promise<string[]> {
    const values = String(header ?? "").split(",").map((b) => b.trim()).filter(Boolean);
    if (values.length > MAX_BOOKMARKS) throw badBookmark();
    const parsed = values.map((value) => SIGNED.exec(value) ?? (() => { throw badBookmark(); })());
    const signed = () => parsed.every(([, bookmark, sent]) => this.secrets.some((secret) => sameMac(mac(secret, bookmark!), sent!)));
    if (signed() || (await this.reloaded() && signed())) return parsed.map(([, bookmark]) => bookmark!);
    throw badBookmark();
  }

  /** Whether the graph holds a new secret (a wiped and reloaded graph gets one): then it signs, and the old one still verifies. */
  private async reloaded(): Promise<boolean> {
    if (this.configured || Date.now() - this.readAt < RELOAD_AFTER_MS) return false;
    // The database away: the bookmark is refused as unknown (the request would fail anyway).
    return this.readGraphSecret().catch(() => false);
  }

  /** Signs with the graph's secret from now on; false when it is the one in use, or the account may not keep one. */
  private async readGraphSecret(): Promise<boolean> {
    this.readAt = Date.now();
    const secret = await bookmarkSecretOfGraph(this.db);
    if (!secret) {
      // A read-only account keeps its own secret: replacing it would refuse what it handed out.
      if (!this.fromGraph && !this.warned) this.warn("bookmarks are signed with a secret of this process only: the database account may not keep one in the graph; set BOOKMARK_SECRET for several processes");
      this.warned = true;
      return false;
    }
    this.fromGraph = true;
    if (secret === this.secrets[0]) return false;
    this.secrets = [secret, this.secrets[0]!];
    return true;
  }
}

function mac(secret: string, bookmark: string): string {
  return createHmac("sha256", secret).update(bookmark).digest("base64url").slice(0, 22);
}

function sameMac(expected: string, sent: string): boolean {
  return timingSafeEqual(Buffer.from(expected), Buffer.from(sent));
}

/** Sends the signed bookmark of a mutation's commit, for read-your-writes through another process. */
export function registerBookmarks(app: FastifyInstance, signer: BookmarkSigner): void {
  app.addHook("onSend", async (request, reply, payload) => {
    // A shared or browser cache must not answer a request that asks for fresh data, or another caller.
    // Added to what is there (CORS's "Origin"), not in its place.
    if (request.graphqlContext) reply.header("vary", [reply.getHeader("vary"), "authorization", BOOKMARK_HEADER].filter(Boolean).join(", "));
    if (request.graphqlContext && request.graphqlContext.report.operationKind === "mutation" && request.bookmarks) {
      const bookmarks = [...(await request.bookmarks.getBookmarks())];
      if (bookmarks.length) reply.header(BOOKMARK_HEADER, await signer.sign(bookmarks));
    }
    return payload;
  });
}
