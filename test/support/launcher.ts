/**
 * `npm start` as users run it (src/main.ts in a child process, its own data dir and ports), for the
 * tests of the managed Neo4j and of database faults.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/config/config.js";

/** As package.json runs them: one node process (the tsx CLI would add a wrapper process). */
export const NODE_ARGS = ["--import", "tsx"];

export interface Launcher {
  dataDir: string;
  env(extra: Record<string, string>): NodeJS.ProcessEnv;
  /** Java processes of this launcher's Neo4j, found by their --home-dir. */
  javaPids(): number[];
  startApi(boltPort: number, extra?: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }>;
  runCli(script: string, extra: Record<string, string>, args?: string[]): ReturnType<typeof spawnSync>;
  cleanup(): void;
}

export function createLauncher(prefix: string): Launcher {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `coopgraph-${prefix}-`));
  const children: ChildProcess[] = [];
  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => {
    const rest = { ...process.env };
    delete rest.NEO4J_URI;
    return { ...rest, COOPGRAPH_DATA_DIR: dataDir, NEO4J_HEAP: "512m", NEO4J_PAGECACHE: "128m", LOG_LEVEL: "info", ...extra };
  };
  return {
    dataDir,
    env,
    javaPids: () => spawnSync("pgrep", ["-f", "--", `--home-dir=${path.join(dataDir, "neo4j")}`], { encoding: "utf8" })
      .stdout.split("\n").filter(Boolean).map(Number),
    startApi: (boltPort, extra = {}) => {
      const child = spawn(process.execPath, [...NODE_ARGS, "src/main.ts"], { cwd: PROJECT_ROOT, env: env({ NEO4J_BOLT_PORT: String(boltPort), PORT: "0", ...extra }) });
      children.push(child);
      let output = "";
      return new Promise((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /playground at (http:\/\/[^\s"]+)/.exec(output);
          if (match) resolve({ child, url: match[1]!, output: () => output });
        };
        child.stdout!.on("data", onData);
        child.stderr!.on("data", onData);
        child.once("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
      });
    },
    runCli: (script, extra, args = []) => spawnSync(process.execPath, [...NODE_ARGS, script, ...args], { cwd: PROJECT_ROOT, env: env(extra), encoding: "utf8", timeout: 120_000 }),
    cleanup: () => {
      for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A port that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return check();
}
