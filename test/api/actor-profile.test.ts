/**
 * An actor's profile (the benchmark's Q2): the actor, a page of its participations with each
 * project's funders, and its partners. The actor query looks ahead at the selection and fetches the
 * page, the funders and the sibling `partners` of the same actor in its own query; the answer must
 * equal the one the field loaders and the partners query on its own give.
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
      // The reference is cached after the first request: the profile (with the partners) and the page's totalCount.
      expect(ahead.queries).toBe(2);
      expect(loaded.queries).toBeGreaterThan(ahead.queries);
    }
    const { data } = await post(PROFILE, { id: "agency:mpf-caba", first: 20 });
    expect(data.actor.participations.edges.length).toBeGreaterThan(1);
  });
});

/** The benchmark's Q2: no totalCount, so that the whole request is one statement. */
const Q2 = `query($id: String!, $first: Int, $partners: Int) {
  actor(reference: $id) { id name participations(first: $first) { edges { node { role project { id name funders { id } } } } } }
  partners(actor: $id, first: $partners) { actor { id name } sharedProjects } }`;

/** The same two fields asked in two requests: the two statements of the path without the fold. */
async function apart(id: string, first: number, partners: number) {
  const actor = await post(`query($id: String!, $first: Int) {
    actor(reference: $id) { id name participations(first: $first) { edges { node { role project { id name funders { id } } } } } } }`, { id, first });
  const alone = await post(`query($id: String!, $partners: Int) { partners(actor: $id, first: $partners) { actor { id name } sharedProjects } }`, { id, partners });
  expect(actor.queries).toBe(1);
  expect(alone.queries).toBe(1);
  return { ...actor.data, ...alone.data };
}

const ranking = (partners: { actor: { id: string }; sharedProjects: number }[]) => partners.map((p) => `${p.actor.id} ${p.sharedProjects}`);

describe("an actor's profile with its partners", () => {
  it("reads the actor, its participations, their funders and its partners in one round trip, as the two statements answer", async () => {
    for (const [id, first, partners] of [["organization:unodc", 20, 10], ["agency:mpf-caba", 20, 10], ["organization:unodc", 2, 3], ["agency:fiscalia-chile", 5, 1]] as const) {
      await post(Q2, { id, first, partners });
      const one = await post(Q2, { id, first, partners });
      expect(one.queries).toBe(1);
      expect(one.data).toEqual(await apart(id, first, partners));
    }
    // The seed's values: every partner of UNODC shares one project with it, so the first 3 are a
    // cut through a tie, broken by name as the partners query on its own breaks it.
    const cut = await post(Q2, { id: "organization:unodc", first: 2, partners: 3 });
    expect(ranking(cut.data.partners)).toEqual(["group:prosecutors-costa-rica 1", "group:prosecutors-panama 1", "group:prosecutors-peru 1"]);
    const all = await post(Q2, { id: "organization:unodc", first: 2, partners: 10 });
    expect(ranking(all.data.partners)).toEqual(["group:prosecutors-costa-rica 1", "group:prosecutors-panama 1", "group:prosecutors-peru 1", "agency:mpf-caba 1"]);
    // UNODC takes part in one project of the seed: the page holds it, with its funders.
    expect(all.data.actor.participations.edges.map((e: any) => `${e.node.role} ${e.node.project.id}`)).toEqual(["co-organizer project:cybercrime-conferences"]);
  });

  it("shares the statement whichever field comes first, and keeps the walk for a filtered partners query", async () => {
    const reversed = `query($id: String!) { partners(actor: $id, first: 10) { actor { id name } sharedProjects }
      actor(reference: $id) { id name participations(first: 20) { edges { node { role project { id name funders { id } } } } } } }`;
    const one = await post(reversed, { id: "agency:mpf-caba" });
    expect(one.queries).toBe(1);
    expect(one.data).toEqual(await apart("agency:mpf-caba", 20, 10));
    expect(ranking(one.data.partners).slice(0, 3)).toEqual(["agency:fiscalia-chile 1", "group:experts-united-states 1", "organization:idb 1"]);

    // A filter the tallies do not serve: the partners are walked over the projects, in a statement of their own.
    const filtered = `query($id: String!) {
      actor(reference: $id) { id name participations(first: 20) { edges { node { role project { id name funders { id } } } } } }
      partners(actor: $id, first: 10, filter: { activeFrom: 2019 }) { actor { id name } sharedProjects } }`;
    const two = await post(filtered, { id: "organization:unodc" });
    expect(two.queries).toBe(2);
    const alone = await post(`query($id: String!) { partners(actor: $id, first: 10, filter: { activeFrom: 2019 }) { actor { id name } sharedProjects } }`, { id: "organization:unodc" });
    expect(two.data.partners).toEqual(alone.data.partners);
    expect(ranking(two.data.partners)).toEqual(["group:prosecutors-costa-rica 1", "group:prosecutors-panama 1", "group:prosecutors-peru 1", "agency:mpf-caba 1"]);
    expect(two.data.actor).toEqual((await apart("organization:unodc", 20, 10)).actor);

    // Another actor's partners: not this profile's, a statement of their own.
    const other = await post(`query { actor(reference: "organization:unodc") { id participations(first: 2) { edges { node { role } } } }
      partners(actor: "agency:mpf-caba", first: 10) { actor { id } sharedProjects } }`, {});
    expect(other.queries).toBe(2);
    expect(ranking(other.data.partners)[0]).toBe("agency:fiscalia-chile 1");
  });

  it("fetches nothing ahead for a field that @skip or @include leaves out", async () => {
    const skipped = `query($id: String!, $withActor: Boolean!, $withDetails: Boolean!) {
      ... @include(if: $withActor) { actor(reference: $id) { id participations(first: 20) { edges { node { role } } } } }
      partners(actor: $id, first: 10) { actor { id } sharedProjects ... @include(if: $withDetails) { projectIds } } }`;
    const partnersOnly = await post(skipped, { id: "organization:unodc", withActor: false, withDetails: false });
    expect(partnersOnly.data.actor).toBeUndefined();
    expect(partnersOnly.data.partners[0]).toEqual({ actor: { id: "group:prosecutors-costa-rica" }, sharedProjects: 1 });
    expect(partnersOnly.queries).toBe(1);
    // The details are left out of the folded statement when skipped, and read when included.
    const folded = await post(skipped, { id: "organization:unodc", withActor: true, withDetails: false });
    expect(folded.queries).toBe(1);
    expect(folded.data.partners[0]).toEqual({ actor: { id: "group:prosecutors-costa-rica" }, sharedProjects: 1 });
    const detailed = await post(skipped, { id: "organization:unodc", withActor: true, withDetails: true });
    expect(detailed.data.partners[0]).toEqual({ actor: { id: "group:prosecutors-costa-rica" }, sharedProjects: 1, projectIds: ["project:cybercrime-conferences"] });
  });
});
