/**
 * Watches the graph's write version (graph-version.ts) from one process: one indexed read a
 * second, whoever made the write (this API, another API process, a CLI import). Listeners get the
 * ids each change touched (`all` when the database was wiped and reloaded); `version` is the
 * newest one known, for cache keys.
 */
import { EventEmitter } from "node:events";
import { CHANGES_PER_READ, CHANGES_SINCE, CURRENT_VERSION, PRUNE_CHANGES, versionKey, type Version } from "./graph-version.js";
import { AGGREGATE_LABELS, AGGREGATE_RELATIONSHIP_TYPES, AGGREGATES_VERSION } from "./aggregates.js";
import type { Database } from "./database.js";
import { migrationSchemaNames, ONLINE_SCHEMA } from "./migrations.js";

/** The labels and relationship type of the aggregates: the indexes and constraints on them are what AGGREGATES_STALE guards. */
const AGGREGATE_SCHEMA = new RegExp(`\\b(${[...AGGREGATE_LABELS, "AggregateState", ...AGGREGATE_RELATIONSHIP_TYPES].join("|")})\\b`);

/**
 * Why this process must not answer from the aggregates (db/aggregates.ts): the graph's stored
 * aggregates are of another version than this code's (or missing: a bulk load or a rebuild is
 * under way, or the migrations never ran), or an index or constraint of the migrations is missing
 * or not online. Reads of the aggregates would be wrong (tallies of another definition) or fail
 * (a forced index that is not there); they are refused with this instead (domain/context.ts).
 */
export interface ServingProblem {
  code: "AGGREGATES_STALE";
  message: string;
  storedAggregates: number | null;
  expectedAggregates: number;
  missingSchema: string[];
}

let expectedSchema: string[] | undefined;

export function servingProblem(storedAggregates: number | null, missingSchema: string[]): ServingProblem | undefined {
  if (storedAggregates === AGGREGATES_VERSION && !missingSchema.length) return undefined;
  const parts: string[] = [];
  if (storedAggregates === null) {
    parts.push(`the graph holds no current aggregates (a bulk load or a rebuild is under way, or the migrations never ran); this code reads version ${AGGREGATES_VERSION}`);
  } else if (storedAggregates !== AGGREGATES_VERSION) {
    parts.push(`the graph's aggregates are version ${storedAggregates}, this code reads version ${AGGREGATES_VERSION}`);
  }
  if (missingSchema.length) parts.push(`indexes or constraints of the migrations missing or not online: ${missingSchema.slice(0, 10).join(", ")}`);
  const fix = storedAggregates !== null && storedAggregates > AGGREGATES_VERSION
    ? "this process runs older code than the graph's: run the release that wrote them (`npm run db:migrate` refuses to rebuild them older; `-- --downgrade` forces it)"
    : "run `npm run db:migrate` (or restart with `npm start`), which applies the migrations and rebuilds the aggregates; a bulk load under way rebuilds them when it ends";
  return {
    code: "AGGREGATES_STALE",
    message: `answers from the aggregates are refused: ${parts.join("; ")}. To fix: ${fix}`,
    storedAggregates,
    expectedAggregates: AGGREGATES_VERSION,
    missingSchema,
  };
}

export interface GraphChangeBatch {
  version: string;
  ids: string[];
  /** The ids of each write in the batch, in order (subscribers' filters are read per write). */
  writes: string[][];
  /** The whole graph may have changed (a new epoch: the database was wiped). */
  all: boolean;
}

export class GraphWatcher {
  private readonly events = new EventEmitter();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private polls = 0;
  /** The newest version whose changes were read and told to listeners. */
  private seen: Version | undefined;
  /**
   * The newest version known to this process: raised at once when this process commits a write,
   * so that its own next read never gets an answer cached before it.
   */
  private newest: Version = { epoch: "none", n: 0 };

  private readonly unsubscribe: () => void;
  /** The stored aggregates' version (null: none) and the migrations' schema that is not online; undefined until read. */
  private aggregates: number | null | undefined;
  private missingSchema: string[] | undefined;
  private statePolls = 0;
  private problemNow: ServingProblem | undefined;
  private rechecking: Promise<ServingProblem | undefined> | undefined;
  private inFlight: Promise<void> | undefined;
  private recheckedAt = 0;

  /** `schemaEvery`: the schema is checked at start, on a new epoch, and every that many polls (30 s by default). */
  constructor(private readonly db: Database, private readonly intervalMs = 1000, private readonly schemaEvery = Math.max(1, Math.round(30_000 / intervalMs))) {
    this.events.setMaxListeners(0);
    this.unsubscribe = db.onCommittedChange((version) => {
      this.raise(version);
      void this.poll();
    });
  }

  /** The cache key of the newest version known. */
  get version(): string {
    return versionKey(this.newest);
  }

  /** The graph's epoch (drawn when its version counter is created: a wiped or replaced store gets a new one); "none" before. */
  get epoch(): string {
    return this.newest.epoch;
  }

  /**
   * Why reads of the aggregates must be refused now, or undefined: a field read, cheap per request.
   * Unknown (the database unreachable since start) counts as no problem: the availability breaker answers then.
   */
  get problem(): ServingProblem | undefined {
    return this.problemNow;
  }

  /**
   * The problem read again from the graph before a request is refused for it, so that a fix (the end
   * of a rebuild) is not refused for up to a poll: one read shared by the requests that ask at once,
   * at most every 200 ms. Only ever called while there is a problem.
   */
  recheck(): Promise<ServingProblem | undefined> {
    if (!this.problemNow) return Promise.resolve(undefined);
    if (this.rechecking) return this.rechecking;
    if (Date.now() - this.recheckedAt < 200) return Promise.resolve(this.problemNow);
    this.rechecking = (async () => {
      try {
        const [row] = await this.db.read(CURRENT_VERSION, {}, { timeoutMs: 2000 });
        await this.checkServingState(row?.aggregates, false);
      } catch {
        // Unreachable: keep what is known; the availability breaker answers.
      } finally {
        this.recheckedAt = Date.now();
        this.rechecking = undefined;
      }
      return this.problemNow;
    })();
    return this.rechecking;
  }

  /** Called when the problem appears, changes or goes away. */
  onProblem(listener: (problem: ServingProblem | undefined) => void): () => void {
    this.events.on("problem", listener);
    return () => this.events.off("problem", listener);
  }

  async start(): Promise<this> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    this.unsubscribe();
    clearInterval(this.timer);
    this.events.removeAllListeners();
  }

  onChange(listener: (batch: GraphChangeBatch) => void): () => void {
    this.events.on("change", listener);
    return () => this.events.off("change", listener);
  }

  private raise(version: Version): void {
    if (version.epoch !== this.newest.epoch || version.n > this.newest.n) this.newest = version;
  }

  /** Tells the listeners what changed between two versions read (nothing when they are the same). */
  private async tell(seen: Version | undefined, current: Version): Promise<void> {
    if (!seen || (seen.epoch === current.epoch && seen.n === current.n)) return;
    const all = () => this.emitChange({ version: versionKey(current), ids: [], writes: [], all: true });
    if (seen.epoch !== current.epoch) return all();
    // A read of the ids that fails (a timeout under load) says everything may have changed, as do
    // more changes than one read returns (polls missed during a long outage) and a write too large to list.
    const rows = await this.db.read(CHANGES_SINCE, { since: seen.n, until: current.n }, { timeoutMs: 2000 }).catch(() => undefined);
    if (!rows || rows.length >= CHANGES_PER_READ || rows.some((r) => r.all === true)) return all();
    const writes = rows.map((r) => r.ids as string[]);
    this.emitChange({ version: versionKey(current), ids: [...new Set(writes.flat())], writes, all: false });
  }

  /** Every listener hears the change, even when one before it throws (the cache keys move after). */
  private emitChange(batch: GraphChangeBatch): void {
    for (const listener of this.events.listeners("change")) {
      try {
        (listener as (b: GraphChangeBatch) => void)(batch);
      } catch {
        // A listener's own fault (a subscriber gone): the others still clear what is stale.
      }
    }
  }

  /** Keeps `problem` current: the aggregates' version at every poll, the schema now and then. */
  private async checkServingState(stored: unknown, newEpoch: boolean): Promise<void> {
    const aggregates = stored === null || stored === undefined ? null : Number(stored);
    let missing = this.missingSchema;
    // While something is wrong, at every poll: a fix (`npm run db:migrate`) is seen within a poll.
    if (missing === undefined || newEpoch || this.problemNow || ++this.statePolls % this.schemaEvery === 0) {
      try {
        const [row] = await this.db.read(ONLINE_SCHEMA, {}, { timeoutMs: 2000 });
        const online = new Set(row?.names as string[]);
        // Only what the aggregate reads use: a full-text index still populating must not refuse them.
        expectedSchema ??= migrationSchemaNames(undefined, AGGREGATE_SCHEMA);
        missing = expectedSchema.filter((name) => !online.has(name));
      } catch {
        // An account that may not list indexes (or a database gone since the version read): the
        // schema stays as last known, and the version poll goes on.
        missing = this.missingSchema ?? [];
      }
    }
    if (aggregates === this.aggregates && missing.join() === this.missingSchema?.join()) return;
    this.aggregates = aggregates;
    this.missingSchema = missing;
    const before = this.problemNow;
    this.problemNow = servingProblem(aggregates, missing);
    if (before?.message !== this.problemNow?.message) this.events.emit("problem", this.problemNow);
  }

  /**
   * Reads what changed since the last poll; a database that is down is simply tried again next
   * time. A call while a poll runs waits for that one.
   */
  poll(): Promise<void> {
    this.inFlight ??= this.pollOnce().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async pollOnce(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const [row] = await this.db.read(CURRENT_VERSION, {}, { timeoutMs: 2000 });
      const current: Version = { epoch: String(row?.epoch), n: Number(row?.n ?? 0) };
      const seen = this.seen;
      this.seen = current;
      // The cache keys move to the new version only once the change has reached the caches
      // (listeners clear what it makes stale): an answer built in between from a stale cached
      // resolution would otherwise be kept under the new version.
      try {
        await this.tell(seen, current);
      } finally {
        this.raise(current);
      }
      await this.checkServingState(row?.aggregates, !seen || seen.epoch !== current.epoch);
      if (++this.polls % 3600 === 0) await this.db.write(PRUNE_CHANGES).catch(() => {});
    } catch {
      // Unreachable database: the availability breaker answers requests; try again next tick.
    } finally {
      this.polling = false;
    }
  }
}
