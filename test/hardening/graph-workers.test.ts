/**
 * Centrality runs in worker threads with a time budget and a per-request cap: a heavy request is
 * stopped with a coded error, and the server keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/http/server.js";
import { dataOf, graphqlClient, startTestServer } from "../support/api.js";
import { testDatabase } from "../support/db.js";

const db = testDatabase();
let server: RunningServer;
let tight: RunningServer;

beforeAll(async () => {
  server = await startTestServer(db);
  tight = await startTestServer(db, { analyticsTimeoutMs: 1 });
});
afterAll(async () => {
  await server.close();
  await tight.close();
  await db.close();
});

describe("graph algorithms in worker threads", () => {
  it("computes betweenness in a worker and gives the same ranking as before", async () => {
    const data = dataOf(await graphqlClient(server)(`{ centrality(metric: BETWEENNESS, first: 2) { actor { id } score rank } }`));
    expect(data.centrality[0]).toMatchObject({ actor: { id: "agency:mpf-caba" }, rank: 1 });
    expect(data.centrality[1].score).toBe(0);
  });

  it("stops a computation over its time budget with QUERY_TIMEOUT, and answers the next request", async () => {
    const res = await graphqlClient(tight)(`{ centrality(metric: BETWEENNESS) { score } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TIMEOUT", limitMs: 1 });
    expect(dataOf(await graphqlClient(tight)(`{ themes { id } }`)).themes).toHaveLength(7);
  });

  it("refuses two centralities in one request, aliases included", async () => {
    const res = await graphqlClient(server)(`{ a: centrality(metric: PAGERANK) { score } b: centrality(metric: DEGREE) { score } }`);
    expect(res.errors?.[0]).toMatchObject({ message: "centrality runs a graph algorithm: at most 1 per request", extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
  });
});
