/**
 * Watches the graph's write version (graph-version.ts) from one process: one indexed read a
 * second, whoever made the write (this API, another API process, a CLI import). Listeners get the
 * ids each change touched (`all` when the database was wiped and reloaded); `version` is the
 * newest one known, for cache keys.
 */
import { EventEmitter } from "node:events";
import { CHANGES_SINCE, CURRENT_VERSION, PRUNE_CHANGES, versionKey, type Version } from "./graph-version.js";
import type { Database } from "./database.js";

export interface GraphChangeBatch {
  version: string;
  ids: string[];
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

  constructor(private readonly db: Database, private readonly intervalMs = 1000) {
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

  /** Reads what changed since the last poll; a database that is down is simply tried again next time. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const [row] = await this.db.read(CURRENT_VERSION, {}, { timeoutMs: 2000 });
      const current: Version = { epoch: String(row?.epoch), n: Number(row?.n ?? 0) };
      const seen = this.seen;
      this.seen = current;
      this.raise(current);
      if (!seen || (seen.epoch === current.epoch && seen.n === current.n)) return;
      if (seen.epoch !== current.epoch) {
        this.events.emit("change", { version: versionKey(current), ids: [], all: true });
        return;
      }
      const rows = await this.db.read(CHANGES_SINCE, { since: seen.n, until: current.n }, { timeoutMs: 2000 });
      const ids = [...new Set(rows.flatMap((r) => r.ids as string[]))];
      this.events.emit("change", { version: versionKey(current), ids, all: false });
      if (++this.polls % 3600 === 0) await this.db.write(PRUNE_CHANGES).catch(() => {});
    } catch {
      // Unreachable database: the availability breaker answers requests; try again next tick.
    } finally {
      this.polling = false;
    }
  }
}
