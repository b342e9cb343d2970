/**
 * CPU time from Linux's /proc, for the benchmark's accounting: a process's whole CPU, and the part
 * a HotSpot JVM (Neo4j) spends compiling its own code.
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

/** The benchmark's own CPU time in ms (the floor's client: its driver, and the rest of this process). */
export function cpuMsOfThisProcess(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * CPU time a HotSpot JVM's JIT compiler threads have used so far, in ms: its threads named
 * "C1 CompilerThread0", "C2 CompilerThread1"... (/proc cuts names at 15 characters). NaN when the
 * threads cannot be read or none has that name (another JVM, or not Linux).
 */
export function jitCpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  let total = 0;
  let found = false;
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return NaN;
  }
  for (const task of tasks) {
    try {
      const { name, cpuMs } = parseStat(fs.readFileSync(`/proc/${pid}/task/${task}/stat`, "utf8"));
      if (/^C[12] CompilerThre/.test(name)) {
        total += cpuMs;
        found = true;
      }
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return found ? total : NaN;
}
