/**
 * The one way the code talks to Neo4j: reads in executeRead, writes in executeWrite, values as
 * parameters, every round trip counted (the N+1 tests and the benchmark read the counter).
 */
import neo4j, { type Driver, type ManagedTransaction } from "neo4j-driver";
import type { DatabaseConfig } from "../config/config.js";
import { startManagedNeo4j, type RunningNeo4j } from "./managed-neo4j.js";

export type Params = Record<string, unknown>;
export type Row = Record<string, unknown>;

/** Counts Cypher round trips; one per request lets a test assert the N+1 bound. */
export class QueryCounter {
  count = 0;
  readonly queries: string[] = [];
  record(cypher: string): void {
    this.count += 1;
    if (this.queries.length < 200) this.queries.push(cypher);
  }
}

export interface RunOptions {
  counter?: QueryCounter;
  /** Transaction timeout in ms; the server cuts the query after it. */
  timeoutMs?: number;
}

export class Database {
  constructor(
    readonly driver: Driver,
    readonly databaseName: string | undefined,
    readonly defaultTimeoutMs = 30_000,
  ) {}

  async read(cypher: string, params: Params = {}, opts: RunOptions = {}): Promise<Row[]> {
    this.count(cypher, opts);
    const session = this.driver.session({ database: this.databaseName, defaultAccessMode: neo4j.session.READ });
    try {
      return await session.executeRead((tx) => runRows(tx, cypher, params), this.txConfig(opts));
    } finally {
      await session.close();
    }
  }

  async write(cypher: string, params: Params = {}, opts: RunOptions = {}): Promise<Row[]> {
    this.count(cypher, opts);
    const session = this.driver.session({ database: this.databaseName });
    try {
      return await session.executeWrite((tx) => runRows(tx, cypher, params), this.txConfig(opts));
    } finally {
      await session.close();
    }
  }

  /** Several statements in one write transaction: they land whole or not at all. */
  async writeTransaction<T>(work: (tx: ManagedTransaction) => Promise<T>, opts: RunOptions = {}): Promise<T> {
    this.count("<transaction>", opts);
    const session = this.driver.session({ database: this.databaseName });
    try {
      return await session.executeWrite(work, this.txConfig(opts));
    } finally {
      await session.close();
    }
  }

  /**
   * Streams a read's records one at a time (the driver fetches them in batches as they are
   * consumed), so that an export never holds a whole result in memory.
   */
  async stream(cypher: string, params: Params, onRow: (row: Row) => Promise<void> | void, opts: RunOptions = {}): Promise<number> {
    this.count(cypher, opts);
    const session = this.driver.session({ database: this.databaseName, defaultAccessMode: neo4j.session.READ, fetchSize: 500 });
    try {
      return await session.executeRead(async (tx) => {
        let n = 0;
        for await (const record of tx.run(cypher, toCypherParams(params) as Params)) {
          await onRow(record.toObject() as Row);
          n += 1;
        }
        return n;
      }, this.txConfig(opts));
    } finally {
      await session.close();
    }
  }

  /** Schema statements (constraints, indexes) run in auto-commit transactions. */
  async runSchema(cypher: string): Promise<void> {
    this.count(cypher, {});
    const session = this.driver.session({ database: this.databaseName });
    try {
      await session.run(cypher);
    } finally {
      await session.close();
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  private count(cypher: string, opts: RunOptions): void {
    opts.counter?.record(cypher);
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

/** Runs one statement inside a transaction the caller holds (see writeTransaction). */
export async function runRows(tx: ManagedTransaction, cypher: string, params: Params = {}): Promise<Row[]> {
  const result = await tx.run(cypher, toCypherParams(params) as Params);
  return result.records.map((record) => record.toObject() as Row);
}

export interface Connection {
  db: Database;
  /** Present when the project started (or reused) its managed Neo4j. */
  managed?: RunningNeo4j;
  close(): Promise<void>;
}

export class ConnectionError extends Error {}

/**
 * Connects to NEO4J_URI when set (a server, Aura, or a cluster through neo4j://), otherwise to the
 * managed Neo4j, starting it if it is not running yet.
 */
export async function connect(cfg: DatabaseConfig, log: (line: string) => void = () => {}): Promise<Connection> {
  let managed: RunningNeo4j | undefined;
  let uri = cfg.uri;
  if (!uri) {
    managed = await startManagedNeo4j(cfg.managed, { mode: "attached", log });
    uri = managed.uri;
  }
  const auth = cfg.password ? neo4j.auth.basic(cfg.user, cfg.password) : undefined;
  let driver: Driver;
  try {
    driver = neo4j.driver(uri, auth, { disableLosslessIntegers: true, logging: undefined });
    await driver.verifyConnectivity({ database: cfg.database });
  } catch (err) {
    await managed?.stop();
    throw new ConnectionError(`cannot connect to Neo4j at ${uri}: ${(err as Error).message.split("\n")[0]}`);
  }
  const db = new Database(driver, cfg.database);
  return {
    db,
    managed,
    close: async () => {
      await db.close();
      if (managed?.ownedByUs) await managed.stop();
    },
  };
}
