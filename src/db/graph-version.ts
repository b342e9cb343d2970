/**
 * The graph's write version: a counter in the graph that every write transaction raises, with a
 * change record naming what it touched. It is what lets several API processes over one Neo4j
 * agree on "has anything changed?" without talking to each other:
 *   - response caches key their entries by version, so a write makes older answers unreachable;
 *   - each process polls the version (one indexed read a second) to drop its reference cache and
 *     to tell `graphChanged` subscribers what changed.
 */
import type { ManagedTransaction } from "neo4j-driver";
import type { Database } from "./database.js";

/**
 * A version is its counter within an epoch: the epoch is drawn when the counter is created, so a
 * wiped and reloaded database never repeats an earlier version (its counter starts again at 1).
 */
export interface Version {
  epoch: string;
  n: number;
}

export const versionKey = (v: Version) => `${v.epoch}:${v.n}`;

/** Raises the version inside the caller's write transaction; the change record lands with the write or not at all. */
export async function recordChange(tx: ManagedTransaction, ids: readonly string[]): Promise<Version> {
  const unique = [...new Set(ids)];
  // A write touching more than a record keeps says "everything may have changed" (all) instead of a partial list.
  const result = await tx.run(
    `MERGE (v:GraphVersion {id: 'graph'}) ON CREATE SET v.epoch = randomUUID(), v.n = 0
     SET v.n = v.n + 1
     CREATE (c:GraphChange {version: v.n, at: datetime(), ids: $ids, all: $all})
     RETURN v.epoch AS epoch, v.n AS n`,
    { ids: unique.length > MAX_CHANGE_IDS ? [] : unique, all: unique.length > MAX_CHANGE_IDS },
  );
  const record = result.records[0]!;
  return { epoch: String(record.get("epoch")), n: Number(record.get("n")) };
}

/**
 * The version, and the stored aggregates' version (db/aggregates.ts, AggregateState; null while
 * they are being rebuilt or were never built): two unique-constraint seeks, read once a second.
 */
export const CURRENT_VERSION = `OPTIONAL MATCH (v:GraphVersion {id: 'graph'}) OPTIONAL MATCH (s:AggregateState {id: 'aggregates'})
  RETURN coalesce(v.epoch, 'none') AS epoch, coalesce(v.n, 0) AS n, s.version AS aggregates`;

export const CHANGES_PER_READ = 1000;
export const CHANGES_SINCE = `MATCH (c:GraphChange) WHERE c.version > $since AND c.version <= $until
  RETURN c.ids AS ids, coalesce(c.all, false) AS all ORDER BY c.version LIMIT ${CHANGES_PER_READ}`;

/** Ids a change record lists; a write that touches more is recorded as touching everything. */
export const MAX_CHANGE_IDS = 10_000;

/** Change records older than a day are dropped: pollers only ever read the last seconds. */
export const PRUNE_CHANGES = "MATCH (c:GraphChange) WHERE c.at < datetime() - duration('P1D') WITH c LIMIT 10000 DELETE c";

/**
 * The secret that signs the bookmarks the API hands out (src/http/bookmarks.ts), kept on the
 * version node so that every process over the graph signs alike without being configured: read,
 * or created by the first process that asks. Undefined when the account may not write.
 */
export async function bookmarkSecretOfGraph(db: Database): Promise<string | undefined> {
  const [kept] = await db.read("OPTIONAL MATCH (v:GraphVersion {id: 'graph'}) RETURN v.bookmarkSecret AS secret");
  if (kept?.secret) return String(kept.secret);
  try {
    const [created] = await db.write(`MERGE (v:GraphVersion {id: 'graph'}) ON CREATE SET v.epoch = randomUUID(), v.n = 0
      SET v.bookmarkSecret = coalesce(v.bookmarkSecret, randomUUID() + randomUUID())
      RETURN v.bookmarkSecret AS secret`);
    return String(created!.secret);
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith("Neo.ClientError.Security.")) return undefined;
    throw err;
  }
}

/** What a process recorded about how it signs bookmarks, found on the version node at start. */
export interface BookmarkSigners {
  /** When a process with BOOKMARK_SECRET last started over the graph, and a fingerprint of its secret. */
  configuredAt: string | null;
  configuredId: string | null;
  /** When a process without it (signing with the graph's secret) last started; or whether the graph holds that secret at all (releases before this record). */
  graphAt: string | null;
  graphSecret: boolean;
}

/**
 * Records, at start, that this process signs bookmarks with BOOKMARK_SECRET (`secretId`, a
 * fingerprint of it) or with the graph's secret (`secretId` undefined), and returns what the other
 * processes recorded before: a process with the setting and one without over one graph never
 * accept each other's bookmarks (see src/http/bookmarks.ts). Creates the version node if there is
 * none, so that the graph's epoch exists before the first bookmark is signed. Undefined when the
 * account may not write.
 */
export async function recordBookmarkSigner(db: Database, secretId: string | undefined): Promise<BookmarkSigners | undefined> {
  try {
    const [row] = await db.write(`MERGE (v:GraphVersion {id: 'graph'}) ON CREATE SET v.epoch = randomUUID(), v.n = 0
      WITH v, toString(v.bookmarkConfiguredAt) AS configuredAt, v.bookmarkConfiguredId AS configuredId,
           toString(v.bookmarkGraphAt) AS graphAt, v.bookmarkSecret IS NOT NULL AS graphSecret
      SET v.bookmarkConfiguredAt = CASE WHEN $secretId IS NULL THEN v.bookmarkConfiguredAt ELSE datetime() END,
          v.bookmarkConfiguredId = coalesce($secretId, v.bookmarkConfiguredId),
          v.bookmarkGraphAt = CASE WHEN $secretId IS NULL THEN datetime() ELSE v.bookmarkGraphAt END
      RETURN configuredAt, configuredId, graphAt, graphSecret`, { secretId: secretId ?? null });
    return {
      configuredAt: (row?.configuredAt as string | null) ?? null, configuredId: (row?.configuredId as string | null) ?? null,
      graphAt: (row?.graphAt as string | null) ?? null, graphSecret: Boolean(row?.graphSecret),
    };
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith("Neo.ClientError.Security.")) return undefined;
    throw err;
  }
}
