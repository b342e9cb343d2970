import os from "node:os";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/api.js";
import { graphCounts, testDatabase } from "../support/db.js";
import { resetToSeed } from "../support/reset.js";
import { writeGraph } from "../../src/ingest/graph-writer.js";
import { idSlug, legacyIdSlug } from "../../src/domain/editing/validation.js";

const KEYS = { reader: "reader-key-0123456789", editor: "editor-key-0123456789", admin: "admin-key-01234567890" };
const db = testDatabase();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(db, { apiKeys: Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(",") });
});
afterAll(async () => {
  await server.close();
  await resetToSeed(db, server);
  await db.close();
});

async function as(who: keyof typeof KEYS | "anonymous" | "wrong", query: string, variables?: Record<string, unknown>) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (who === "wrong") headers.authorization = "Bearer not-a-key-of-ours";
  else if (who !== "anonymous") headers.authorization = `Bearer ${KEYS[who]}`;
  const res = await fetch(`${server.url}graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: { message: string; extensions: any }[] };
  return { status: res.status, ...body };
}

const CITE = `citation: { source: "source:coopgraph-enrichment", quote: "test fact" }`;
const EVERY_WRITE = [
  `mutation { upsertSource(input: { kind: "document", title: "A report" }) { id } }`,
  `mutation { upsertActor(input: { kind: AGENCY, name: "Fiscalía de Test", ${CITE} }) { id } }`,
  `mutation { upsertProject(input: { name: "Test program", kind: "training-program", ${CITE} }) { id } }`,
  `mutation { upsertEvent(input: { name: "Test conference", kind: "conference", ${CITE} }) { id } }`,
  `mutation { upsertTheme(input: { name: "Test theme", ${CITE} }) { id } }`,
  `mutation { addParticipation(input: { actor: "UNODC", project: "project:dmi-open-drug-markets", role: "partner", ${CITE} }) { id } }`,
  `mutation { removeParticipation(actor: "UNODC", project: "project:cybercrime-conferences", role: "co-organizer") }`,
  `mutation { addRelationship(input: { type: MEMBER_OF, from: "agency:mpf-caba", to: "organization:iap", ${CITE} }) { id } }`,
  `mutation { removeRelationship(type: BASED_IN, from: "agency:mpf-caba", to: "AR") }`,
  `mutation { recordFunding(input: { funder: "IDB", project: "project:dmi-open-drug-markets", amount: "10", currency: "USD", ${CITE} }) { id } }`,
  `mutation { deleteEntity(id: "organization:unodc") { id } }`,
  `mutation { mergeEntities(keep: "organization:undp", remove: "organization:unodc") { id } }`,
  `mutation { importData(format: JSON, content: "{}") { records } }`,
];

describe("roles", () => {
  it("refuses every write without a key (UNAUTHENTICATED) and with a reader key (FORBIDDEN), changing nothing", async () => {
    const before = await graphCounts(db);
    for (const mutation of EVERY_WRITE) {
      const anonymous = await as("anonymous", mutation);
      expect(anonymous.errors?.[0]?.extensions.code, mutation).toBe("UNAUTHENTICATED");
      const reader = await as("reader", mutation);
      expect(reader.errors?.[0]?.extensions.code, mutation).toBe("FORBIDDEN");
    }
    expect(await graphCounts(db)).toEqual(before);
  });

  it("refuses a wrong key with 401, and deletes, merges and imports without the admin role", async () => {
    const wrong = await as("wrong", `{ themes { id } }`);
    expect(wrong.status).toBe(401);
    expect(wrong.errors![0]!.extensions.code).toBe("UNAUTHENTICATED");
    for (const mutation of EVERY_WRITE.slice(-3)) {
      const editor = await as("editor", mutation);
      expect(editor.errors?.[0]?.extensions.code, mutation).toBe("FORBIDDEN");
      expect(editor.errors?.[0]?.message).toContain("admin role");
    }
  });

  it("can require a key for reads", async () => {
    const closed = await startTestServer(db, { apiKeys: `reader:${KEYS.reader}`, readAccess: "key" });
    try {
      const anonymous = await fetch(`${closed.url}graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ themes { id } }" }) });
      expect(anonymous.status).toBe(401);
      const reader = await fetch(`${closed.url}graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${KEYS.reader}` }, body: JSON.stringify({ query: "{ themes { id } }" }) });
      expect(((await reader.json()) as any).data.themes).toHaveLength(7);
    } finally {
      await closed.close();
    }
  });
});

describe("writes", () => {
  const upsertPeru = `mutation($input: ActorInput!) { upsertActor(input: $input) { id created } }`;
  const peru = {
    kind: "AGENCY", name: "Public Prosecution Service of Peru", officialName: "Ministerio Público - Fiscalía de la Nación",
    acronyms: ["MPFN"], jurisdiction: "national", basedIn: ["Perú"],
    citation: { source: "source:coopgraph-enrichment", quote: "Peru's prosecution service is the Ministerio Público - Fiscalía de la Nación." },
  };
  /** Each test starts from the seed and creates what it needs: any one of them runs alone, in any order. */
  const createPeru = async () => {
    const res = await as("editor", upsertPeru, { input: peru });
    expect(res.data.upsertActor.id).toBe("agency:public-prosecution-service-of-peru");
  };
  beforeEach(async () => {
    await resetToSeed(db, server);
  });

  it("creates an actor with its source, idempotently, and finds it by its Spanish name", async () => {
    const first = await as("editor", upsertPeru, { input: peru });
    expect(first.data.upsertActor).toEqual({ id: "agency:public-prosecution-service-of-peru", created: true });
    const counts = await graphCounts(db);
    const again = await as("editor", upsertPeru, { input: peru });
    expect(again.data.upsertActor.created).toBe(false);
    expect(await graphCounts(db)).toEqual(counts);
    const found = await as("anonymous", `{ actor(reference: "ministerio publico fiscalia de la nacion") { id basedIn { code } sources { quote source { id } } } }`);
    expect(found.data.actor).toMatchObject({ id: "agency:public-prosecution-service-of-peru", basedIn: [{ code: "PE" }] });
    expect(found.data.actor.sources[0].quote).toContain("Fiscalía de la Nación");
  });

  it("updates only the fields given", async () => {
    await createPeru();
    await as("editor", upsertPeru, { input: { kind: "AGENCY", id: "agency:public-prosecution-service-of-peru", name: "Public Prosecution Service of Peru", jurisdictionArea: "Peru", citation: peru.citation } });
    const [row] = await db.read("MATCH (a:Actor {id: 'agency:public-prosecution-service-of-peru'}) RETURN a.jurisdictionArea AS area, a.officialName AS official, a.acronyms AS acronyms");
    expect(row).toEqual({ area: "Peru", official: "Ministerio Público - Fiscalía de la Nación", acronyms: ["MPFN"] });
  });

  it("keeps the names an update does not carry searchable (acronyms, official name)", async () => {
    await createPeru();
    await as("editor", upsertPeru, { input: { kind: "AGENCY", id: "agency:public-prosecution-service-of-peru", name: "Public Prosecution Service of Peru", jurisdictionArea: "Peru", citation: peru.citation } });
    for (const reference of ["MPFN", "Ministerio Público - Fiscalía de la Nación"]) {
      const found = await as("anonymous", `query($r: String!) { actor(reference: $r) { id } }`, { r: reference });
      expect(found.errors, reference).toBeUndefined();
      expect(found.data.actor.id, reference).toBe("agency:public-prosecution-service-of-peru");
    }
  });

  describe("a project's dates and years, updated in part", () => {
    const upsertProject = `mutation($input: ProjectInput!) { upsertProject(input: $input) { id created } }`;
    const dmi = { id: "project:dmi-open-drug-markets", name: "DMI project on open drug markets", kind: "intervention-project", citation: { source: "source:coopgraph-enrichment", quote: "test fact" } };
    const stored = async (id: string) => (await db.read(
      "MATCH (p:Project {id: $id}) RETURN p.startYear AS startYear, p.endYear AS endYear, p.startDate AS startDate, p.endDate AS endDate, p.startKey AS startKey, p.acronyms AS acronyms",
      { id }))[0];

    it("an update of startYear alone keeps endYear (and endYear alone keeps startYear)", async () => {
      const start = await as("editor", upsertProject, { input: { ...dmi, startYear: 2019 } });
      expect(start.errors).toBeUndefined();
      expect(start.data.upsertProject).toEqual({ id: dmi.id, created: false });
      expect(await stored(dmi.id)).toEqual({ startYear: 2019, endYear: 2021, startDate: null, endDate: null, startKey: "2019", acronyms: ["DMI"] });
      const end = await as("editor", upsertProject, { input: { ...dmi, endYear: 2023 } });
      expect(end.errors).toBeUndefined();
      expect(await stored(dmi.id)).toEqual({ startYear: 2019, endYear: 2023, startDate: null, endDate: null, startKey: "2019", acronyms: ["DMI"] });
      // The year filters read the same properties: active in 2022 now, and still found by its acronym.
      const active = await as("anonymous", `{ projects(filter: { involvingAll: ["DMI"], activeFrom: 2022, activeTo: 2022 }) { totalCount } }`);
      expect(active.data.projects.totalCount).toBe(1);
    });

    it("an update of one date keeps the other date and the years that go with it", async () => {
      const created = await as("editor", upsertProject, { input: { ...dmi, id: "project:dated", name: "Dated program", startDate: "2020-03-01", endDate: "2021-06-30" } });
      expect(created.data.upsertProject).toEqual({ id: "project:dated", created: true });
      await as("editor", upsertProject, { input: { ...dmi, id: "project:dated", name: "Dated program", endDate: "2022-12-31" } });
      expect(await stored("project:dated")).toEqual({ startYear: 2020, endYear: 2022, startDate: "2020-03-01", endDate: "2022-12-31", startKey: "2020-03-01", acronyms: null });
    });

    it("refuses an update that would contradict what is stored, and changes nothing", async () => {
      await as("editor", upsertProject, { input: { ...dmi, id: "project:dated", name: "Dated program", startDate: "2020-03-01", endDate: "2021-06-30" } });
      const before = await stored(dmi.id);
      const dated = await stored("project:dated");
      const cases: [Record<string, unknown>, string][] = [
        [{ ...dmi, startYear: 2022 }, "startYear"],          // after the stored endYear 2021
        [{ ...dmi, endYear: 2019 }, "endYear"],              // before the stored startYear 2020
        [{ ...dmi, id: "project:dated", name: "Dated program", startYear: 2019 }, "startYear"], // the stored startDate says 2020
        [{ ...dmi, id: "project:dated", name: "Dated program", endDate: "2019-12-31" }, "endDate"], // before the stored start
      ];
      for (const [input, field] of cases) {
        const res = await as("editor", upsertProject, { input });
        expect(res.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: "BAD_USER_INPUT", field });
      }
      expect(await stored(dmi.id)).toEqual(before);
      expect(await stored("project:dated")).toEqual(dated);
    });
  });

  it("validates inputs and names the field", async () => {
    const cases: [string, string][] = [
      [`mutation { recordFunding(input: { funder: "IDB", project: "DMI", amount: "-5", currency: "USD", ${CITE} }) { id } }`, "amount"],
      [`mutation { recordFunding(input: { funder: "IDB", project: "DMI", amount: "5", currency: "XYZ", ${CITE} }) { id } }`, "currency"],
      [`mutation { recordFunding(input: { funder: "IDB", project: "DMI", amount: "5", ${CITE} }) { id } }`, "currency"],
      [`mutation { upsertProject(input: { name: "X", kind: "k", startDate: "2021-02-30", ${CITE} }) { id } }`, "startDate"],
      [`mutation { upsertProject(input: { name: "X", kind: "k", startYear: 2021, endYear: 2019, ${CITE} }) { id } }`, "endYear"],
      [`mutation { upsertActor(input: { kind: AGENCY, name: "  ", ${CITE} }) { id } }`, "name"],
      [`mutation { upsertActor(input: { kind: AGENCY, name: "X", jurisdiction: "federal", ${CITE} }) { id } }`, "jurisdiction"],
      [`mutation { addParticipation(input: { actor: "IDB", project: "DMI", role: "sponsor", ${CITE} }) { id } }`, "role"],
      [`mutation { upsertTheme(input: { name: "X", citation: { source: "source:coopgraph-enrichment", quote: "" } }) { id } }`, "citation.quote"],
    ];
    const before = await graphCounts(db);
    for (const [mutation, field] of cases) {
      const res = await as("editor", mutation);
      expect(res.errors?.[0]?.extensions, mutation).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    expect(await graphCounts(db)).toEqual(before);
  });

  it("lands whole or not at all: an unknown source or country writes nothing", async () => {
    const before = await graphCounts(db);
    const noSource = await as("editor", upsertPeru, { input: { ...peru, name: "Another agency", citation: { source: "source:nowhere", quote: "q" } } });
    expect(noSource.errors![0]!.extensions.code).toBe("REFERENCE_NOT_FOUND");
    const noCountry = await as("editor", upsertPeru, { input: { ...peru, name: "Another agency", basedIn: ["Atlantis"] } });
    expect(noCountry.errors![0]!.extensions).toMatchObject({ code: "REFERENCE_NOT_FOUND", reference: "Atlantis" });
    expect(await graphCounts(db)).toEqual(before);
  });

  it("records funding with an exact amount, or none when unknown, and the funders filter finds it", async () => {
    const known = await as("editor", `mutation { recordFunding(input: { funder: "BID", project: "DMI project on open drug markets", amount: "250000.50", currency: "usd", date: "2021-03-01", ${CITE} }) { id created } }`);
    expect(known.data.recordFunding.created).toBe(true);
    const unknown = await as("editor", `mutation { recordFunding(input: { funder: "PNUD", project: "project:victim-satisfaction-evaluation", ${CITE} }) { id } }`);
    expect(unknown.errors).toBeUndefined();
    const res = await as("anonymous", `{ projects(filter: { funders: ["IDB", "UNDP"] }) { edges { node { id funding { amount currency date } funders { id } } } } }`);
    const byId = Object.fromEntries(res.data.projects.edges.map((e: any) => [e.node.id, e.node]));
    expect(byId["project:dmi-open-drug-markets"].funding).toEqual([{ amount: "250000.5", currency: "USD", date: "2021-03-01" }]);
    expect(byId["project:victim-satisfaction-evaluation"].funding).toEqual([{ amount: null, currency: null, date: null }]);
    // A fund that is part of UNDP funds for UNDP: the funders filter of fundingFlows agrees with that of projects.
    await as("editor", `mutation { recordFunding(input: { funder: "organization:undp-funding-windows", project: "project:cybercrime-conferences", amount: "100", currency: "USD", date: "2021-05-01", ${CITE} }) { id } }`);
    const viaFund = await as("anonymous", `{ fundingFlows(groupBy: [PROJECT, FUNDER], filter: { funders: ["UNDP"] }) { keys { value } currency total } }`);
    expect(viaFund.data.fundingFlows).toContainEqual({ keys: [{ value: "project:cybercrime-conferences" }, { value: "organization:undp-funding-windows" }], currency: "USD", total: "100" });
    const projectsOfUndp = await as("anonymous", `{ projects(filter: { funders: ["UNDP"] }) { edges { node { id } } } }`);
    expect(projectsOfUndp.data.projects.edges.map((e: any) => e.node.id)).toContain("project:cybercrime-conferences");
  });

  it("records flows that differ only past the id's 80th character, or only by recipient, as different flows", async () => {
    const flow = (amount: string, currency: string, recipient = "") =>
      as("editor", `mutation { recordFunding(input: { funder: "UNDP", project: "project:victim-satisfaction-evaluation", amount: "${amount}", currency: "${currency}",
        date: "2021-03-01", ${recipient ? `recipient: "${recipient}",` : ""} ${CITE} }) { id created } }`);
    const usd = (await flow("250000.50", "USD")).data.recordFunding;
    const eur = (await flow("250000.99", "EUR")).data.recordFunding;
    const toMpf = (await flow("250000.50", "USD", "agency:mpf-caba")).data.recordFunding;
    expect([usd.created, eur.created, toMpf.created]).toEqual([true, true, true]);
    expect(new Set([usd.id, eur.id, toMpf.id]).size).toBe(3);
    // The same flow again is the same flow.
    expect((await flow("250000.50", "USD")).data.recordFunding).toEqual({ id: usd.id, created: false });
    // A flow written before ids had digests (its key cut at 80 characters) keeps its id: no duplicate.
    const fields = "organization:undp-project:victim-satisfaction-evaluation-grant-2021-03-01-777-JPY";
    const legacyId = `funding:${legacyIdSlug(fields)}`;
    await writeGraph(db, { nodes: [{ id: legacyId, type: "Funding", kind: "stated", flowType: "grant", amount: "777", currency: "JPY", date: "2021-03-01", sources: [{ source: "source:coopgraph-enrichment", quote: "test fact" }] }],
      relationships: [{ type: "FUNDED", from: "organization:undp", to: legacyId, sources: [{ source: "source:coopgraph-enrichment", quote: "test fact" }] },
        { type: "FUNDS", from: legacyId, to: "project:victim-satisfaction-evaluation", sources: [{ source: "source:coopgraph-enrichment", quote: "test fact" }] }] });
    expect(legacyId.length).toBe("funding:".length + 80);
    expect((await flow("777", "JPY")).data.recordFunding).toEqual({ id: legacyId, created: false });
    // Another flow whose key cuts to the same 80 characters is another flow.
    const other = (await flow("777", "JPY", "agency:mpf-caba")).data.recordFunding;
    expect(other.created).toBe(true);
    expect(other.id).not.toBe(legacyId);
    const res = await as("anonymous", `{ project(reference: "project:victim-satisfaction-evaluation") { funding { amount currency } } }`);
    expect(res.data.project.funding.filter((f: { amount: string | null }) => f.amount !== null)).toEqual(expect.arrayContaining([
      { amount: "250000.5", currency: "USD" }, { amount: "250000.99", currency: "EUR" },
    ]));
  });

  it("gives actors named in other scripts ids of their own (they all became organization:unnamed, the second overwriting the first), and keeps one written before under its old id", async () => {
    const upsert = (name: string) => as("editor", `mutation($name: String!) { upsertActor(input: { kind: ORGANIZATION, name: $name, ${CITE} }) { id created } }`, { name });
    const china = (await upsert("国家检察院")).data.upsertActor;
    const russia = (await upsert("Генеральная прокуратура")).data.upsertActor;
    expect([china.created, russia.created]).toEqual([true, true]);
    expect(china.id).not.toBe(russia.id);
    const names = await db.read("MATCH (a:Actor) WHERE a.id IN $ids RETURN a.name AS name ORDER BY name", { ids: [china.id, russia.id] });
    expect(names.map((r) => r.name)).toEqual(["Генеральная прокуратура", "国家检察院"]);
    // An organisation written before under the slug alone ("unnamed") is the one written again.
    await writeGraph(db, { nodes: [{ id: "organization:unnamed", type: "Organization", name: "النيابة العامة", sources: [{ source: "source:coopgraph-enrichment", quote: "test fact" }] }] });
    expect((await upsert("النيابة العامة")).data.upsertActor).toEqual({ id: "organization:unnamed", created: false });
  });

  it("adds and removes participations and keeps participant counts exact", async () => {
    await createPeru();
    const add = await as("editor", `mutation { addParticipation(input: { actor: "agency:public-prosecution-service-of-peru", project: "Cybercrime Conferences", role: "partner", ${CITE} }) { created } }`);
    expect(add.data.addParticipation.created).toBe(true);
    const [count] = await db.read("MATCH (p:Project {id: 'project:cybercrime-conferences'}) RETURN p.participantCount AS n");
    expect(count!.n).toBe(6);
    const removed = await as("editor", `mutation { removeParticipation(actor: "agency:public-prosecution-service-of-peru", project: "Cybercrime Conferences", role: "partner") }`);
    expect(removed.data.removeParticipation).toBe(true);
    const [after] = await db.read("MATCH (p:Project {id: 'project:cybercrime-conferences'}) RETURN p.participantCount AS n");
    expect(after!.n).toBe(5);
  });

  it("merges a duplicate into the entity to keep (admin)", async () => {
    await as("editor", `mutation { upsertActor(input: { kind: ORGANIZATION, id: "organization:un-office-drugs-crime", name: "UN Office on Drugs and Crime",
      officialName: "Office des Nations Unies contre la drogue et le crime", ${CITE} }) { id } }`);
    await as("editor", `mutation { addParticipation(input: { actor: "organization:un-office-drugs-crime", project: "project:dmi-open-drug-markets", role: "partner", ${CITE} }) { id } }`);
    const merged = await as("admin", `mutation { mergeEntities(keep: "organization:unodc", remove: "organization:un-office-drugs-crime") { id relationships { type count } } }`);
    expect(merged.data.mergeEntities).toEqual({ id: "organization:unodc", relationships: [{ type: "PARTICIPATES_IN", count: 1 }] });
    const [row] = await db.read(`MATCH (o:Organization {id: 'organization:unodc'}) RETURN o.aliases AS aliases, [(o)-[r:PARTICIPATES_IN]->(p) | p.id + ' ' + r.role] AS projects,
      EXISTS { MATCH (:Actor {id: 'organization:un-office-drugs-crime'}) } AS duplicateLeft`);
    expect(row!.aliases).toContain("UN Office on Drugs and Crime");
    // Its official name stays a name of UNODC's (it was lost on the next update of UNODC's names).
    expect(row!.aliases).toContain("Office des Nations Unies contre la drogue et le crime");
    expect((row!.projects as string[]).sort()).toEqual(["project:cybercrime-conferences co-organizer", "project:dmi-open-drug-markets partner"]);
    expect(row!.duplicateLeft).toBe(false);
  });

  it("deletes an entity and says what it removed (admin)", async () => {
    await createPeru();
    const res = await as("admin", `mutation { deleteEntity(id: "agency:public-prosecution-service-of-peru") { id relationships { type count } fundingFlows } }`);
    expect(res.data.deleteEntity).toEqual({ id: "agency:public-prosecution-service-of-peru", relationships: [{ type: "BASED_IN", count: 1 }], fundingFlows: 0 });
    const again = await as("admin", `mutation { deleteEntity(id: "agency:public-prosecution-service-of-peru") { id } }`);
    expect(again.errors![0]!.extensions.code).toBe("NOT_FOUND");
  });

  it("refuses to delete or merge a source (facts cite it by id), and to merge a person with an organisation, changing nothing", async () => {
    const cited = `{ actor(reference: "agency:mpf-caba") { sources { source { id } } } }`;
    const before = await as("anonymous", cited);
    for (const mutation of [
      `mutation { deleteEntity(id: "source:coopgraph-enrichment") { id } }`,
      `mutation { mergeEntities(keep: "source:iap27-mahiques-abstract", remove: "source:coopgraph-enrichment") { id } }`,
      `mutation { mergeEntities(keep: "agency:mpf-caba", remove: "person:juan-bautista-mahiques") { id } }`,
    ]) {
      const res = await as("admin", mutation);
      expect(res.errors![0]!.extensions.code, mutation).toBe("BAD_USER_INPUT");
      expect(res.errors![0]!.message, mutation).toMatch(/is a source, not an entity|not of the same kind/);
    }
    expect(await as("anonymous", cited)).toEqual(before);
    expect((await as("anonymous", `{ actor(reference: "person:juan-bautista-mahiques") { id } }`)).data.actor).toEqual({ id: "person:juan-bautista-mahiques" });
  });

  it("points an IATI activity naming a merged-away organisation at the organisation it was merged into, instead of bringing the duplicate back", async () => {
    const activity = (id: string) => `<iati-activities version="2.03"><iati-activity default-currency="USD">
  <iati-identifier>${id}</iati-identifier>
  <reporting-org ref="TEST-ORG"><narrative>Test publisher</narrative></reporting-org>
  <title><narrative xml:lang="en">Merge test ${id}</narrative></title>
  <participating-org role="4" ref="TEST-MERGE-A"><narrative>Merge Test Agency</narrative></participating-org>
  <participating-org role="1" ref="TEST-MERGE-B"><narrative>Merge Test Agency (duplicate)</narrative></participating-org>
</iati-activity></iati-activities>`;
    const importXml = (id: string) => as("admin", `mutation($c: String!, $f: String) { importData(format: IATI_XML, content: $c, fileName: $f) { created rejected { reason } } }`,
      { c: activity(id), f: `${id}.xml` });
    expect((await importXml("TEST-MERGE-1")).data.importData).toEqual({ created: 1, rejected: [] });
    const merged = await as("admin", `mutation { mergeEntities(keep: "organization:iati:TEST-MERGE-A", remove: "organization:iati:TEST-MERGE-B") { id } }`);
    expect(merged.errors).toBeUndefined();
    expect((await importXml("TEST-MERGE-2")).data.importData).toEqual({ created: 1, rejected: [] });
    const rows = await db.read(`MATCH (a:Actor)-[r:PARTICIPATES_IN]->(p:Project) WHERE p.iatiIdentifier STARTS WITH 'TEST-MERGE-'
      RETURN p.iatiIdentifier AS project, a.id AS actor, r.role AS role ORDER BY project, role`);
    expect(rows.map((r) => `${r.project} ${r.actor} ${r.role}`)).toEqual([
      "TEST-MERGE-1 organization:iati:TEST-MERGE-A funder", "TEST-MERGE-1 organization:iati:TEST-MERGE-A implementer",
      "TEST-MERGE-2 organization:iati:TEST-MERGE-A funder", "TEST-MERGE-2 organization:iati:TEST-MERGE-A implementer",
    ]);
    const [back] = await db.read("MATCH (a:Actor {id: 'organization:iati:TEST-MERGE-B'}) RETURN count(a) AS n");
    expect(Number(back!.n)).toBe(0);
  });

  it("imports an IATI activity into the project an editor created with its identifier, not into a second project with the same identifier", async () => {
    const created = await as("editor", `mutation { upsertProject(input: { name: "Editor's IATI project", kind: "iati-activity", iatiIdentifier: "TEST-DUP-1",
      description: "Written by an editor", acronyms: ["EIP"], aliases: ["Proyecto del editor"], startYear: 2018, ${CITE} }) { id } }`);
    const id = created.data.upsertProject.id;
    expect(id).toBe("project:editor-s-iati-project");
    const xml = `<iati-activities version="2.03"><iati-activity default-currency="USD">
  <iati-identifier>TEST-DUP-1</iati-identifier>
  <reporting-org ref="TEST-ORG"><narrative>Test publisher</narrative></reporting-org>
  <title><narrative xml:lang="en">The IATI title</narrative></title>
  <participating-org role="4" ref="TEST-DUP-ORG"><narrative>Dup Test Agency</narrative></participating-org>
  <related-activity ref="TEST-DUP-1" type="1"/>
</iati-activity></iati-activities>`;
    const importXml = () => as("admin", `mutation($c: String!) { importData(format: IATI_XML, content: $c, fileName: "dup.xml") { created updated unchanged rejected { reason } } }`, { c: xml });
    expect((await importXml()).data.importData).toEqual({ created: 0, updated: 1, unchanged: 0, rejected: [] });
    const projects = await db.read(`MATCH (p:Project {iatiIdentifier: 'TEST-DUP-1'})
      RETURN p.id AS id, p.name AS name, p.description AS description, p.acronyms AS acronyms, p.aliases AS aliases, p.startYear AS startYear`);
    // What the activity states wins; what it leaves out (description, years, acronyms) is the editor's, whose name stays an alias.
    expect(projects).toEqual([{ id, name: "The IATI title", description: "Written by an editor", acronyms: ["EIP"],
      aliases: ["Proyecto del editor", "Editor's IATI project"], startYear: 2018 }]);
    expect((await as("anonymous", `{ project(reference: "EIP") { id } }`)).data.project).toEqual({ id });
    const [took] = await db.read("MATCH (:Actor {id: 'organization:iati:TEST-DUP-ORG'})-[:PARTICIPATES_IN]->(p:Project) RETURN collect(p.id) AS ids");
    expect(took!.ids).toEqual([id]);
    expect((await importXml()).data.importData).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
  });

  it("imports through an admin mutation, with the same pipeline and report", async () => {
    const doc = {
      nodes: [{ id: "theme:anti-corruption", type: "Theme", name: "Anti-corruption", nameEs: "Anticorrupción", sources: [{ source: "source:coopgraph-enrichment", quote: "test" }] },
        { id: "theme:broken", type: "Theme", sources: [] }],
    };
    const res = await as("admin", `mutation($c: String!) { importData(format: JSON, content: $c, fileName: "themes.json") { records created unchanged rejected { position reason } } }`, { c: JSON.stringify(doc) });
    expect(res.data.importData).toEqual({ records: 2, created: 1, unchanged: 0, rejected: [{ position: "themes.json nodes[1] (theme:broken)", reason: "a name is required" }] });
    const found = await as("anonymous", `{ search(text: "anticorrupcion", kinds: [THEME]) { item { ... on Theme { id } } } }`);
    expect(found.data.search[0].item.id).toBe("theme:anti-corruption");
    // Content that cannot be read is the caller's to fix: a code and the upload's name, not a masked fault.
    for (const [format, content, message] of [
      ["JSON", "", /^themes\.json: the file is empty$/],
      ["JSON", "{ not json", /^themes\.json: not valid JSON/],
      ["IATI_XML", "<iati-activities><iati-activity><iati-identifier>X</iati-identifier>", /^themes\.xml: /],
    ] as const) {
      const bad = await as("admin", `mutation($c: String!) { importData(format: ${format}, content: $c, fileName: "themes.json") { records } }`, { c: content });
      expect(bad.errors![0]!.extensions.code, content).toBe("BAD_USER_INPUT");
      expect(bad.errors![0]!.message, content).toMatch(message);
      expect(bad.errors![0]!.message).not.toContain(os.tmpdir());
    }
  });

  it("deletes a funder with the funding flows it gave, and a project with the flows it received (admin)", async () => {
    await as("editor", `mutation { upsertActor(input: { kind: ORGANIZATION, id: "organization:test-fund", name: "Test Fund", ${CITE} }) { id } }`);
    const flow = await as("editor", `mutation { recordFunding(input: { funder: "organization:test-fund", project: "project:dmi-open-drug-markets", amount: "1000", currency: "EUR", ${CITE} }) { id } }`);
    const flowId = flow.data.recordFunding.id as string;
    const deleted = await as("admin", `mutation { deleteEntity(id: "organization:test-fund") { relationships { type count } fundingFlows } }`);
    expect(deleted.data.deleteEntity).toEqual({ relationships: [{ type: "FUNDED", count: 1 }], fundingFlows: 1 });
    const [left] = await db.read("MATCH (f:Funding {id: $id}) RETURN count(f) AS n", { id: flowId });
    expect(left!.n).toBe(0);
    const project = await as("anonymous", `{ project(reference: "project:dmi-open-drug-markets") { funding { amount } funders { id } } }`);
    expect(project.data.project).toEqual({ funding: [], funders: [] });

    await as("editor", `mutation { recordFunding(input: { funder: "IDB", project: "project:victim-satisfaction-evaluation", ${CITE} }) { id } }`);
    const project2 = await as("admin", `mutation { deleteEntity(id: "project:victim-satisfaction-evaluation") { fundingFlows } }`);
    expect(project2.data.deleteEntity.fundingFlows).toBe(1);
    const [dangling] = await db.read("MATCH (f:Funding) WHERE NOT EXISTS { (f)-[:FUNDS]->() } OR NOT EXISTS { ()-[:FUNDED]->(f) } RETURN count(f) AS n");
    expect(dangling!.n).toBe(0);
  });

  it("reads the entity under an old id in the write's own transaction: a rename committed while the write waits is not overwritten", async () => {
    // The WHO Argentina file's 85-character funder; an earlier release stored it under its id cut at 80 characters.
    const name = "Federal Ministry for the Environment, Nature Conservation and Nuclear Safety, Germany";
    const renamed = "Federal Ministry for Economic Cooperation and Development, Germany";
    const legacy = `organization:${legacyIdSlug(name)}`;
    await db.write("CREATE (:Actor:Organization {id: $id, name: $name, nameKey: $name, sourceIds: ['source:coopgraph-enrichment'], quotes: ['x']})", { id: legacy, name });
    // Another writer renames it and has not committed yet when the upsert of the old name arrives.
    const session = db.driver.session();
    const rename = session.beginTransaction();
    await rename.run("MATCH (o:Actor {id: $id}) SET o.name = $renamed", { id: legacy, renamed });
    const upsert = as("editor", `mutation($n: String!) { upsertActor(input: { kind: ORGANIZATION, name: $n, ${CITE} }) { id created } }`, { n: name });
    try {
      await waitForBlockedTransaction();
      await rename.commit();
    } finally {
      await session.close();
    }
    // The upsert read the entity after the rename: it is another ministry now, so the old name gets an entity of its own.
    expect((await upsert).data.upsertActor).toEqual({ id: `organization:${idSlug(name)}`, created: true });
    const [stored] = await db.read("MATCH (o:Actor {id: $id}) RETURN o.name AS name", { id: legacy });
    expect(stored!.name).toBe(renamed);
  });

  it("invalidates the reference cache after the write commits, not before (a read in between must not keep the old state)", async () => {
    const resolve = async () => (await as("anonymous", `{ resolveReferences(references: ["theme:cybercrime"]) { name } }`)).data.resolveReferences[0].name;
    expect(await resolve()).toBe("Cybercrime");
    // Hold a write lock on the theme, so that the import below waits inside its transaction.
    const session = db.driver.session();
    const lock = session.beginTransaction();
    await lock.run("MATCH (t:Theme {id: 'theme:cybercrime'}) SET t.lockedByTest = true");
    const doc = { nodes: [{ id: "theme:cybercrime", type: "Theme", name: "Cybercrime (renamed)", sources: [{ source: "source:coopgraph-enrichment", quote: "test" }] }] };
    const importing = as("admin", `mutation($c: String!) { importData(format: JSON, content: $c) { records } }`, { c: JSON.stringify(doc) });
    try {
      await waitForBlockedTransaction();
      // Read while the import is under way: the database still has the old name, and says so.
      expect(await resolve()).toBe("Cybercrime");
    } finally {
      await lock.rollback();
      await session.close();
    }
    expect((await importing).data.importData.records).toBe(1);
    expect(await resolve()).toBe("Cybercrime (renamed)");
  });
});

/** Waits until some transaction is blocked on a lock (the import waiting for the test's lock). */
async function waitForBlockedTransaction(): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const session = db.driver.session();
    try {
      const result = await session.run("SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS n");
      if (Number(result.records[0]?.get("n")) > 0) return;
    } finally {
      await session.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the import never waited for the lock");
}

describe("writes to related-activity stubs, and what deletes touch", () => {
  beforeEach(async () => {
    await resetToSeed(db, server);
  });

  it("makes a stub an editor writes a full project, listed and counted", async () => {
    await db.write(`CREATE (p:Project:ProjectStub {id: 'project:iati:xx-probe-1', name: 'XX-PROBE-1', iatiIdentifier: 'XX-PROBE-1', stub: true,
      names: 'XX-PROBE-1', searchKind: 'Project', participantCount: 0, involvedPlaces: [], sourceIds: ['source:coopgraph-enrichment'], quotes: ['test']})`);
    const before = (await as("anonymous", "{ projects { totalCount } }")).data.projects.totalCount;
    const res = await as("editor", `mutation { upsertProject(input: { iatiIdentifier: "XX-PROBE-1", name: "Probe programme on cybercrime", kind: "training-program",
      startYear: 2020, endYear: 2021, ${CITE} }) { id created } }`);
    expect(res.data.upsertProject).toEqual({ id: "project:iati:xx-probe-1", created: false });
    const after = await as("anonymous", `{ projects { totalCount } project(reference: "project:iati:xx-probe-1") { stub name } }`);
    expect(after.data.projects.totalCount).toBe(before + 1);
    expect(after.data.project).toEqual({ stub: false, name: "Probe programme on cybercrime" });
    const [labels] = await db.read("MATCH (p:Project {id: 'project:iati:xx-probe-1'}) RETURN labels(p) AS labels");
    expect(labels!.labels).toEqual(["Project"]);
  });

  it("records, for graphChanged, the entities a delete leaves without a relationship", async () => {
    const res = await as("admin", `mutation { deleteEntity(id: "project:dmi-open-drug-markets") { id } }`);
    expect(res.data.deleteEntity.id).toBe("project:dmi-open-drug-markets");
    const [change] = await db.read("MATCH (c:GraphChange) RETURN c.ids AS ids ORDER BY c.version DESC LIMIT 1");
    expect(change!.ids).toEqual(expect.arrayContaining(["project:dmi-open-drug-markets", "organization:idb", "agency:mpf-caba", "theme:drug-markets", "event:iap27-sig-heads-of-prosecution-services"]));
  });
});
