/**
 * After importing both shared IATI files: IATI identifiers as references (checked against the XML,
 * read here with fast-xml-parser), ask() on identifiers, and entity resolution on the three World
 * Health Organization entities: proposed, judged SAME and merged with all provenance, split back
 * exactly as they were.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import neo4j from "neo4j-driver";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/config.js";
import { AGGREGATE_RELATIONSHIP_TYPES } from "../../src/db/aggregates.js";
// First: it loads reflect-metadata, which the domain's decorated classes below need.
import { recordingRun, startTestServer } from "../support/api.js";
import { resolveFilter } from "../../src/domain/projects/project-filter.js";
import { ProjectRepository } from "../../src/domain/projects/project.repository.js";
import { RESOLVE_QUERY } from "../../src/domain/references/reference.repository.js";
import { LoaderCache } from "../../src/domain/shared/relation-loader.js";
import { createRepositories } from "../../src/domain/context.js";
import type { RunningServer } from "../../src/http/server.js";
import { importFile } from "../../src/ingest/import-pipeline.js";
import { testDatabase } from "../support/db.js";
import { resetToSeed } from "../support/reset.js";
import { ASK_FIELDS, QUESTIONS, mistakes } from "./questions.js";
import { IATI_DIR } from "../support/iati.js";

const FILES = ["ocha-hdx-covid-dportal-2.03.xml", "okfn-who-argentina-2.03.xml"].map((f) => path.join(IATI_DIR, f));
const KEYS = { reader: "reader-key-0123456789", editor: "editor-key-0123456789" };
const WHO = ["organization:iati-name:world-health-organization", "organization:iati:00006", "organization:iati:XM-DAC-928"];
const db = testDatabase();
let server: RunningServer;

beforeAll(async () => {
  await resetToSeed(db);
  for (const file of FILES) await importFile(db, file);
  server = await startTestServer(db, { apiKeys: Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(",") });
}, 240_000);

afterAll(async () => {
  await server?.close();
  await resetToSeed(db);
  await db.close();
});

async function as(who: keyof typeof KEYS | "anonymous", query: string, variables?: Record<string, unknown>) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (who !== "anonymous") headers.authorization = `Bearer ${KEYS[who]}`;
  const send = () => fetch(`${server.url}graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  // A kept-alive socket the server closes as it is reused gives ECONNRESET (Node's keep-alive race):
  // that one failure is retried once; any other error fails the test.
  const res = await send().catch((err: { cause?: { code?: string } }) => {
    if (err.cause?.code === "ECONNRESET") return send();
    throw err;
  });
  return { status: res.status, ...((await res.json()) as { data?: any; errors?: { message: string; extensions: any }[] }) };
}

async function asEditor(query: string, variables?: Record<string, unknown>) {
  const res = await as("editor", query, variables);
  if (res.errors?.length) throw new Error(JSON.stringify(res.errors));
  return res.data;
}

async function data(query: string, variables?: Record<string, unknown>) {
  const res = await as("anonymous", query, variables);
  if (res.errors?.length) throw new Error(JSON.stringify(res.errors));
  return res.data;
}

/** Activities (by coopgraph id) in which an organisation takes part and that go to a country, from the XML. */
function fromXml(org: string, country: string): string[] {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: () => true, parseTagValue: false, trimValues: true });
  const ids: string[] = [];
  for (const file of FILES) {
    for (const a of parser.parse(fs.readFileSync(file, "utf8"))["iati-activities"][0]["iati-activity"] as any[]) {
      // isArray makes attributes lists too.
      const orgs = (a["participating-org"] ?? []).map((p: any) => [p["@ref"]].flat()[0]);
      const countries = (a["recipient-country"] ?? []).map((c: any) => [c["@code"]].flat()[0]);
      const identifier = [a["iati-identifier"]].flat()[0];
      if (orgs.includes(org) && countries.includes(country)) ids.push(`project:iati:${typeof identifier === "string" ? identifier : identifier["#text"]}`);
    }
  }
  return ids.sort();
}

const PROJECTS = `query($refs: [String!]) { projects(filter: { involvingAll: $refs }, first: 100) {
  totalCount resolvedReferences { reference id matchedBy } edges { node { id } } } }`;

describe("IATI identifiers as references", () => {
  it("finds the UNDP (XM-DAC-41114) project in Colombia, as the XML has it", async () => {
    const { projects } = await data(PROJECTS, { refs: ["XM-DAC-41114", "Colombia"] });
    expect(fromXml("XM-DAC-41114", "CO")).toEqual(["project:iati:XM-DAC-41114-PROJECT-00126941"]);
    expect(projects.edges.map((e: any) => e.node.id)).toEqual(["project:iati:XM-DAC-41114-PROJECT-00126941"]);
    expect(projects.resolvedReferences).toEqual([
      { reference: "XM-DAC-41114", id: "organization:undp", matchedBy: "IATI identifier" },
      { reference: "Colombia", id: "country:CO", matchedBy: "name" },
    ]);
  });

  it("resolves US-USAGOV with Panama (no shared project in either file) and finds its five projects in Argentina", async () => {
    const panama = (await data(PROJECTS, { refs: ["US-USAGOV", "Panama"] })).projects;
    expect(panama.resolvedReferences.map((r: any) => [r.id, r.matchedBy])).toEqual([["organization:iati:US-USAGOV", "IATI identifier"], ["country:PA", "name"]]);
    expect(fromXml("US-USAGOV", "PA")).toEqual([]);
    expect(panama.totalCount).toBe(0);
    const argentina = (await data(PROJECTS, { refs: ["US-USAGOV", "Argentina"] })).projects;
    expect(fromXml("US-USAGOV", "AR")).toHaveLength(5);
    expect(argentina.edges.map((e: any) => e.node.id).sort()).toEqual(fromXml("US-USAGOV", "AR"));
  });

  it("resolves organisation and activity identifiers wherever a reference is taken, in any case", async () => {
    const d = await data(`{
      actor(reference: "GB-GOV-1") { id }
      lower: actor(reference: "xm-dac-41114") { id }
      project(reference: "XM-DAC-41114-PROJECT-00126941") { id name }
      resolveReferences(references: ["XM-DAC-928", "XM-DAC-41114-PROJECT-00126941"]) { id matchedBy }
      partners(actor: "XM-DAC-928", first: 3) { actor { id } }
      paths(from: "US-USAGOV", to: "XM-DAC-928") { length }
      neighborhood(of: "GB-GOV-1", maxNodes: 5) { nodes { id } }
    }`);
    expect(d.actor.id).toBe("organization:iati:GB-GOV-1");
    expect(d.lower.id).toBe("organization:undp");
    expect(d.project).toEqual({ id: "project:iati:XM-DAC-41114-PROJECT-00126941", name: "COVID-19 Rapid Response Facility" });
    expect(d.resolveReferences).toEqual([
      { id: "organization:iati:XM-DAC-928", matchedBy: "IATI identifier" },
      { id: "project:iati:XM-DAC-41114-PROJECT-00126941", matchedBy: "IATI identifier" },
    ]);
    expect(d.partners).toHaveLength(3);
    expect(d.paths[0].length).toBeGreaterThanOrEqual(1);
    expect(d.neighborhood.nodes.map((n: any) => n.id)).toContain("organization:iati:GB-GOV-1");
    const missing = await as("anonymous", `{ actor(reference: "XX-NOPE-12345") { id } }`);
    expect(missing.errors![0]!.extensions.code).toBe("REFERENCE_NOT_FOUND");
  });

  it("looks every reference up through an index: no label or full scan in the resolver's plan", async () => {
    const driver = neo4j.driver(inject("neo4jUri"));
    const session = driver.session({ database: process.env.NEO4J_TEST_DATABASE });
    try {
      const result = await session.run(`EXPLAIN ${RESOLVE_QUERY}`, {
        ids: ["organization:undp"], codes: ["PE"], iati: [{ text: "US-USAGOV", variants: ["US-USAGOV"] }], texts: [{ text: "peru", q: "\"peru\"" }],
      });
      const operators: string[] = [];
      const walk = (p: { operatorType: string; children?: unknown[] }) => {
        operators.push(p.operatorType);
        (p.children as typeof p[] | undefined)?.forEach(walk);
      };
      walk(result.summary.plan as unknown as { operatorType: string });
      expect(operators.filter((o) => /Scan/.test(o))).toEqual([]);
      // IATI identifiers: one range-index seek on Actor.iatiRef and one on Project.iatiIdentifier.
      expect(operators.filter((o) => /^NodeIndexSeek/.test(o)).length).toBeGreaterThanOrEqual(2);
      // Ids and codes: the uniqueness constraints' indexes.
      expect(operators.filter((o) => /UniqueIndexSeek/.test(o)).length).toBeGreaterThanOrEqual(2);
      expect(operators.some((o) => /ProcedureCall/.test(o))).toBe(true);
    } finally {
      await session.close();
      await driver.close();
    }
  });
});

describe("ask on the IATI files", () => {
  for (const q of QUESTIONS.filter((x) => x.dataset === "iati")) {
    it(`${q.id}: ${q.question}`, async () => {
      const a = (await data(`query($q: String!) { ask(question: $q) { ${ASK_FIELDS} } }`, { q: q.question })).ask;
      expect(mistakes(q, a)).toEqual([]);
    });
  }

  it("counts a participant once however many roles it has (UNDP funds and implements XM-DAC-41114-PROJECT-00127336), and says when a partner list is only a first page", async () => {
    const a = (await data(`{ ask(question: "How many participants took part in XM-DAC-41114-PROJECT-00127336?") { answer { count summary items { id detail } } } }`)).ask.answer;
    expect(a.count).toBe(2);
    expect(a.items.filter((i: { id: string }) => i.id === "organization:undp")).toHaveLength(1);
    expect(a.items.find((i: { id: string }) => i.id === "organization:undp").detail).toMatch(/, /);
    const partners = (await data(`{ ask(question: "How many partners does UNDP have?") { answer { count summary items { id } } } }`)).ask.answer;
    expect(partners.items).toHaveLength(50);
    expect(partners.count).toBeNull();
    expect(partners.summary).toMatch(/^At least 50: .*and at least 45 more$/);
  });

  it("knows WHO by the acronym its IATI name carries, written in capitals after the question word 'who'", async () => {
    const a = (await data(`{ ask(question: "Who funds WHO?") { interpretation { intent variables } resolvedReferences { text id matchedBy } answer { count items { id } } } }`)).ask;
    expect(a.resolvedReferences).toEqual([{ text: "WHO", id: "organization:iati:XM-DAC-928", matchedBy: "acronym" }]);
    expect(a.interpretation).toEqual({ intent: "FUNDERS_OF_ACTOR", variables: { actor: "organization:iati:XM-DAC-928" } });
    const funders = (await data(`{ actor(reference: "organization:iati:XM-DAC-928") { funders { id } } }`)).actor.funders;
    expect(funders.length).toBeGreaterThan(5);
    expect(a.answer.items.map((i: { id: string }) => i.id)).toEqual(funders.map((f: { id: string }) => f.id));
  });

  it("reads 'funded by all of' as projects every funder funds: the intersection of each one's projects", async () => {
    const idsOf = async (filter: Record<string, string[]>) => ((await data(`query($f: ProjectFilter) { projects(filter: $f, first: 100) { totalCount edges { node { id } } } }`, { f: filter }))
      .projects.edges as { node: { id: string } }[]).map((e) => e.node.id).sort();
    const undp = await idsOf({ funders: ["UNDP"] });
    const usaid = await idsOf({ funders: ["USAID"] });
    expect([undp.length, usaid.length]).toEqual([91, 3]);
    expect(await idsOf({ fundersAll: ["UNDP", "USAID"] })).toEqual([]);
    expect(await idsOf({ funders: ["UNDP", "USAID"] })).toEqual([...undp, ...usaid].sort());
    // A pair that does fund projects together: UNDP and the funder that shares most of its projects.
    const cofunders = new Map<string, number>();
    for (const e of (await data(`{ projects(filter: { funders: ["UNDP"] }, first: 100) { edges { node { funders { id } } } } }`)).projects.edges) {
      for (const f of e.node.funders as { id: string }[]) if (f.id !== "organization:undp") cofunders.set(f.id, (cofunders.get(f.id) ?? 0) + 1);
    }
    const [other] = [...cofunders].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
    const both = await idsOf({ fundersAll: ["UNDP", other] });
    const theirs = await idsOf({ funders: [other] });
    expect(both.length).toBeGreaterThan(0);
    expect(both).toEqual(undp.filter((id) => theirs.includes(id)));
  });

  it("looks each funder of fundersAll up through the Actor id index: no label or full scan", async () => {
    const { run, sent } = recordingRun(db);
    const { resolved } = await resolveFilter(createRepositories(db, { timeoutMs: 10_000 }), { fundersAll: ["UNDP", "USAID"] });
    expect(await new ProjectRepository(run, new LoaderCache()).count(resolved)).toBe(0);
    const counted = sent.filter((q) => /count\(p\)/.test(q.cypher));
    expect(counted).toHaveLength(1);
    const session = db.driver.session({ database: process.env.NEO4J_TEST_DATABASE });
    try {
      const result = await session.run(`EXPLAIN ${counted[0]!.cypher}`, counted[0]!.params);
      const operators: string[] = [];
      const walk = (p: any) => { operators.push(p.operatorType); p.children.forEach(walk); };
      walk(result.summary.plan);
      expect(operators.some((o) => /NodeUniqueIndexSeek/.test(o)), operators.join(", ")).toBe(true);
      expect(operators.some((o) => /AllNodesScan|NodeByLabelScan/.test(o)), operators.join(", ")).toBe(false);
    } finally {
      await session.close();
    }
  });

  it("reads an identifier as one mention that says how it matched", async () => {
    const a = (await data(`{ ask(question: "Which projects involved XM-DAC-41114 in Colombia?") { resolvedReferences { text id matchedBy } } }`)).ask;
    expect(a.resolvedReferences).toEqual([
      { text: "XM-DAC-41114", id: "organization:undp", matchedBy: "IATI identifier" },
      { text: "Colombia", id: "country:CO", matchedBy: "name" },
    ]);
  });
});

/**
 * Everything about the entities that a merge and a split touch: labels, properties, every fact (relationship) with its
 * properties, and the neighbours' participant counts. The partner tallies (PARTNERS_WITH) are bookkeeping, recounted by
 * every write and checked against a walk in test/api/partner-tallies.test.ts.
 */
async function snapshot(ids: string[]) {
  const rows = await db.read(`
    UNWIND $ids AS id MATCH (n:Actor {id: id})
    WITH n
    RETURN n.id AS id, labels(n) AS labels, properties(n) AS props,
      [(n)-[r]->(o) WHERE NOT type(r) IN $aggregates | [type(r), 'out', o.id, properties(r), o.participantCount]]
      + [(n)<-[r]-(o) WHERE NOT type(r) IN $aggregates | [type(r), 'in', o.id, properties(r), o.participantCount]] AS rels
    ORDER BY id`, { ids, aggregates: AGGREGATE_RELATIONSHIP_TYPES });
  return rows.map((r) => ({ id: r.id as string, props: r.props as Record<string, any>, labels: (r.labels as string[]).sort(), rels: (r.rels as unknown[]).map((x) => JSON.stringify(x)).sort() }));
}

const CANDIDATES = `{ duplicateCandidates(kinds: [ORGANIZATION], minScore: 0.8, first: 500) { score a { id iatiRef } b { id iatiRef } evidence { kind weight detail } } }`;
const pairsOf = (list: any[]) => list.map((c) => `${c.a.id}|${c.b.id}`);
const JUDGE = `mutation($a: String!, $b: String!, $j: DuplicateJudgement!) { judgeDuplicate(a: $a, b: $b, judgement: $j, reviewer: "Ana Analyst") {
  judgement { id a b judgement by reviewer at } merge { mergeId keep removed } } }`;

describe("entity resolution with review", () => {
  let before: Awaited<ReturnType<typeof snapshot>>;

  it("scans a kind named many times once: 20 000 ORGANIZATIONs in a variable cost what one does", async () => {
    const query = `query($k: [SearchKind!]) { duplicateCandidates(kinds: $k, minScore: 0.8, first: 500) { a { id } b { id } } }`;
    const queriesFor = async (kinds: string[]) => {
      const res = await fetch(`${server.url}graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${KEYS.editor}` }, body: JSON.stringify({ query, variables: { k: kinds } }) });
      const body = (await res.json()) as { data: { duplicateCandidates: { a: { id: string }; b: { id: string } }[] } };
      return { queries: Number(res.headers.get("x-coopgraph-queries")), pairs: pairsOf(body.data.duplicateCandidates) };
    };
    const once = await queriesFor(["ORGANIZATION"]);
    const many = await queriesFor(Array(20_000).fill("ORGANIZATION"));
    expect(once.pairs.length).toBeGreaterThan(0);
    expect(many).toEqual(once);
  });

  it("proposes the three World Health Organization entities as duplicates, with the evidence for each score", async () => {
    const list = (await asEditor(CANDIDATES)).duplicateCandidates;
    const pairs = pairsOf(list);
    for (const pair of [[WHO[0], WHO[1]], [WHO[0], WHO[2]], [WHO[1], WHO[2]]]) expect(pairs).toContain([...pair].sort().join("|"));
    const split = list.find((c: any) => c.a.id === WHO[1] && c.b.id === WHO[2]);
    expect(split.score).toBe(0.9);
    expect(split.evidence).toEqual([
      { kind: "name", weight: 1, detail: '"world health organization" ~ "world health organization": mean of Jaro-Winkler and Dice = 1' },
      { kind: "iati-identifier", weight: -0.1, detail: "different IATI identifiers 00006 and XM-DAC-928 (publishers do use several for one body)" },
    ]);
    expect(list.every((c: any) => c.score >= 0.8 && c.a.id < c.b.id)).toBe(true);
  });

  it("still finds a name within one typo after duplicateCandidates has scored every pair (UNDOC is UNODC)", async () => {
    expect((await asEditor(CANDIDATES)).duplicateCandidates.length).toBeGreaterThan(2);
    const a = (await data(`{ ask(question: "Which projects involved UNDOC?") { understood resolvedReferences { id matchedBy } answer { items { id } } } }`)).ask;
    expect(a.understood).toBe(true);
    expect(a.resolvedReferences).toEqual([{ id: "organization:unodc", matchedBy: '"UNODC" (one typo)' }]);
    expect(a.answer.items.map((i: { id: string }) => i.id)).toEqual(["project:cybercrime-conferences"]);
  });

  it("takes judgements from editors only", async () => {
    const variables = { a: WHO[0], b: WHO[1], j: "SAME" };
    expect((await as("anonymous", JUDGE, variables)).errors![0]!.extensions.code).toBe("UNAUTHENTICATED");
    expect((await as("reader", JUDGE, variables)).errors![0]!.extensions.code).toBe("FORBIDDEN");
    expect((await as("reader", `mutation { splitEntity(id: "${WHO[2]}") { keep } }`)).errors![0]!.extensions.code).toBe("FORBIDDEN");
  });

  it("merges on SAME, transitively, keeping every fact's provenance from every side", async () => {
    before = await snapshot(WHO);
    expect(before.map((s) => s.id)).toEqual([...WHO].sort());
    const first = (await as("editor", JUDGE, { a: WHO[1], b: WHO[0], j: "SAME" })).data.judgeDuplicate;
    expect(first.judgement).toMatchObject({ a: WHO[1], b: WHO[0], judgement: "SAME", by: "editor", reviewer: "Ana Analyst" });
    expect(Date.parse(first.judgement.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(first.merge).toMatchObject({ keep: WHO[0], removed: WHO[1] });
    // 00006 now lives in the name-only entity: judging it against XM-DAC-928 merges the whole cluster.
    const second = (await as("editor", JUDGE, { a: WHO[1], b: WHO[2], j: "SAME" })).data.judgeDuplicate;
    expect(second.merge).toMatchObject({ keep: WHO[2], removed: WHO[0] });
    const [left] = await db.read("UNWIND $ids AS id OPTIONAL MATCH (n:Actor {id: id}) RETURN collect(n.id) AS ids", { ids: WHO });
    expect(left!.ids).toEqual([WHO[2]]);

    const [after] = await snapshot([WHO[2]]);
    const relsAfter = new Map(after!.rels.map((r) => { const [type, dir, other, props] = JSON.parse(r); return [`${type} ${dir} ${other} ${props.role ?? ""}`, props]; }));
    for (const side of before) {
      for (const rel of side.rels) {
        const [type, dir, other, props] = JSON.parse(rel);
        const kept = relsAfter.get(`${type} ${dir} ${other} ${props.role ?? ""}`);
        expect(kept, `${side.id} ${type} ${other}`).toBeDefined();
        props.sourceIds.forEach((source: string, i: number) => {
          const at = kept.sourceIds.indexOf(source);
          expect(at, `${side.id} ${type} ${other} ${source}`).toBeGreaterThanOrEqual(0);
          expect(kept.quotes[at]).toBe(props.quotes[i]);
        });
      }
      for (const source of side.props.sourceIds as string[]) expect(after!.props.sourceIds).toContain(source);
    }
    expect(after!.props.aliases).toEqual(expect.arrayContaining(["World Health Organization", "WORLD HEALTH ORGANIZATION"]));
    const [records] = await db.read("MATCH (j:Judgement) WHERE j.a IN $ids RETURN count(j) AS judgements, COUNT { MATCH (m:MergeRecord) WHERE NOT m.undone } AS merges", { ids: WHO });
    expect(records).toEqual({ judgements: 2, merges: 2 });
  });

  it("never proposes a judged pair again, and refuses a judgement its cluster contradicts", async () => {
    const pairs = pairsOf((await asEditor(CANDIDATES)).duplicateCandidates);
    expect(pairs.filter((p) => WHO.some((id) => p.includes(id)))).toEqual([]);
    const conflict = await as("editor", JUDGE, { a: WHO[0], b: WHO[2], j: "NOT_SAME" });
    expect(conflict.errors![0]!.extensions).toMatchObject({ code: "CONFLICTING_JUDGEMENT", known: "SAME" });
  });

  it("splits the cluster back into the three entities exactly as they were", async () => {
    const res = await as("editor", `mutation { splitEntity(id: "${WHO[2]}") { keep restored } }`);
    expect(res.data.splitEntity).toEqual({ keep: WHO[2], restored: [WHO[0], WHO[1]] });
    expect(await snapshot(WHO)).toEqual(before);
    const found = await data(`{ search(text: "World Health Organization", kinds: [ORGANIZATION], first: 10) { item { ... on Organization { id } } } }`);
    expect(found.search.map((h: any) => h.item.id)).toEqual(expect.arrayContaining(WHO));
    const again = await as("editor", `mutation { splitEntity(id: "${WHO[2]}") { keep } }`);
    expect(again.errors![0]!.extensions.code).toBe("NOT_FOUND");
    // The split revoked the SAME judgements: the pairs are open to review again.
    expect(pairsOf((await asEditor(CANDIDATES)).duplicateCandidates)).toContain(`${WHO[1]}|${WHO[2]}`);
  });

  it("carries NOT_SAME across a cluster: a=b and b!=c gives a!=c, never proposed, SAME refused", async () => {
    expect((await as("editor", JUDGE, { a: WHO[1], b: WHO[2], j: "NOT_SAME" })).data.judgeDuplicate.merge).toBeNull();
    const africa = "organization:iati-name:world-health-organization-regional-office-for-africa";
    expect((await as("editor", JUDGE, { a: africa, b: WHO[0], j: "UNSURE" })).data.judgeDuplicate.judgement.judgement).toBe("UNSURE");
    await as("editor", JUDGE, { a: WHO[0], b: WHO[1], j: "SAME" });
    const pairs = pairsOf((await asEditor(`{ duplicateCandidates(kinds: [ORGANIZATION], minScore: 0, first: 500) { a { id } b { id } } }`)).duplicateCandidates);
    expect(pairs).not.toContain(`${WHO[0]}|${WHO[2]}`);
    expect(pairs).not.toContain([africa, WHO[0]].sort().join("|"));
    const refused = await as("editor", JUDGE, { a: WHO[0], b: WHO[2], j: "SAME" });
    expect(refused.errors![0]!.extensions).toMatchObject({ code: "CONFLICTING_JUDGEMENT", known: "NOT_SAME" });
  });

  it("refuses bad arguments with coded errors", async () => {
    // The review queue scans every entity of its kinds: for editors, who judge it.
    expect((await as("anonymous", `{ duplicateCandidates { score } }`)).errors![0]!.extensions.code).toBe("UNAUTHENTICATED");
    expect((await as("reader", `{ duplicateCandidates { score } }`)).errors![0]!.extensions.code).toBe("FORBIDDEN");
    expect((await as("editor", `{ duplicateCandidates(first: 0) { score } }`)).errors![0]!.extensions.code).toBe("BAD_USER_INPUT");
    expect((await as("editor", `{ duplicateCandidates(minScore: 2) { score } }`)).errors![0]!.extensions.code).toBe("BAD_USER_INPUT");
    expect((await as("editor", `{ duplicateCandidates(kinds: [COUNTRY]) { score } }`)).errors![0]!.extensions.code).toBe("BAD_USER_INPUT");
    expect((await as("editor", JUDGE, { a: WHO[2], b: "country:AR", j: "SAME" })).errors![0]!.extensions.code).toBe("REFERENCE_NOT_FOUND");
    expect((await as("editor", `mutation { splitEntity(id: "not an id") { keep } }`)).errors![0]!.extensions.code).toBe("BAD_USER_INPUT");
  });

  it("reviews in bulk in the terminal: npm run dedupe with keys and a progress line", async () => {
    const env = { ...process.env, NEO4J_URI: inject("neo4jUri") };
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/dedupe.ts", "--kinds=Organization", "--first=3", "--reviewer=Bo Reviewer"], { cwd: PROJECT_ROOT, env });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.stdin.end("u\nwhat\nk\nq\n");
    const code = await new Promise((r) => child.once("exit", r));
    expect(code, out).toBe(0);
    expect(out).toContain("3 candidate pair(s) with score >= 0.8");
    expect(out).toContain("[1/3] same 0, not same 0, unsure 1, skipped 0");
    expect(out).toContain("please answer s, n, u, k or q");
    expect(out).toContain("[2/3] same 0, not same 0, unsure 1, skipped 1");
    expect(out).toContain("Done: same 0, not same 0, unsure 1, skipped 1.");
    const [row] = await db.read("MATCH (j:Judgement {by: 'cli'}) RETURN collect([j.judgement, j.reviewer]) AS judged");
    expect(row!.judged).toEqual([["UNSURE", "Bo Reviewer"]]);
  });
});
