/**
 * An actor's profile (the benchmark's Q2): the actor, a page of its participations with each
 * project's funders, and its partners. The actor query looks ahead at the selection and fetches the
 * page and the funders in its own query; the answer must equal the one the field loaders give.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/api.js";
import { testDatabase } from "../support/db.js";

const db = testDatabase();
let server: TestServer;

beforeAll(async () => {
  // No response cache: every request must reach the resolvers.
  server = await startTestServer(db, { responseCache: false });
});
afterAll(async () => {
  await server.close();
  await db.close();
});

async function post(query: string, variables: Record<string, unknown>) {
  const res = await fetch(`${server.url}graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return { data: body.data, queries: Number(res.headers.get("x-coopgraph-queries")) };
}

const PROFILE = `query($id: String!, $first: Int) {
  actor(reference: $id) { id name participations(first: $first) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { role project { id name funders { id name } } } } } }
  partners(actor: $id, first: 10) { actor { id } sharedProjects } }`;

/** The same selection, asked twice under aliases: no look-ahead applies, the loaders answer. */
const LOADERS = `query($id: String!, $first: Int) {
  actor(reference: $id) { id name participations(first: $first) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { role project { id name funders { id name } } } } }
    again: participations(first: $first) { totalCount } }
  partners(actor: $id, first: 10) { actor { id } sharedProjects } }`;

describe("an actor's profile", () => {
  it("fetches the participations and their projects' funders with the actor: one query for all three levels", async () => {
    for (const [id, first] of [["agency:mpf-caba", 20], ["organization:unodc", 1], ["agency:mpf-caba", 2]] as const) {
      await post(PROFILE, { id, first });
      const ahead = await post(PROFILE, { id, first });
      const loaded = await post(LOADERS, { id, first });
      const { again, ...rest } = loaded.data.actor;
      expect(again.totalCount).toBe(rest.participations.totalCount);
      expect(ahead.data).toEqual({ ...loaded.data, actor: rest });
      // The reference is cached after the first request: the profile, the partners and the page's totalCount.
      expect(ahead.queries).toBe(3);
      expect(loaded.queries).toBeGreaterThan(ahead.queries);
    }
    const { data } = await post(PROFILE, { id: "agency:mpf-caba", first: 20 });
    expect(data.actor.participations.edges.length).toBeGreaterThan(1);
  });
});
