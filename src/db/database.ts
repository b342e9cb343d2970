/**
 * The one way the code talks to Neo4j: reads in executeRead, writes in executeWrite, values as
 * parameters, every round trip counted (the N+1 tests and the benchmark read the counter).
 */
import neo4j, { type BookmarkManager, type Driver, type ManagedTransaction, type Session } from "neo4j-driver";
import type { DatabaseConfig } from "../config/config.js";
import { DatabaseAvailability } from "./availability.js";
import { recordChange, type Version } from "./graph-version.js";
import { startManagedNeo4j, type RunningNeo4j } from "./managed-neo4j.js";
import { Neo4jSupervisor } from "./neo4j-supervisor.js";

export type Params = Record<string, unknown>;
/** The entities a write touched, given up front or computed from the work's result. */
export type ChangedIds<T> = readonly string[] | ((result: T) => readonly string[]);
export type Row = Record<string, unknown>;

/**
 * Counts a request's Cypher round trips (one per request lets a test assert the N+1 bound) and the
 * wall time during which at least one of them was in flight (statements run side by side count
 * once), from the call into the driver until its rows are decoded.
 */
export class QueryCounter {
  count = 0;
  waitedMs = 0;
  readonly queries: string[] = [];
  private inFlight = 0;
  private since = 0;

  record(cypher: string): void {
    this.count += 1;
    if (this.queries.length < 200) this.queries.push(cypher);
  }

  started(cypher: string): void {
    this.record(cypher);
    if (this.inFlight++ === 0) this.since = performance.now();
  }

  finished(): void {
    if (--this.inFlight === 0) this.waitedMs += performance.now() - this.since;
  }

  /** waitedMs, with the statements still in flight counted up to now (an answer can leave before them). */
  waitedSoFarMs(): number {
    return this.waitedMs + (this.inFlight > 0 ? performance.now() - this.since : 0);
  }
}

export interface RunOptions {
  /** Transaction timeout in ms; the server cuts the query after it. */
  timeoutMs?: number;
}

export class Database {
  /** Refuses work at once while Neo4j is known to be unreachable (see availability.ts). */
  readonly availability: DatabaseAvailability;

  constructor(
    readonly driver: Driver,
    readonly databaseName: string | undefined,
    readonly defaultTimeoutMs = 30_000,
    availability?: DatabaseAvailability,
    /** Causal chaining: sessions read after the writes whose bookmarks it holds (see withBookmarks). */
    private readonly bookmarkManager?: BookmarkManager,
    private readonly changeListeners: Set<(version: Version) => void> = new Set(),
    /** A request's counter: every statement through this Database is counted and timed (see forRequest). */
    private readonly counter?: QueryCounter,
  ) {
    this.availability = availability ?? new DatabaseAvailability();
  }

  /** Called with the new write version after each committed write that recorded a change. */
  onCommittedChange(listener: (version: Version) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * The same database, with every session chained through `manager`: a read waits until the
   * server has applied the writes the manager knows of. One per request gives read-your-writes
   * across API processes (and Neo4j cluster members) when the client passes the bookmark on.
   */
  withBookmarks(manager: BookmarkManager): Database {
    return this.derive({ bookmarkManager: manager });
  }

  /** The same database, counting and timing every statement of one request in `counter`. */
  forRequest(counter: QueryCounter): Database {
    return this.derive({ counter });
  }

  /** The same driver, availability and listeners, with a request's bookmark manager or counter. */
  protected derive(changes: { bookmarkManager?: BookmarkManager; counter?: QueryCounter }): Database {
    return new Database(this.driver, this.databaseName, this.defaultTimeoutMs, this.availability,
      changes.bookmarkManager ?? this.bookmarkManager, this.changeListeners, changes.counter ?? this.counter);
  }

  async read(cypher: string, params: Params = {}, opts: RunOptions = {}): Promise<Row[]> {
    return this.single("READ", cypher, params, opts);
  }

  async write(cypher: string, params: Params = {}, opts: RunOptions = {}): Promise<Row[]> {
    return this.single("WRITE", cypher, params, opts);
  }

  /**
   * One statement in a managed transaction (executeRead or executeWrite, retried on transient
   * errors), through the driver's executeQuery, which does not wait for BEGIN's answer before
   * sending the statement (a session's executeRead measured the same here: history, "Round 7"). The
   * bookmark manager is ours (or none): executeQuery's default one would chain every read after every write.
   */
  private async single(mode: "READ" | "WRITE", cypher: string, params: Params, opts: RunOptions): Promise<Row[]> {
    const result = await this.tracked(cypher, () => this.availability.run(() => this.driver.executeQuery(cypher, toCypherParams(params) as Params, {
      routing: mode === "READ" ? neo4j.routing.READ : neo4j.routing.WRITE,
      database: this.databaseName,
      bookmarkManager: this.bookmarkManager ?? null,
      transactionConfig: this.txConfig(opts),
    })));
    return result.records.map((record) => record.toObject() as Row);
  }

  /**
   * Several statements in one write transaction: they land whole or not at all. `changed` names
   * the entities the work touched (or computes them from its result): the transaction then also
   * raises the graph's write version (graph-version.ts), which caches and other processes watch.
   */
  async writeTransaction<T>(work: (tx: ManagedTransaction) => Promise<T>, opts: RunOptions & { changed?: ChangedIds<T> } = {}): Promise<T> {
    const { changed } = opts;
    let version: Version | undefined;
    const result = await this.tracked("<transaction>", () => this.inSession("WRITE", (session) => session.executeWrite(async (tx) => {
      const value = await work(tx);
      const ids = typeof changed === "function" ? changed(value) : changed;
      version = ids?.length ? await recordChange(tx, ids) : undefined;
      return value;
    }, this.txConfig(opts))));
    if (version !== undefined) for (const listener of this.changeListeners) listener(version);
    return result;
  }

  /**
   * Streams a read's records to `onRow` as they arrive (the driver fetches them in batches), so
   * that an export never holds a whole result in memory. It runs in an explicit transaction, not a
   * retried one: rows already handed to a client cannot be taken back, so a retry would repeat them.
   * `signal` (a client that went away) closes the session at once, which makes Neo4j terminate the
   * transaction even before its first row (a rollback would wait for the statement to finish); the
   * read then ends with the rows it handed over, not as a database failure.
   */
  async stream(
    cypher: string, params: Params, onRow: (row: Row) => Promise<void> | void, opts: RunOptions & { signal?: AbortSignal } = {},
  ): Promise<number> {
    const { signal } = opts;
    return this.tracked(cypher, () => this.availability.run(async () => {
      const session = this.driver.session({ database: this.databaseName, defaultAccessMode: neo4j.session.READ, fetchSize: 500, bookmarkManager: this.bookmarkManager });
      // Before the first row nothing reaches the loop to stop it: closing the session is what ends
      // the statement then. Once rows flow, the loop stops at the next one and discards the rest.
      let flowing = false;
      let closedEarly = false;
      const stop = () => {
        if (flowing) return;
        closedEarly = true;
        void session.close().catch(() => {});
      };
      signal?.addEventListener("abort", stop, { once: true });
      let n = 0;
      try {
        if (signal?.aborted) return 0;
        const tx = await session.beginTransaction(this.txConfig(opts));
        // Iterated by hand: after an early close, leaving a for-await loop would send DISCARD on a
        // connection already back in the pool, and fail the next statement there.
        const records = tx.run(cypher, toCypherParams(params) as Params)[Symbol.asyncIterator]();
        try {
          for (let next = await records.next(); !next.done; next = await records.next()) {
            flowing = true;
            if (signal?.aborted) break;
            await onRow(next.value.toObject() as Row);
            n += 1;
          }
        } finally {
          if (!closedEarly) {
            await records.return?.().catch(() => {});
            if (tx.isOpen()) await tx.rollback().catch(() => {});
          }
        }
        return n;
      } catch (err) {
        if (signal?.aborted) return n;
        throw err;
      } finally {
        signal?.removeEventListener("abort", stop);
        await session.close();
      }
    }));
  }

  private async inSession<T>(mode: "READ" | "WRITE", work: (session: Session) => Promise<T>): Promise<T> {
    return this.availability.run(async () => {
      const session = this.driver.session({ database: this.databaseName, defaultAccessMode: neo4j.session[mode], bookmarkManager: this.bookmarkManager });
      try {
        return await work(session);
      } finally {
        await session.close();
      }
    });
  }

  /** Schema statements (constraints, indexes) run in auto-commit transactions. */
  async runSchema(cypher: string): Promise<void> {
    this.counter?.record(cypher);
    const session = this.driver.session({ database: this.databaseName });
    try {
      await session.run(cypher);
    } finally {
      await session.close();
    }
  }

  async close(): Promise<void> {
    this.availability.shutdown();
    await this.driver.close();
  }

  /** Counts and times `work` in the request's counter, if there is one. */
  private async tracked<T>(cypher: string, work: () => Promise<T>): Promise<T> {
    const counter = this.counter;
    if (!counter) return work();
    counter.started(cypher);
    try {
      return await work();
    } finally {
      counter.finished();
    }
  }

  private txConfig(opts: RunOptions) {
    return { timeout: opts.timeoutMs ?? this.defaultTimeoutMs };
  }
}

/**
 * JavaScript numbers reach Cypher as floats, which LIMIT and integer properties refuse:
 * whole numbers are sent as Cypher integers.
 */
export function toCypherParams(value: unknown): unknown {
  if (typeof value === "number" && Number.isSafeInteger(value)) return neo4j.int(value);
  if (Array.isArray(value)) return value.map(toCypherParams);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCypherParams(v)]));
  }
  return value;
}

/** Rows for `UNWIND $rows` statements, `size` at a time (one statement or transaction per batch). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs one statement inside a transaction the caller holds (see writeTransaction). */
export async function runRows(tx: ManagedTransaction, cypher: string, params: Params = {}): Promise<Row[]> {
  const result = await tx.run(cypher, toCypherParams(params) as Params);
  return result.records.map((record) => record.toObject() as Row);
}

export interface Connection {
  db: Database;
  /** Present when the project started (or reused) its managed Neo4j. */
  managed?: RunningNeo4j;
  /** Present when the managed Neo4j is restarted after a crash (the API asks for it). */
  supervisor?: Neo4jSupervisor;
  close(): Promise<void>;
}

export class ConnectionError extends Error {}

/**
 * Connects to NEO4J_URI when set (a server, Aura, or a cluster through neo4j://), otherwise to the
 * managed Neo4j, starting it if it is not running yet.
 */
export interface ConnectOptions {
  log?: (line: string) => void;
  /**
   * How long the driver retries a transaction that failed for a transient reason. The API keeps it
   * short so that a request answers within about a second when the database is down; batch
   * commands (imports) can afford the driver's default of 30 s.
   */
  maxRetryTimeMs?: number;
  /** Restart the managed Neo4j when it dies (the API does; one-shot commands do not). */
  supervise?: boolean;
}

/**
 * The queries that every API request leans on (the full-text name index, label scans, the planner),
 * run once on a freshly restarted server so that real requests do not pay for its cold start.
 */
async function warmUp(driver: Driver, database: string | undefined): Promise<void> {
  const statements = [
    "CALL db.index.fulltext.queryNodes('entity_search', 'names:(unodc OR peru OR chile)') YIELD node RETURN count(node) AS n",
    "MATCH (p:Project)<-[r:PARTICIPATES_IN]-(a:Actor) RETURN count(r) AS n",
    "MATCH (a:Actor)-[:BASED_IN]->(c:Country) RETURN count(c) AS n",
  ];
  // One round: it loads what the first real requests need into the page cache and the plan cache;
  // more rounds only delayed recovery after a crash (three took about 2 s more here).
  for (const cypher of statements) await driver.executeQuery(cypher, {}, { database, routing: neo4j.routing.READ }).catch(() => {});
}

/** Driver settings: fail within about a second and a half when the server cannot be reached. */
export function driverConfig(maxRetryTimeMs = 30_000) {
  return {
    disableLosslessIntegers: true,
    logging: undefined,
    connectionTimeout: 1500,
    connectionAcquisitionTimeout: 3000,
    maxTransactionRetryTime: maxRetryTimeMs,
  };
}

export async function connect(cfg: DatabaseConfig, opts: ConnectOptions | ((line: string) => void) = {}): Promise<Connection> {
  const { log = () => {}, maxRetryTimeMs, supervise = false } = typeof opts === "function" ? { log: opts } : opts;
  let managed: RunningNeo4j | undefined;
  let uri = cfg.uri;
  if (!uri) {
    managed = await startManagedNeo4j(cfg.managed, { mode: "attached", log });
    uri = managed.uri;
  }
  const auth = cfg.password ? neo4j.auth.basic(cfg.user, cfg.password) : undefined;
  let driver: Driver;
  try {
    driver = neo4j.driver(uri, auth, driverConfig(maxRetryTimeMs));
    await driver.verifyConnectivity({ database: cfg.database });
  } catch (err) {
    await managed?.stop();
    throw new ConnectionError(`cannot connect to Neo4j at ${uri}: ${(err as Error).message.split("\n")[0]}`);
  }
  const availability = new DatabaseAvailability({
    onChange: (state) => log(state === "available" ? "the database answers again" : `the database at ${uri} is unreachable; answering 503 until it is back`),
  });
  const db = new Database(driver, cfg.database, undefined, availability);
  const supervisor = managed && supervise ? new Neo4jSupervisor(cfg.managed, managed, {
    log, onDown: () => availability.hold(), onUp: () => availability.release(), warmUp: () => warmUp(driver, cfg.database),
  }).start() : undefined;
  return {
    db,
    managed,
    supervisor,
    close: async () => {
      await db.close();
      if (supervisor) await supervisor.stop();
      else if (managed?.ownedByUs) await managed.stop();
    },
  };
}
