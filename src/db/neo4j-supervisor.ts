/**
 * Keeps the managed Neo4j running under the API: when its process dies (a crash, an OOM kill, a
 * stray `kill -9`), the supervisor starts it again with the same data folder and port, waiting
 * longer after each failed attempt (bounded backoff), and logs what it does. The driver reconnects
 * by itself and the availability breaker lets traffic through again, so the API never restarts.
 *
 * A deliberate stop (`npm run db:stop`, or the API shutting down) marks the state file first and
 * is not undone.
 */
import type { ManagedNeo4jConfig } from "../config/config.js";
import { hasStateFile, isAlive, isStopping, startManagedNeo4j, type RunningNeo4j } from "./managed-neo4j.js";

export interface SupervisorOptions {
  log: (line: string) => void;
  /** Called when the server is found dead, and when it answers again. */
  onDown?: () => void;
  onUp?: () => void;
  /** Runs before onUp: a fresh JVM answers its first queries slowly; better to pay that before traffic. */
  warmUp?: () => Promise<void>;
  /** How often the process is checked. */
  checkIntervalMs?: number;
  /** Backoff between restart attempts: doubles from `minBackoffMs` up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export class Neo4jSupervisor {
  private current: RunningNeo4j;
  private timer: NodeJS.Timeout | undefined;
  private restarting: Promise<void> | undefined;
  private stopped = false;
  /** How many times the server was restarted (health and tests read it). */
  restarts = 0;

  constructor(
    private readonly cfg: ManagedNeo4jConfig,
    initial: RunningNeo4j,
    private readonly opts: SupervisorOptions,
  ) {
    this.current = initial;
  }

  get neo4j(): RunningNeo4j {
    return this.current;
  }

  start(): this {
    this.timer = setInterval(() => this.check(), this.opts.checkIntervalMs ?? 500);
    this.timer.unref();
    return this;
  }

  /** Stops watching, then stops the server if this process started it. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.restarting?.catch(() => {});
    if (this.current.ownedByUs) await this.current.stop();
  }

  private check(): void {
    if (this.stopped || this.restarting) return;
    const { pid } = this.current.state;
    // A crash leaves the state file; a deliberate stop (db:stop) marks it, then removes it.
    if (isAlive(pid) || isStopping(this.cfg) || !hasStateFile(this.cfg)) return;
    this.opts.log(`Neo4j (pid ${pid}) has stopped unexpectedly; restarting it`);
    this.opts.onDown?.();
    this.restarting = this.restart().finally(() => (this.restarting = undefined));
  }

  private async restart(): Promise<void> {
    let backoff = this.opts.minBackoffMs ?? 1000;
    for (let attempt = 1; !this.stopped; attempt += 1) {
      try {
        this.current = await startManagedNeo4j(this.cfg, { mode: "attached", log: this.opts.log });
        this.restarts += 1;
        await this.opts.warmUp?.().catch(() => {});
        this.opts.log(`Neo4j is back (restart ${this.restarts}, attempt ${attempt})`);
        this.opts.onUp?.();
        return;
      } catch (err) {
        this.opts.log(`restarting Neo4j failed (attempt ${attempt}): ${(err as Error).message.split("\n")[0]}; next try in ${backoff / 1000}s`);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, this.opts.maxBackoffMs ?? 30_000);
      }
    }
  }
}
