/**
 * In-process graph algorithms run in a pool of worker threads (piscina), so that one heavy
 * computation never stalls the requests around it. Each task has a time budget (its thread is
 * stopped when the budget runs out) and the pool has a concurrency cap: beyond `maxQueue` waiting
 * tasks, new ones are refused at once with LIMIT_EXCEEDED rather than piling up.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { userError, ErrorCode } from "../shared/errors.js";
import type { CentralityTask } from "./centrality.worker.js";

export interface GraphWorkerOptions {
  threads: number;
  timeoutMs: number;
  maxQueue?: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const compiled = import.meta.url.endsWith(".js");

export class GraphWorkers {
  private readonly pool: Piscina;

  constructor(private readonly opts: GraphWorkerOptions) {
    this.pool = new Piscina({
      filename: path.join(here, `centrality.worker.${compiled ? "js" : "ts"}`),
      minThreads: 0,
      maxThreads: Math.max(1, opts.threads),
      maxQueue: opts.maxQueue ?? 4,
      idleTimeout: 30_000,
      // Under tsx (npm start from source, tests) the worker loads TypeScript the same way.
      execArgv: compiled ? [] : ["--import", "tsx"],
    });
  }

  async centrality(task: CentralityTask): Promise<[string, number][]> {
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    try {
      return (await this.pool.run(task, { signal })) as [string, number][];
    } catch (err) {
      if (signal.aborted) {
        throw userError(`the computation was stopped after its time budget of ${this.opts.timeoutMs} ms; narrow the filter`, ErrorCode.QUERY_TIMEOUT, { limitMs: this.opts.timeoutMs });
      }
      if (/queue is at limit/i.test((err as Error).message)) {
        throw userError("too many graph computations are running; try again shortly", ErrorCode.LIMIT_EXCEEDED);
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
