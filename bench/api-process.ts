/**
 * The API as a process of its own (the compiled dist/main.js, built when stale, as `npm start` runs it),
 * on a fixed port, resolved once /health/ready answers: benchmarks measure it from outside, so
 * that the load generator never shares its event loop.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { PROJECT_ROOT } from "../src/config/config.js";
// @ts-expect-error plain JavaScript build script, no declarations
import { build } from "../scripts/build.mjs";

/**
 * The node flags `npm start` runs the API with (package.json's start script; a unit test keeps the
 * two the same), then extra ones for the API only (`BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`:
 * Node refuses --cpu-prof in NODE_OPTIONS).
 */
export const START_NODE_FLAGS: string[] = [];
export const API_NODE_ARGS = [...START_NODE_FLAGS, ...(process.env.BENCH_API_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [])];

export function startApiProcess(port: number, env: Record<string, string>): Promise<ChildProcess> {
  build({ ifStale: true });
  const child = spawn(process.execPath, [...API_NODE_ARGS, "dist/main.js"], {
    cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, PORT: String(port), LOG_LEVEL: "warn", ...env },
  });
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => {
        if (r.ok) {
          clearInterval(poll);
          resolve(child);
        }
      }, () => {});
    }, 250);
    child.once("exit", (code) => {
      clearInterval(poll);
      reject(new Error(`the API exited with ${code} before it was ready`));
    });
  });
}
