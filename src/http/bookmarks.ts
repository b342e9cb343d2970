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
 *
 * The MAC covers the graph's epoch too (graph-version.ts: drawn when the version counter is
 * created, so a wiped, reloaded or replaced store has a new one): a bookmark handed out before the
 * store was replaced names a transaction of another store (possibly far ahead of the new one's),
 * and is refused even under a configured secret, which does not change with the store.
 *
 * A process with BOOKMARK_SECRET and one without never accept each other's bookmarks: each records
 * at start how it signs (on the version node), and warns when it finds the other kind recorded.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { GraphQLError } from "graphql";
import { bookmarkSecretOfGraph, CURRENT_VERSION, recordBookmarkSigner, type BookmarkSigners } from "../db/graph-version.js";
import type { Database } from "../db/database.js";

export const BOOKMARK_HEADER = "x-coopgraph-bookmark";

/** More than any answer sends (one bookmark per database written). */
const MAX_BOOKMARKS = 16;
const SIGNED = /^([A-Za-z0-9:_+/=.-]{1,256})~([A-Za-z0-9_-]{22})$/;
/** A graph secret that fails to verify is read again at most this often (the graph was wiped and reloaded). */
const RELOAD_AFTER_MS = 1000;

function badBookmark(message = `${BOOKMARK_HEADER} must hold the bookmarks a mutation's answer sent, unchanged (at most ${MAX_BOOKMARKS})`): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_REQUEST", http: { status: 400 } } });
}

/** The graph's epoch, as known now, and a way to read it again (the server's graph watcher). */
export interface EpochSource {
  readonly epoch: string;
  poll(): Promise<void>;
}

/** An epoch source of its own, for a signer without a watcher: read at start and when a bookmark fails. */
function epochReader(db: Database): EpochSource {
  let epoch = "none";
  return {
    get epoch() {
      return epoch;
    },
    async poll() {
      const [row] = await db.read(CURRENT_VERSION);
      epoch = String(row?.epoch ?? "none");
    },
  };
}

/** A fingerprint of a configured secret, kept on the graph to tell processes with different secrets apart (reveals nothing of it). */
const secretIdOf = (secret: string) => createHmac("sha256", secret).update("coopgraph bookmark secret id").digest("base64url").slice(0, 16);

export class BookmarkSigner {
  /** Newest first: the secret that signs, then the one before it (bookmarks handed out before a change still verify). */
  private secrets: string[] = [];
  private readAt = 0;
  private reloading: Promise<boolean> | undefined;
  /** Whether secrets[0] is the graph's (else this process's own, until the graph's can be read). */
  private fromGraph = false;
  private warned = false;
  private readonly graph: EpochSource;
  /** The epoch before the current one, to tell a bookmark of a replaced store from a forged one. */
  private epochs: { now: string; before?: string } = { now: "none" };

  /**
   * `configured`: BOOKMARK_SECRET; without it, the secret kept in the graph. `graph`: where the
   * graph's epoch is known (the server's watcher, which learns a new one at its own commits at once);
   * without it, the signer reads the epoch itself.
   */
  constructor(private readonly db: Database, private readonly configured?: string, private readonly warn: (msg: string) => void = () => {}, graph?: EpochSource) {
    this.graph = graph ?? epochReader(db);
  }

  private epoch(): string {
    const now = this.graph.epoch;
    if (now !== this.epochs.now) this.epochs = { now, before: this.epochs.now };
    return now;
  }

  /**
   * Reads (or creates) the graph's secret. A database that is away at start does not stop the
   * server: it signs with a secret of its own until the graph's can be read (see `sign`).
   */
  async start(): Promise<this> {
    this.secrets = [randomBytes(32).toString("base64url")];
    if (this.configured) this.secrets = [this.configured];
    try {
      // Also creates the version node, so that the epoch exists before the first bookmark is signed.
      const others = await recordBookmarkSigner(this.db, this.configured ? secretIdOf(this.configured) : undefined);
      if (others) this.warnMixed(others);
      if (!this.configured) await this.readGraphSecret();
      await this.graph.poll();
      this.epoch();
    } catch (err) {
      this.warn(`the bookmarks' secret and the graph's epoch are read from the graph when it answers: ${(err as Error).message}`);
    }
    return this;
  }

  /** A process of the other kind (with BOOKMARK_SECRET, or without), or with another BOOKMARK_SECRET, started over this graph before. */
  private warnMixed(others: BookmarkSigners): void {
    const stale = "(if it runs no longer, this warning is stale)";
    if (this.configured) {
      const graphAt = others.graphAt ?? (others.graphSecret ? "an unknown time" : null);
      if (graphAt) {
        this.warn(`a process without BOOKMARK_SECRET started over this graph at ${graphAt} ${stale}: it signs bookmarks with the graph's own secret, so neither accepts the other's bookmarks (400 BAD_REQUEST); give every process the same BOOKMARK_SECRET`);
      }
      if (others.configuredId && others.configuredId !== secretIdOf(this.configured)) {
        this.warn(`a process with another BOOKMARK_SECRET started over this graph at ${others.configuredAt} ${stale}: neither accepts the other's bookmarks; give every process the same one`);
      }
    } else if (others.configuredAt) {
      this.warn(`a process with BOOKMARK_SECRET started over this graph at ${others.configuredAt} ${stale}: this one signs bookmarks with the graph's own secret, so neither accepts the other's bookmarks (400 BAD_REQUEST); give every process the same BOOKMARK_SECRET`);
    }
  }

  async sign(bookmarks: Iterable<string>): Promise<string> {
    if (!this.configured && !this.fromGraph && !this.warned) await this.readGraphSecret().catch(() => {});
    const epoch = this.epoch();
    return [...bookmarks].map((bookmark) => `${bookmark}~${mac(this.secrets[0]!, epoch, bookmark)}`).join(",");
  }

  /** The Neo4j bookmarks in a header this API signed; BAD_REQUEST for anything else. */
  async verify(header: string | string[] | undefined): Promise<string[]> {
    const values = String(header ?? "").split(",").map((b) => b.trim()).filter(Boolean);
    if (values.length > MAX_BOOKMARKS) throw badBookmark();
    const parsed = values.map((value) => SIGNED.exec(value) ?? (() => { throw badBookmark(); })());
    const signed = (epoch: string) => parsed.every(([, bookmark, sent]) => this.secrets.some((secret) => sameMac(mac(secret, epoch, bookmark!), sent!)));
    if (signed(this.epoch()) || (await this.reloaded() && signed(this.epoch()))) return parsed.map(([, bookmark]) => bookmark!);
    const before = this.epochs.before;
    if (before !== undefined && signed(before)) {
      throw badBookmark(`the bookmark in ${BOOKMARK_HEADER} was handed out before the graph was replaced (wiped and reloaded, or replaced): send the request without it`);
    }
    throw badBookmark();
  }

  /**
   * Whether the graph has a new epoch (read through the watcher) or a new secret (a wiped and
   * reloaded graph gets one: then it signs, and the old one still verifies). At most once a second.
   */
  private reloaded(): Promise<boolean> {
    // Requests verifying while a reload runs wait for it: answered "no change" at once, they would
    // refuse a bookmark signed under the epoch the reload is about to find.
    if (this.reloading) return this.reloading;
    if (Date.now() - this.readAt < RELOAD_AFTER_MS) return Promise.resolve(false);
    this.reloading = this.reload().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async reload(): Promise<boolean> {
    this.readAt = Date.now();
    const epoch = this.epoch();
    // The database away: the bookmark is refused as unknown (the request would fail anyway).
    await this.graph.poll().catch(() => {});
    const secret = this.configured ? false : await this.readGraphSecret().catch(() => false);
    return secret || this.epoch() !== epoch;
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

function mac(secret: string, epoch: string, bookmark: string): string {
  return createHmac("sha256", secret).update(`${epoch}|${bookmark}`).digest("base64url").slice(0, 22);
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
