/**
 * Fails fast while Neo4j is unreachable. Without it, every request waits out the driver's
 * connection and retry timeouts (seconds each) and a dashboard's requests pile up behind them.
 *
 * A circuit breaker (opossum) watches the outcome of every database call. Errors that mean "the
 * database cannot be reached" open it; while open, calls are refused at once with
 * DatabaseUnavailableError. After `probeIntervalMs` one call is let through as a probe: if it
 * succeeds the breaker closes and traffic flows again, with no restart of anything.
 * Errors that are the query's own (syntax, constraint, timeout) do not count.
 */
import CircuitBreaker from "opossum";

export class DatabaseUnavailableError extends Error {
  readonly code = "DATABASE_UNAVAILABLE";
  constructor(cause?: unknown) {
    super("the database is unavailable; try again shortly", { cause });
  }
}

const UNAVAILABLE_CODES = new Set(["ServiceUnavailable", "SessionExpired"]);

/**
 * Whether an error from the driver means the database cannot be reached (as opposed to a bad
 * query). Only driver errors count: a client error (Neo.ClientError.*) or any GraphQL error may
 * quote user input, and a name like "ECONNRESET" must not take the API down. A full connection
 * pool (acquisition timeout) is load, not an outage, and does not count either.
 */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  const e = err as { code?: string; message?: string; name?: string } | null;
  if (!e || e.name === "GraphQLError") return false;
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
  if (e.code?.startsWith("Neo.")) return false;
  // Socket-level failures the driver reports without a Neo4j status code.
  return e.name === "Neo4jError" && /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Failed to connect to server/.test(e.message ?? "");
}

export interface AvailabilityOptions {
  /** How long the breaker stays open before it lets one probe through. */
  probeIntervalMs?: number;
  onChange?: (state: "available" | "unavailable") => void;
}

type Work = () => Promise<unknown>;

export class DatabaseAvailability {
  private readonly breaker: CircuitBreaker<[Work], unknown>;

  constructor(opts: AvailabilityOptions = {}) {
    this.breaker = new CircuitBreaker((work: Work) => work(), {
      timeout: false, // queries carry their own transaction timeouts
      resetTimeout: opts.probeIntervalMs ?? 1000,
      errorFilter: (err: unknown) => !isUnavailable(err),
    });
    // Every call in flight listens for "open" (see run); there may be hundreds at once.
    this.breaker.setMaxListeners(0);
    this.breaker.on("open", () => opts.onChange?.("unavailable"));
    this.breaker.on("close", () => opts.onChange?.("available"));
  }

  private held = false;

  get available(): boolean {
    return !this.held && !this.breaker.opened;
  }

  /**
   * Known down until `release()`: the supervisor holds it while it restarts Neo4j, whose Bolt port
   * answers before its databases do (queries then hang until their timeout instead of failing).
   */
  hold(): void {
    this.held = true;
    if (!this.breaker.opened) this.breaker.open();
  }

  release(): void {
    this.held = false;
    this.breaker.close();
  }

  /**
   * Runs database work through the breaker; refuses it at once while the database is known down.
   * Work already in flight when the database goes down is answered at once too: the driver would
   * otherwise keep it in its retry loop for up to its retry time.
   */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.held) throw new DatabaseUnavailableError();
    let stop = () => {};
    const down = new Promise<never>((_, reject) => {
      stop = () => reject(new DatabaseUnavailableError());
      this.breaker.once("open", stop);
    });
    down.catch(() => {});
    try {
      return (await Promise.race([this.breaker.fire(work), down])) as T;
    } catch (err) {
      if ((err as { code?: string }).code === "EOPENBREAKER") throw new DatabaseUnavailableError(err);
      if (!isUnavailable(err)) throw err;
      // One unreachable-database error is enough to know: stop sending work until a probe succeeds.
      if (!this.breaker.opened) this.breaker.open();
      throw new DatabaseUnavailableError(err);
    } finally {
      this.breaker.removeListener("open", stop);
    }
  }

  shutdown(): void {
    this.breaker.shutdown();
  }
}
