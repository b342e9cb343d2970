/**
 * CPU time and memory from Linux's /proc, for the benchmarks' accounting: a process's whole CPU, the
 * part a HotSpot JVM (Neo4j) spends compiling its own code, and a process's resident memory.
 */
import fs from "node:fs";

/** Linux reports /proc times in USER_HZ ticks, 100 a second on every architecture Node runs on here. */
const CLOCK_TICKS = 100;

/** A stat line's command name (between the first "(" and the last ")": a name may hold one) and its utime + stime in ms. */
function parseStat(stat: string): { name: string; cpuMs: number } {
  // Fields after the name: utime and stime are the 12th and 13th, in clock ticks.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS };
}

/** CPU time (user + system) a process has used so far, in ms; NaN when it cannot be read. */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    return parseStat(fs.readFileSync(`/proc/${pid}/stat`, "utf8")).cpuMs;
  } catch {
    return NaN;
  }
}

/** A memory figure of a process's /proc status, in bytes: VmRSS (resident now) or VmHWM (its peak); undefined when unreadable. */
export function memoryOf(pid: number | undefined, field: "VmRSS" | "VmHWM"): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** The benchmark's own CPU time in ms (the floor's client: its driver, and the rest of this process). */
export function cpuMsOfThisProcess(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * The CPU time a HotSpot JVM's JIT compiler threads have used, in ms: its threads named
 * "C1 CompilerThread0", "C2 CompilerThread1"... (/proc cuts names at 15 characters). HotSpot starts
 * and ends compiler threads as work comes and goes (UseDynamicNumberOfCompilerThreads, on by
 * default), and an ended thread's CPU leaves /proc with it: the meter samples the threads every
 * 50 ms and keeps each one's last reading. HotSpot ends a compiler thread after it idled (100 ms
 * for C2, 500 ms for C1), so a sample after its last work usually comes before it ends; what one
 * does in the last 50 ms before it idles can still be missed.
 */
export class JitMeter {
  /** Live compiler threads' CPU at their last reading, by thread id. */
  private readonly live = new Map<string, number>();
  /** CPU of compiler threads that have ended. */
  private ended = 0;
  private found = false;
  /** Live threads with another name, not read again (a sample then costs a listing and 1-3 reads). */
  private readonly others = new Set<string>();

  constructor(private readonly pid: number | undefined) {
    this.sample();
    // About 0.1 ms a sample. Unreferenced: the meter never keeps the benchmark alive.
    setInterval(() => this.sample(), 50).unref();
  }

  /** CPU ms of the compiler threads so far; NaN when none could be read (another JVM, not Linux). */
  read(): number {
    this.sample();
    if (!this.found) return NaN;
    let total = this.ended;
    for (const ms of this.live.values()) total += ms;
    return total;
  }

  private sample(): void {
    if (this.pid === undefined) return;
    let tasks: Set<string>;
    try {
      tasks = new Set(fs.readdirSync(`/proc/${this.pid}/task`));
    } catch {
      return;
    }
    // Threads gone from the listing: a compiler thread's last reading is kept, and an id the
    // kernel hands to a new thread later is read afresh.
    for (const [task, ms] of this.live) {
      if (!tasks.has(task)) {
        this.ended += ms;
        this.live.delete(task);
      }
    }
    for (const task of this.others) if (!tasks.has(task)) this.others.delete(task);
    for (const task of tasks) {
      if (this.others.has(task)) continue;
      try {
        const { name, cpuMs } = parseStat(fs.readFileSync(`/proc/${this.pid}/task/${task}/stat`, "utf8"));
        if (/^C[12] CompilerThre/.test(name)) {
          // Less than before: the id went to a new compiler thread between two samples.
          const before = this.live.get(task) ?? 0;
          if (cpuMs < before) this.ended += before;
          this.live.set(task, cpuMs);
          this.found = true;
        } else {
          this.others.add(task);
        }
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  }
}
