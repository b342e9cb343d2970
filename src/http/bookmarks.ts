/**
 * Read-your-writes across processes: a mutation's answer carries the bookmark of its commit in
 * `x-coopgraph-bookmark`; a client that sends it back (to any API process) is answered after that
 * write, straight from the database (no cache).
 *
 * Bookmarks go out signed (HMAC-SHA256) and only signed ones are passed to Neo4j. A bookmark names
 * a transaction of the database, and Neo4j waits for that transaction before answering: a forged
 * bookmark naming a transaction far ahead held a request (and a Neo4j connection) for 30 s, the
 * server's bookmark wait, whatever the query's time limit. Every process over one graph signs with
 * the same secret: BOOKMARK_SECRET, or else a random one kept on the graph's version node.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { GraphQLError } from "graphql";
import { BOOKMARK_SECRET_OF_GRAPH, CREATE_BOOKMARK_SECRET } from "../db/graph-version.js";
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
  private secret = "";
  private readAt = 0;

  /** `configured`: BOOKMARK_SECRET; without it, the secret kept in the graph. */
  constructor(private readonly db: Database, private readonly configured?: string, private readonly warn: (msg: string) => void = () => {}) {}

  async start(): Promise<this> {
    this.secret = this.configured ?? await this.secretOfGraph();
    return this;
  }

  sign(bookmarks: Iterable<string>): string {
    return [...bookmarks].map((bookmark) => `${bookmark}~${this.mac(bookmark)}`).join(",");
  }

  /** The Neo4j bookmarks in a header this API signed; BAD_REQUEST for anything else. */
  async verify(header: string | string[] | undefined): Promise<string[]> {
    const values = String(header ?? "").split(",").map((b) => b.trim()).filter(Boolean);
    if (values.length > MAX_BOOKMARKS) throw badBookmark();
    const parsed = values.map((value) => SIGNED.exec(value) ?? (() => { throw badBookmark(); })());
    if (parsed.every(([, bookmark, mac]) => this.matches(bookmark!, mac!))) return parsed.map(([, bookmark]) => bookmark!);
    if (await this.reloaded() && parsed.every(([, bookmark, mac]) => this.matches(bookmark!, mac!))) {
      return parsed.map(([, bookmark]) => bookmark!);
    }
    throw badBookmark();
  }

  private mac(bookmark: string): string {
    return createHmac("sha256", this.secret).update(bookmark).digest("base64url").slice(0, 22);
  }

  private matches(bookmark: string, mac: string): boolean {
    return timingSafeEqual(Buffer.from(this.mac(bookmark)), Buffer.from(mac));
  }

  /** Whether the graph's secret changed since it was read (a wiped graph gets a new one). */
  private async reloaded(): Promise<boolean> {
    if (this.configured || Date.now() - this.readAt < RELOAD_AFTER_MS) return false;
    const before = this.secret;
    this.secret = await this.secretOfGraph();
    return this.secret !== before;
  }

  private async secretOfGraph(): Promise<string> {
    this.readAt = Date.now();
    const [kept] = await this.db.read(BOOKMARK_SECRET_OF_GRAPH);
    if (kept?.secret) return String(kept.secret);
    try {
      const [created] = await this.db.write(CREATE_BOOKMARK_SECRET);
      return String(created!.secret);
    } catch (err) {
      // A read-only account cannot keep one: this process's bookmarks then work with this process only.
      this.warn(`bookmarks are signed with a secret of this process only (set BOOKMARK_SECRET for several processes): ${(err as Error).message}`);
      return randomBytes(32).toString("base64url");
    }
  }
}

/** Sends the signed bookmark of a mutation's commit, for read-your-writes through another process. */
export function registerBookmarks(app: FastifyInstance, signer: BookmarkSigner): void {
  app.addHook("onSend", async (request, reply, payload) => {
    // A shared or browser cache must not answer a request that asks for fresh data, or another caller.
    if (request.graphqlContext) reply.header("vary", `authorization, ${BOOKMARK_HEADER}`);
    if (request.graphqlContext && request.graphqlContext.report.operationKind === "mutation" && request.bookmarks) {
      const bookmarks = [...(await request.bookmarks.getBookmarks())];
      if (bookmarks.length) reply.header(BOOKMARK_HEADER, signer.sign(bookmarks));
    }
    return payload;
  });
}
