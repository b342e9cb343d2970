/**
 * The embedded default as users run it: `npm start` (src/main.ts) in a child process, with its own
 * data dir and port. It must start Neo4j, seed it, serve, and never leave a java process behind.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/config.js";

/** As package.json runs them: one node process (the tsx CLI would add a wrapper process). */
const NODE_ARGS = ["--import", "tsx"];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "coopgraph-launcher-"));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const rest = { ...process.env };
  delete rest.NEO4J_URI;
  return { ...rest, COOPGRAPH_DATA_DIR: dataDir, NEO4J_HEAP: "512m", NEO4J_PAGECACHE: "128m", ...extra };
}

/** Java processes of this test's Neo4j, found by their --home-dir. */
function javaPids(): number[] {
  const out = spawnSync("pgrep", ["-f", "--", `--home-dir=${path.join(dataDir, "neo4j")}`], { encoding: "utf8" }).stdout;
  return out.split("\n").filter(Boolean).map(Number);
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return check();
}

/** Starts `npm start`'s entry point and resolves with the API's URL once it says it is ready. */
function startApi(boltPort: number): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [...NODE_ARGS, "src/main.ts"], { cwd: PROJECT_ROOT, env: env({ NEO4J_BOLT_PORT: String(boltPort), PORT: "0" }) });
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /playground at (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]!, output: () => output });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

function runCli(script: string, extra: Record<string, string>) {
  return spawnSync(process.execPath, [...NODE_ARGS, script], { cwd: PROJECT_ROOT, env: env(extra), encoding: "utf8", timeout: 120_000 });
}

describe("the managed Neo4j", () => {
  it("starts with npm start, is seeded, is reused by npm run seed, and stops with SIGTERM", async () => {
    const { child, url } = await startApi(17701);
    const res = await fetch(`${url}graphql`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ project(reference: "Cybercrime Conferences") { participantCount } }` }),
    });
    expect(await res.json()).toEqual({ data: { project: { participantCount: 5 } } });
    expect(javaPids().length).toBe(1);

    const seed = runCli("src/cli/seed.ts", { NEO4J_BOLT_PORT: "17701" });
    expect(seed.status).toBe(0);
    expect(seed.stdout).toContain("Reusing the managed Neo4j already running");

    child.kill("SIGTERM");
    expect(await waitFor(() => child.exitCode !== null, 60_000)).toBe(true);
    expect(javaPids()).toEqual([]);
  }, 180_000);

  it("leaves no java process even when the parent is killed with SIGKILL", async () => {
    const { child } = await startApi(17703);
    expect(javaPids().length).toBe(1);
    child.kill("SIGKILL");
    expect(await waitFor(() => javaPids().length === 0, 90_000)).toBe(true);
  }, 180_000);

  it("says in one line that the Bolt port is taken by something else", async () => {
    const squatter = net.createServer().listen(17702, "127.0.0.1");
    await new Promise((r) => squatter.once("listening", r));
    try {
      const result = runCli("src/cli/seed.ts", { NEO4J_BOLT_PORT: "17702" });
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(
        "coopgraph: port 17702 on 127.0.0.1 is already taken by another process; set NEO4J_BOLT_PORT to a free port, or NEO4J_URI to use that server");
    } finally {
      squatter.close();
    }
  });

  it("says in one line that a wrong NEO4J_URI cannot be reached, and starts no java", () => {
    const result = runCli("src/cli/seed.ts", { NEO4J_URI: "bolt://127.0.0.1:1" });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^coopgraph: cannot connect to Neo4j at bolt:\/\/127\.0\.0\.1:1: /);
    expect(javaPids()).toEqual([]);
  });
});
