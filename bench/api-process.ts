/**
 * The API as a process of its own (src/main.ts, as `npm start` runs it, without the build step),
 * on a fixed port, resolved once /health/ready answers: benchmarks measure it from outside, so
 * that the load generator never shares its event loop.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { PROJECT_ROOT } from "../src/config/config.js";

export function startApiProcess(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
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
