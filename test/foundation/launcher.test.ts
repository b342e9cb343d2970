/**
 * The embedded default as users run it: `npm start` (src/main.ts) in a child process, with its own
 * data dir and port. It must start Neo4j, seed it, serve, and never leave a java process behind.
 */
import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createLauncher, freePort, waitFor } from "../support/launcher.js";

const launcher = createLauncher("launcher");
const { javaPids, startApi, runCli } = launcher;
afterAll(() => launcher.cleanup());

describe("the managed Neo4j", () => {
  it("starts with npm start, is seeded, is reused by npm run seed, and stops with SIGTERM", async () => {
    const bolt = await freePort();
    const { child, url } = await startApi(bolt);
    const res = await fetch(`${url}graphql`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ project(reference: "Cybercrime Conferences") { participantCount } }` }),
    });
    expect(await res.json()).toEqual({ data: { project: { participantCount: 5 } } });
    expect(javaPids().length).toBe(1);

    const seed = runCli("src/cli/seed.ts", { NEO4J_BOLT_PORT: String(bolt) });
    expect(seed.status).toBe(0);
    expect(String(seed.stdout)).toContain("Reusing the managed Neo4j already running");

    child.kill("SIGTERM");
    expect(await waitFor(() => child.exitCode !== null, 60_000)).toBe(true);
    expect(javaPids()).toEqual([]);
  }, 180_000);

  it("leaves no java process even when the parent is killed with SIGKILL", async () => {
    const { child } = await startApi(await freePort());
    expect(javaPids().length).toBe(1);
    child.kill("SIGKILL");
    expect(await waitFor(() => javaPids().length === 0, 90_000)).toBe(true);
  }, 180_000);

  it("says in one line that the Bolt port is taken by something else", async () => {
    const port = await freePort();
    const squatter = net.createServer().listen(port, "127.0.0.1");
    await new Promise((r) => squatter.once("listening", r));
    try {
      const result = runCli("src/cli/seed.ts", { NEO4J_BOLT_PORT: String(port) });
      expect(result.status).toBe(1);
      expect(String(result.stderr).trim()).toBe(
        `coopgraph: port ${port} on 127.0.0.1 is already taken by another process; set NEO4J_BOLT_PORT to a free port, or NEO4J_URI to use that server`);
    } finally {
      squatter.close();
    }
  });

  it("says in one line that a wrong NEO4J_URI cannot be reached, and starts no java", () => {
    const result = runCli("src/cli/seed.ts", { NEO4J_URI: "bolt://127.0.0.1:1" });
    expect(result.status).toBe(1);
    const lines = String(result.stderr).trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^coopgraph: cannot connect to Neo4j at bolt:\/\/127\.0\.0\.1:1: /);
    expect(javaPids()).toEqual([]);
  });
});
