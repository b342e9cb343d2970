/**
 * The actor profile (the benchmark's Q2) fetches only the properties its selection asks for, as
 * lists, so its rows answer that selection and nothing else: another field of the same request
 * asking more of the same entities must get them whole, from a profile (or a loader) of its own.
 * The seed has no funders: the suite gives two of mpf-caba's projects one each (a funder
 * participation and a funding flow), and resets the database to the seed before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActorRepository, type ProfileProjection } from "../../src/domain/actors/actor.repository.js";
import { LoaderCache } from "../../src/domain/shared/relation-loader.js";
import { recordingRun, startTestServer, type TestServer } from "../support/api.js";
import { testDatabase } from "../support/db.js";
import { resetToSeed } from "../support/reset.js";

const EDITOR = "editor-key-profile-0123456789";
const db = testDatabase();
let server: TestServer;

async function post(query: string, variables: Record<string, unknown> = {}, key?: string) {
  const headers: Record<string, string> = { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) };
  const res = await fetch(`${server.url}graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  expect(body.errors, query).toBeUndefined();
  return { data: body.data, queries: Number(res.headers.get("x-coopgraph-queries")) };
}

const CITE = `citation: { source: "source:coopgraph-enrichment", quote: "test fact" }`;

beforeAll(async () => {
  await resetToSeed(db);
  // No response cache: every request must reach the resolvers.
  server = await startTestServer(db, { responseCache: false, apiKeys: `editor:${EDITOR}` });
  const page = await post(`{ actor(reference: "agency:mpf-caba") { participations(first: 5) { edges { node { project { id } } } } } }`);
  const [first, second] = page.data.actor.participations.edges.map((e: any) => e.node.project.id as string);
  await post(`mutation($p: String!) { addParticipation(input: { actor: "organization:unodc", project: $p, role: "funder", ${CITE} }) { id } }`, { p: first }, EDITOR);
  await post(`mutation($p: String!) { recordFunding(input: { funder: "organization:idb", project: $p, amount: "10", currency: "USD", ${CITE} }) { id } }`, { p: second }, EDITOR);
});
afterAll(async () => {
  await server.close();
  await resetToSeed(db);
  await db.close();
});

/**
 * The profile fetches only the properties its selection asks for (as lists), so its rows answer
 * that selection and nothing else: another field of the same request asking more of the same
 * entities must get them whole, from a profile (or a loader) of its own.
 */
describe("an actor's profile fetches only the selected properties", () => {
  const NARROW = `participations(first: 5) { edges { node { role project { id funders { id } } } } }`;
  const WIDE = `id name officialName acronyms aliases sources { quote } ... on Agency { agencyType jurisdiction }
    participations(first: 5) { edges { node { role sources { quote } project { id name kind startDate endDate startYear acronyms funders { id name acronyms ... on Organization { iatiRef } } } } } }`;

  it("gives a wide selection in full when a narrow one of the same actor comes first in the request", async () => {
    const both = await post(`query($id: String!) { narrow: actor(reference: $id) { id ${NARROW} } wide: actor(reference: $id) { ${WIDE} } }`, { id: "agency:mpf-caba" });
    // Each alone, and the wide one through the field loaders (a second participations field turns the look-ahead off).
    const narrow = await post(`query($id: String!) { actor(reference: $id) { id ${NARROW} } }`, { id: "agency:mpf-caba" });
    const wide = await post(`query($id: String!) { actor(reference: $id) { ${WIDE} again: participations(first: 1) { totalCount } } }`, { id: "agency:mpf-caba" });
    const { again, ...wideActor } = wide.data.actor;
    expect(again.totalCount).toBeGreaterThan(1);
    expect(both.data.narrow).toEqual(narrow.data.actor);
    expect(both.data.wide).toEqual(wideActor);
    // Real values, not nulls read from a narrow row: the names, the provenance, the projects' dates and the funders' names.
    const edges = both.data.wide.participations.edges;
    expect(both.data.wide.name).toBe(wideActor.name);
    expect(typeof both.data.wide.name).toBe("string");
    expect(both.data.wide.sources.length).toBeGreaterThan(0);
    expect(edges.length).toBeGreaterThan(1);
    expect(edges.every((e: any) => typeof e.node.project.name === "string")).toBe(true);
    expect(edges.some((e: any) => e.node.project.kind !== null && e.node.project.startYear !== null)).toBe(true);
    expect(edges.some((e: any) => e.node.sources.length > 0)).toBe(true);
    const funders = edges.flatMap((e: any) => e.node.project.funders);
    expect(funders.length).toBeGreaterThan(0);
    expect(funders.every((f: any) => typeof f.name === "string")).toBe(true);
  });

  it("names in its statement only the properties selected (a wide selection names them all), and answers from them", async () => {
    const statementFor = async (projection: ProfileProjection) => {
      const { run, sent } = recordingRun(db);
      const profile = await new ActorRepository(run, new LoaderCache()).profile("agency:mpf-caba",
        { page: { roles: null, first: 5, after: null }, withFunders: true, partners: { first: 5, details: true }, projection });
      expect(sent).toHaveLength(1);
      return { cypher: sent[0]!.cypher, profile: profile! };
    };
    const only = (names: string[]) => new Set(names);
    const narrow = await statementFor({ actor: only(["name"]), participation: only(["role"]), project: only(["name"]), funder: only(["name"]), partner: only(["name"]) });
    const wide = await statementFor({ actor: only(["name", "officialName", "acronyms"]), participation: only(["role"]), project: only(["name", "officialName", "acronyms"]),
      funder: only(["name", "acronyms"]), partner: only(["name", "aliases"]) });
    for (const property of ["officialName", "acronyms", "aliases"]) {
      expect(narrow.cypher).not.toContain(property);
      expect(wide.cypher).toContain(property);
    }
    const rows = narrow.profile.lookaheadParticipations!.rows;
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.every((r: any) => typeof r.project.name === "string")).toBe(true);
    expect(narrow.profile.name).toBe("Public Prosecution Service of the Autonomous City of Buenos Aires");
  });

  it("gives the entities of a narrow profile in full to sibling fields that ask for more of them", async () => {
    const narrow = await post(`query($id: String!) { actor(reference: $id) { id ${NARROW} } }`, { id: "agency:mpf-caba" });
    const edges = narrow.data.actor.participations.edges;
    const projectId: string = edges[0].node.project.id;
    const funderId: string | undefined = edges.flatMap((e: any) => e.node.project.funders)[0]?.id;
    expect(funderId).toBeDefined();
    const siblings = `query($id: String!, $project: String!, $funder: String!) {
      actor(reference: $id) { id ${NARROW} }
      project(reference: $project) { id name kind startDate sources { quote } }
      funder: actor(reference: $funder) { id name acronyms sources { quote } }
      partners(actor: $id, first: 5) { actor { id name acronyms } sharedProjects } }`;
    const together = await post(siblings, { id: "agency:mpf-caba", project: projectId, funder: funderId });
    const project = await post(`query($project: String!) { project(reference: $project) { id name kind startDate sources { quote } } }`, { project: projectId });
    const funder = await post(`query($funder: String!) { actor(reference: $funder) { id name acronyms sources { quote } } }`, { funder: funderId });
    const partners = await post(`query($id: String!) { partners(actor: $id, first: 5) { actor { id name acronyms } sharedProjects } }`, { id: "agency:mpf-caba" });
    expect(together.data.actor).toEqual(narrow.data.actor);
    expect(together.data.project).toEqual(project.data.project);
    expect(typeof together.data.project.name).toBe("string");
    expect(together.data.funder).toEqual(funder.data.actor);
    expect(typeof together.data.funder.name).toBe("string");
    expect(together.data.partners).toEqual(partners.data.partners);
    expect(together.data.partners.every((p: any) => typeof p.actor.name === "string")).toBe(true);
  });

  it("folds the partners with their own selection, apart from the funders' and the actor's", async () => {
    // The partners' actors asked with more fields than the funders, and the other way round: each as asked.
    for (const [funderFields, partnerFields] of [["id", "id name acronyms aliases"], ["id name acronyms aliases", "id"]]) {
      const q = `query($id: String!) {
        actor(reference: $id) { id name participations(first: 20) { edges { node { role project { id funders { ${funderFields} } } } } } }
        partners(actor: $id, first: 10) { actor { ${partnerFields} } sharedProjects } }`;
      const one = await post(q, { id: "agency:mpf-caba" });
      expect(one.queries).toBe(1);
      const actor = await post(`query($id: String!) { actor(reference: $id) { id name participations(first: 20) { edges { node { role project { id funders { ${funderFields} } } } } } } }`, { id: "agency:mpf-caba" });
      const alone = await post(`query($id: String!) { partners(actor: $id, first: 10) { actor { ${partnerFields} } sharedProjects } }`, { id: "agency:mpf-caba" });
      expect(one.data).toEqual({ ...actor.data, ...alone.data });
    }
  });
});
