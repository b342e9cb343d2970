/**
 * Thousands of generated hostile requests against a real server: none may get a 5xx, none may
 * lose its connection, every error carries a code, and the graph stays exactly as it was.
 * HOSTILE_COUNT raises the number (the README's figure comes from `npm run hostile`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostileRequests, runHostile } from "../../bench/hostile-traffic.js";
import type { RunningServer } from "../../src/http/server.js";
import { dataOf, graphqlClient, startTestServer } from "../support/api.js";
import { testDatabase } from "../support/db.js";

const COUNT = Number(process.env.HOSTILE_COUNT ?? 2000);
const db = testDatabase();
let server: RunningServer;

async function graphSize() {
  const [row] = await db.read("MATCH (n) WITH count(n) AS nodes OPTIONAL MATCH ()-[r]->() RETURN nodes, count(r) AS relationships");
  return row;
}

beforeAll(async () => {
  server = await startTestServer(db);
});
afterAll(async () => {
  await server.close();
  await db.close();
});

describe("hostile traffic", () => {
  it(`answers ${COUNT} generated hostile requests without a 5xx, a reset or an uncoded error, and changes nothing`, async () => {
    const before = await graphSize();
    const projectsBefore = dataOf(await graphqlClient(server)(`{ projects { totalCount } }`)).projects.totalCount;

    const summary = await runHostile(server.url, hostileRequests(COUNT), 8);

    expect(summary.sent).toBe(COUNT);
    expect(summary.serverErrors.map((o) => `${o.kind} ${o.status} ${o.body}`)).toEqual([]);
    expect(summary.transportErrors.map((o) => `${o.kind}: ${o.transportError}`)).toEqual([]);
    expect(summary.uncoded.map((o) => `${o.kind} ${o.status} ${o.body}`)).toEqual([]);
    // The generator must reach every guard: refusals of each kind, and 413s for the oversized bodies.
    for (const status of ["400", "413", "401"]) expect(summary.byStatus[status] ?? 0).toBeGreaterThan(0);
    expect(await graphSize()).toEqual(before);
    expect(dataOf(await graphqlClient(server)(`{ projects { totalCount } }`)).projects.totalCount).toBe(projectsBefore);
    // And the server still answers a friendly question right.
    const unodcPeru = dataOf(await graphqlClient(server)(`{ projects(filter: { involvingAll: ["UNODC", "Peru"] }) { edges { node { id } } } }`));
    expect(unodcPeru.projects.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(["project:cybercrime-conferences"]);
  }, 600_000);
});
