/**
 * The IATI importer on the two real files in ../shared/data/iati, checked against the XML itself
 * (read here with a different parser, fast-xml-parser) and field by field on chosen activities.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/config.js";
import { importFile, type ImportSummary } from "../../src/ingest/import-pipeline.js";
import { TRANSACTION_TYPES } from "../../src/ingest/iati/codelists.js";
import { sumDecimals } from "../../src/model/decimal.js";
import { apiSuite, dataOf } from "../support/api.js";
import { graphCounts, testDatabase } from "../support/db.js";
import { compareExact, scaledDecimal } from "../support/decimals.js";
import { fingerprint, resetToSeed } from "../support/reset.js";
import { IATI_DIR } from "../support/iati.js";

const OCHA = path.join(IATI_DIR, "ocha-hdx-covid-dportal-2.03.xml");
const WHO = path.join(IATI_DIR, "okfn-who-argentina-2.03.xml");
const db = testDatabase();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "coopgraph-iati-"));
let first: { ocha: ImportSummary; who: ImportSummary };
let full: Record<string, unknown>;

/** The XML's own view, independent of the importer's streaming parser. */
function parseXml(file: string) {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: () => true, parseTagValue: false, trimValues: true });
  return parser.parse(fs.readFileSync(file, "utf8"))["iati-activities"][0]["iati-activity"] as any[];
}

beforeAll(async () => {
  await resetToSeed(db);
  first = { ocha: await importFile(db, OCHA), who: await importFile(db, WHO) };
  full = await fingerprint(db);
  console.log(`import rate: ${OCHA}: ${(first.ocha.records / first.ocha.seconds).toFixed(0)} activities/s, ` +
    `${(first.ocha.relationships / first.ocha.seconds).toFixed(0)} relationships/s; WHO: ` +
    `${(first.who.records / first.who.seconds).toFixed(0)} activities/s, ${(first.who.relationships / first.who.seconds).toFixed(0)} relationships/s`);
}, 180_000);

/** One API server for the tests that ask through the API, started after the imports above. */
const { gql } = apiSuite();

afterAll(async () => {
  await resetToSeed(db);
  await db.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("IATI import", () => {
  it("imports every activity of both files and reports the malformed parts with their lines", () => {
    expect(first.ocha).toMatchObject({ records: 401, created: 401, updated: 0, unchanged: 0 });
    expect(first.who).toMatchObject({ records: 157, created: 157, updated: 0, unchanged: 0, rejected: [] });
    // 21 transactions of one Czech publisher have an empty value, one sector has no code.
    expect(first.ocha.rejected).toHaveLength(22);
    expect(first.ocha.rejected).toContainEqual({
      position: "ocha-hdx-covid-dportal-2.03.xml line 21508 (CZ-ICO-25755277-MDAZ000017)", reason: "transaction value \"\" is not a decimal number",
    });
    expect(first.ocha.rejected).toContainEqual({ position: "ocha-hdx-covid-dportal-2.03.xml line 52895 (GB-COH-871954-QR00646)", reason: "sector has no code" });
  });

  it("holds as many activities, transactions and budgets as the XML", async () => {
    const xmlActivities = [...parseXml(OCHA), ...parseXml(WHO)];
    const transactions = xmlActivities.flatMap((a) => a.transaction ?? []);
    const valid = transactions.filter((t) => (t.value?.[0]?.["#text"] ?? "").trim() !== "");
    // A revised budget (type 2) replaces the original (type 1 or none) of its period: one in the OCHA file.
    const budgets = xmlActivities.flatMap((a) => {
      const list: any[] = a.budget ?? [];
      const period = (b: any) => `${b["period-start"]?.[0]?.["@iso-date"]}..${b["period-end"]?.[0]?.["@iso-date"]}`;
      const revised = new Set(list.filter((b) => String(b["@type"]) === "2").map(period));
      return list.filter((b) => !(String(b["@type"] ?? "1") === "1" && revised.has(period(b))));
    });
    const [row] = await db.read(`MATCH (p:Project {kind: 'iati-activity'}) WHERE NOT p.stub
      RETURN count(p) AS activities,
             COUNT { MATCH (f:Funding {kind: 'transaction'}) } AS transactions,
             COUNT { MATCH (f:Funding {kind: 'budget'}) } AS budgets`);
    expect(row).toEqual({ activities: 558, transactions: valid.length, budgets: budgets.length });
    expect(valid.length).toBe(1012 + 871);
    expect(budgets.length).toBe(367 + 1256);
  });

  it("sums transactions per type and currency exactly as the XML does", async () => {
    const expected = new Map<string, bigint>();
    for (const activity of [...parseXml(OCHA), ...parseXml(WHO)]) {
      for (const t of activity.transaction ?? []) {
        const value = t.value?.[0];
        const text = (value?.["#text"] ?? "").trim();
        if (!text) continue;
        const typeEl = t["transaction-type"][0];
        const key = `${typeEl["@code"] ?? typeEl["#text"]} ${value["@currency"] ?? activity["@default-currency"]}`;
        expected.set(key, (expected.get(key) ?? 0n) + scaledDecimal(text, 10));
      }
    }
    const rows = await db.read(`MATCH (f:Funding {kind: 'transaction'}) RETURN f.transactionType + ' ' + f.currency AS key, collect(f.amount) AS amounts`);
    const actual = new Map(rows.map((r) => [r.key as string, (r.amounts as string[]).reduce((s, a) => s + scaledDecimal(a, 10), 0n)]));
    expect(actual).toEqual(expected);
    // 25 pairs of transaction type and currency, from 1 EUR to 4 USD (455 expenditures in USD).
    expect(actual.size).toBe(25);
  });

  it("matches organisations by IATI ref: XM-DAC-41114 is the seed's UNDP, not a copy", async () => {
    const rows = await db.read(`MATCH (a:Actor {iatiRef: 'XM-DAC-41114'}) RETURN a.id AS id, a.name AS name,
      COUNT { (a)-[:PARTICIPATES_IN]->(:Project {kind: 'iati-activity'}) } AS participations`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: "organization:undp", name: "United Nations Development Programme" });
    // 260 distinct (activity, role) pairs name XM-DAC-41114 in the OCHA file.
    expect(rows[0]!.participations).toBe(260);
  });

  it("maps an activity field by field: UNDP's RRF COVID-19 Argentina", async () => {
    const [p] = await db.read(`MATCH (p:Project {iatiIdentifier: 'XM-DAC-41114-PROJECT-00127336'})
      RETURN p.name AS name, p.nameLanguage AS language, p.startDate AS start, p.endDate AS end, p.status AS status,
        p.description AS description, p.defaultCurrency AS currency, p.reportingOrgName AS publisher,
        [(a)-[r:PARTICIPATES_IN]->(p) | a.id + ' ' + r.role + ' ' + r.iatiRole] AS roles,
        [(p)-[r:TAKES_PLACE_IN]->(c) | c.id + ' ' + toString(r.percentage)] AS places,
        [(p)-[r:ABOUT]->(t) | t.id + ' ' + t.name + ' ' + toString(r.percentage)] AS themes,
        [(p)-[r:RELATED_TO]->(x) | r.relation + ' ' + x.id + ' ' + toString(x.stub)] AS related,
        p.sourceIds AS sources`);
    expect(p).toMatchObject({
      name: "RRF COVID-19 Argentina", language: "es", start: "2020-05-01", end: "2020-10-31", status: "implementation",
      currency: "USD", publisher: "United Nations Development Programme",
      description: "El Proyecto tiene como objetivo llevar a cabo un testeo de prototipo de ventilador adaptado para COVID-19.",
      places: ["country:AR 100"],
      related: ["child project:iati:XM-DAC-41114-OUTPUT-00121231 true"],
      sources: ["source:iati:XM-DAC-41114-PROJECT-00127336"],
    });
    expect((p!.roles as string[]).sort()).toEqual([
      "organization:undp accountable 2", "organization:undp implementer 4", "organization:undp-funding-windows funder 1"]);
    expect(p!.themes).toContain("theme:dac-16050 Multisector aid for basic social services 100");
    expect(p!.themes).toContain("theme:sdg-target-3.2 SDG target 3.2 33.33");
    const [source] = await db.read(`MATCH (s:Source {id: 'source:iati:XM-DAC-41114-PROJECT-00127336'}) RETURN s.kind AS kind, s.document AS file, s.publisherRef AS publisher`);
    expect(source).toEqual({ kind: "iati-activity", file: "ocha-hdx-covid-dportal-2.03.xml", publisher: "XM-DAC-41114" });
  });

  it("keeps amounts exact and dated, with provider and receiver: a WHO activity", async () => {
    const rows = await db.read(`MATCH (p:Project {iatiIdentifier: 'XM-DAC-928-AR-2016-17-01.001.AM01.ARG01'})<-[:FUNDS]-(f:Funding {kind: 'transaction'})
      OPTIONAL MATCH (giver)-[:FUNDED]->(f) OPTIONAL MATCH (f)-[:RECEIVED_BY]->(taker)
      RETURN f.flowType AS type, f.date AS date, f.amount AS amount, f.currency AS currency, giver.id AS provider, taker.id AS receiver
      ORDER BY type, amount`);
    expect(rows).toContainEqual({ type: "outgoing-commitment", date: "2016-01-01", amount: "113240.66", currency: "USD",
      provider: "organization:iati:XM-DAC-928", receiver: "organization:iati:XM-DAC-928" });
    expect(rows).toContainEqual(expect.objectContaining({ type: "incoming-commitment", amount: "86071.4" }));
  });

  it("survives narratives escaped twice and upper-case languages", async () => {
    // WHO's file escapes this name twice ("Bill &amp;amp; Melinda"); the quote must read as printed.
    const [gates] = await db.read(`MATCH (o:Organization {iatiRef: 'DAC-1601'})-[r:PARTICIPATES_IN]->(:Project {iatiIdentifier: 'XM-DAC-928-AR-2016-17-05.005.AM01.ARG04'})
      RETURN o.organizationType AS type, r.quotes AS quotes`);
    expect(gates).toEqual({ type: "foundation", quotes: ["<participating-org ref=\"DAC-1601\" type=\"60\" role=\"1\">Bill & Melinda Gates Foundation</participating-org>"] });
    const [escaped] = await db.read(`MATCH (n) WHERE n.name CONTAINS '&amp;' RETURN count(n) AS n`);
    expect(escaped!.n).toBe(0);
    const [languages] = await db.read(`MATCH (p:Project {kind: 'iati-activity'}) WHERE p.nameLanguage IS NOT NULL RETURN collect(DISTINCT p.nameLanguage) AS l`);
    expect((languages!.l as string[]).every((l) => l === l.toLowerCase())).toBe(true);
  });

  it("answers through the same filters as the seed: UNDP's projects in Argentina", async () => {
    const [row] = await db.read(`MATCH (:Organization {id: 'organization:undp'})-[:PARTICIPATES_IN]->(p:Project)-[:TAKES_PLACE_IN]->(:Country {code: 'AR'})
      RETURN collect(DISTINCT p.iatiIdentifier) AS ids`);
    // The seed has no UNDP project in Argentina; the OCHA file has one, RRF COVID-19 Argentina.
    expect(row!.ids).toEqual(["XM-DAC-41114-PROJECT-00127336"]);
  });

  it("finds an activity for a DAC region by the UN region it lies in: Korea's 'South America, regional' (DAC 489) in Latin America", async () => {
    const id = "project:iati:KR-GOV-051-2020010102779";
    const inRegion = async (region: string) => dataOf(await gql(`query($r: [String!], $p: [String!]) { projects(filter: { regions: $r, involvingAll: $p }) { totalCount } }`,
      { r: [region], p: [id] })).projects.totalCount;
    for (const region of ["South America", "Latin America", "América del Sur"]) expect(await inRegion(region), region).toBe(1);
    // Not in Africa; and the link is cited to the code lists.
    expect(await inRegion("Africa")).toBe(0);
    const [link] = await db.read("MATCH (:Region {id: 'region:dac-489'})-[r:IN_REGION]->(m:Region) RETURN m.id AS m49, r.quotes AS quotes");
    expect(link).toEqual({ m49: "region:005", quotes: ["DAC region 489 lies in UN M49 region 005"] });
  });

  it("finds an activity for a UN M49 region (vocabulary 2) in that region and the regions around it", async () => {
    const file = path.join(tmp, "m49.xml");
    fs.writeFileSync(file, `<iati-activities version="2.03"><iati-activity default-currency="USD">
  <iati-identifier>TEST-M49-1</iati-identifier><title><narrative xml:lang="en">M49 region test</narrative></title>
  <recipient-region code="5" vocabulary="2" percentage="100"/></iati-activity></iati-activities>`);
    expect(await importFile(db, file)).toMatchObject({ created: 1, rejected: [] });
    const inRegion = async (region: string) => dataOf(await gql(`query($r: [String!]) { projects(filter: { regions: $r, involvingAll: ["project:iati:TEST-M49-1"] }) { totalCount } }`,
      { r: [region] })).projects.totalCount;
    for (const region of ["South America", "Latin America", "region:005"]) expect(await inRegion(region), region).toBe(1);
    expect(await inRegion("Africa")).toBe(0);
    expect(await db.read("MATCH (r:Region) WHERE r.id STARTS WITH 'region:iati-v2-' RETURN r.id AS id")).toEqual([]);
    await db.write("MATCH (p:Project {id: 'project:iati:TEST-M49-1'}) DETACH DELETE p");
    await db.write("MATCH (s:Source {id: 'source:iati:TEST-M49-1'}) DETACH DELETE s");
  });

  it("changes nothing when the same files are imported again", async () => {
    const before = await graphCounts(db);
    const again = { ocha: await importFile(db, OCHA), who: await importFile(db, WHO) };
    expect(again.ocha).toMatchObject({ created: 0, updated: 0, unchanged: 401, relationships: 0 });
    expect(again.who).toMatchObject({ created: 0, updated: 0, unchanged: 157, relationships: 0 });
    expect(await graphCounts(db)).toEqual(before);
    expect(await fingerprint(db)).toEqual(full);
  });

  it("recognises the same activities under another file name (an upload is named upload-<time>): nothing is rewritten", async () => {
    const renamed = path.join(tmp, "upload-1733470000000.xml");
    fs.copyFileSync(WHO, renamed);
    const before = await graphCounts(db);
    expect(await importFile(db, renamed)).toMatchObject({ records: 157, created: 0, updated: 0, unchanged: 157, relationships: 0 });
    expect(await graphCounts(db)).toEqual(before);
    expect(await fingerprint(db)).toEqual(full);
    // The sources still name the file the facts were first read in.
    const [source] = await db.read("MATCH (s:Source {id: 'source:iati:XM-DAC-928-AR-2016-17-01.001.AM01.ARG01'}) RETURN s.document AS file");
    expect(source!.file).toBe("okfn-who-argentina-2.03.xml");
  });

  it("answers through the API: UNDP-funded projects in Chile, and funding flows per currency as in the XML", async () => {
    const chile = dataOf(await gql(`{ projects(filter: { funders: ["UNDP"], countries: ["Chile"] }) { totalCount edges { node { iatiIdentifier name } } } }`));
    // UNDP funds through its Funding Windows (IATI ref 12711, part of UNDP in the seed); the other
    // Chilean UNDP project (00122250) is funded by another donor (13717) and is rightly left out.
    expect(chile.projects.edges.map((e: any) => e.node.iatiIdentifier)).toEqual(["XM-DAC-41114-PROJECT-00127278"]);

    const expected = new Map<string, string>();
    const sums = new Map<string, bigint>();
    for (const activity of [...parseXml(OCHA), ...parseXml(WHO)]) {
      for (const t of activity.transaction ?? []) {
        const text = (t.value?.[0]?.["#text"] ?? "").trim();
        if (!text) continue;
        const typeEl = t["transaction-type"][0];
        const key = `${TRANSACTION_TYPES[typeEl["@code"] ?? typeEl["#text"]]} ${t.value[0]["@currency"] ?? activity["@default-currency"]}`;
        sums.set(key, (sums.get(key) ?? 0n) + scaledDecimal(text, 10));
      }
    }
    for (const [key, total] of sums) expected.set(key, total.toString());
    const flows = dataOf(await gql(`{ fundingFlows(groupBy: [FLOW_TYPE], filter: { flowTypes: ${JSON.stringify(Object.values(TRANSACTION_TYPES))} }) {
      keys { value } currency total flows unknownAmounts } }`));
    const actual = new Map<string, string>(flows.fundingFlows.map((g: any) => [`${g.keys[0].value} ${g.currency}`, scaledDecimal(g.total, 10).toString()]));
    expect(actual).toEqual(expected);
    expect(flows.fundingFlows.every((g: any) => g.unknownAmounts === 0)).toBe(true);
    const byFunder = dataOf(await gql(`{ fundingFlows(groupBy: [FUNDER, YEAR], filter: { funders: ["organization:iati:XM-DAC-928"], flowTypes: ["disbursement"] }) { keys { dimension value } currency total } }`));
    // WHO's disbursements in the file fall in five years.
    expect(byFunder.fundingFlows.map((g: any) => g.keys[1].value).sort()).toEqual(["2017", "2019", "2021", "2023", "2025"]);
    expect(byFunder.fundingFlows.every((g: any) => g.keys[0].value === "organization:iati:XM-DAC-928" && g.currency === "USD")).toBe(true);
  });

  it("never adds commitments, disbursements and incoming funds together: each group is one kind of flow, as in the XML", async () => {
    const byFunderAndYear = async (funder: string) => dataOf(await gql(`query($f: String!) {
      fundingFlows(groupBy: [FUNDER, YEAR], filter: { funders: [$f], fromYear: 2020, toYear: 2020 }) { keys { value } flowType currency total flows unknownAmounts } }`,
    { f: funder })).fundingFlows;
    // The file's one transaction from JICA (JP-8): an outgoing commitment (type 2) of
    // 200000000000 USD on 2020-12-02 to Morocco (activity XM-DAC-701-2-2020003078). It is what the
    // publisher states, in USD; it is a commitment, not money disbursed, and is labelled so.
    expect(await byFunderAndYear("JP-8")).toEqual([
      { keys: [{ value: "organization:iati:JP-8" }, { value: "2020" }], flowType: "outgoing-commitment", currency: "USD", total: "200000000000", flows: 1, unknownAmounts: 0 },
    ]);
    // KR-GOV-051's 82 activities each state the same money three times over (incoming funds,
    // a commitment, then the disbursement): 139617721951 KRW if added together, which is wrong.
    const korea = await byFunderAndYear("KR-GOV-051");
    expect(korea.map((g: any) => [g.flowType, g.currency, g.total, g.flows])).toEqual([
      ["disbursement", "KRW", "46184957477", 82],
      ["incoming-funds", "KRW", "46716382237", 82],
      ["outgoing-commitment", "KRW", "46716382237", 82],
    ]);
    // The UK (GB-GOV-1) in 2020, both files: disbursements and commitments apart, and the WHO
    // file's two incoming commitments from DFID (151212.5 + 235452.3 USD) in their own currency.
    const uk = await byFunderAndYear("GB-GOV-1");
    expect(uk.map((g: any) => [g.flowType, g.currency, g.total, g.flows])).toEqual([
      ["disbursement", "GBP", "249684936", 93],
      ["expenditure", "GBP", "188643", 6],
      ["incoming-commitment", "USD", "386664.8", 2],
      ["incoming-funds", "GBP", "2156169", 2],
      ["outgoing-commitment", "GBP", "240627827", 39],
    ]);
  });

  it("counts a revised budget instead of the original of its period, not both: CH-FDJP-CHE106823242-2019723a in 2019", async () => {
    const groups = dataOf(await gql(`{ fundingFlows(groupBy: [PROJECT], filter: { flowTypes: ["budget"], fromYear: 2019, toYear: 2019 }) {
      keys { value } currency total flows } }`)).fundingFlows;
    // 686009 USD revised (type 2) for 2019-05-01..2020-04-30; the original 1941176 USD is not added to it.
    expect(groups.filter((g: any) => g.keys[0].value === "project:iati:CH-FDJP-CHE106823242-2019723a"))
      .toEqual([{ keys: [{ value: "project:iati:CH-FDJP-CHE106823242-2019723a" }], currency: "USD", total: "686009", flows: 1 }]);
  });

  it("ranks a country's largest funders (first) by exact totals, as a walk over the flows of both files does: Argentina", async () => {
    const flows = async (first: number | null) => dataOf(await gql(`query($first: Int) {
      fundingFlows(groupBy: [FUNDER], filter: { countries: ["AR"] }, first: $first) { keys { value } flowType currency total flows } }`, { first })).fundingFlows
      .map((g: any) => `${g.flowType} ${g.currency} ${g.keys[0].value} ${g.total} ${g.flows}`);
    // The walk: every non-budget flow into a project in Argentina, per funder, kind of flow and currency.
    const rows = await db.read(`MATCH (:Country {id: 'country:AR'})<-[:TAKES_PLACE_IN]-(:Project)<-[:FUNDS]-(f:Funding) WHERE f.flowType <> 'budget'
      WITH DISTINCT f OPTIONAL MATCH (g:Actor)-[:FUNDED]->(f) WITH DISTINCT g, f
      RETURN g.id AS funder, f.flowType AS flowType, f.currency AS currency, collect(f.amount) AS amounts, count(f) AS flows`);
    const walked = rows.map((r) => ({ at: `${r.flowType} ${r.currency}`, funder: String(r.funder), total: sumDecimals(r.amounts as string[]), flows: Number(r.flows) }));
    expect(walked.length).toBeGreaterThan(3);
    const expected = (first: number) => [...new Set(walked.map((w) => w.at))].sort((a, b) => a.localeCompare(b)).flatMap((at) => walked.filter((w) => w.at === at)
      .sort((a, b) => compareExact(b.total, a.total) || a.funder.localeCompare(b.funder))
      .slice(0, first).map((w) => `${w.at} ${w.funder} ${w.total} ${w.flows}`));
    expect(await flows(3)).toEqual(expected(3));
    expect(await flows(1)).toEqual(expected(1));
    expect((await flows(null)).sort()).toEqual(expected(1000).sort());
  });

  it("groups flows by the matrix's sub-regions, each group holding what the regions filter counts in it, region-level projects included", async () => {
    const row = (g: any) => `${g.flowType} ${g.currency} ${g.total} ${g.flows} ${g.unknownAmounts}`;
    const grouped = dataOf(await gql(`{ fundingFlows(groupBy: [REGION]) { keys { value name } flowType currency total flows unknownAmounts } }`)).fundingFlows as any[];
    const byRegion = new Map<string | null, string[]>();
    for (const g of grouped) byRegion.set(g.keys[0].value, [...(byRegion.get(g.keys[0].value) ?? []), row(g)]);
    // Sub-regions (Peru's South America is in Latin America and the Caribbean), DAC regions placed
    // directly in a continent (298 Africa, regional; 798 Asia, regional) or in none (589, 998) as
    // themselves; null: projects only in places of no region.
    expect([...byRegion.keys()].sort()).toEqual([null, ...["015", "030", "034", "035", "039", "054", "061", "143", "145", "151", "154", "202", "419"].map((c) => `region:${c}`),
      "region:dac-298", "region:dac-589", "region:dac-798", "region:dac-998"].sort());
    expect(byRegion.get("region:419")).toContain("disbursement KRW 67343806100 14 0");
    expect(byRegion.get("region:dac-298")).toContain("disbursement USD 24368728 7 0");
    for (const [region, rows] of byRegion) {
      if (region === null) continue;
      const filtered = dataOf(await gql(`query($r: [String!]) { fundingFlows(groupBy: [FLOW_TYPE], filter: { regions: $r }) { flowType currency total flows unknownAmounts } }`,
        { r: [region] })).fundingFlows as any[];
      expect(filtered.map(row), region).toEqual(rows);
    }
    // "South America, regional" (DAC 489, in South America) counts in Latin America and the Caribbean.
    const southAmericaRegional = dataOf(await gql(`{ fundingFlows(groupBy: [REGION], filter: { regions: ["region:dac-489"] }) { keys { value } flowType currency total flows } }`)).fundingFlows;
    expect(southAmericaRegional.map((g: any) => `${g.keys[0].value} ${g.flowType} ${g.currency} ${g.total} ${g.flows}`)).toEqual([
      "region:419 disbursement KRW 194341242 1", "region:419 incoming-funds KRW 194341242 1", "region:419 outgoing-commitment KRW 194341242 1"]);
    // The funding tallies (a region's funders, read from them) agree with the groups walked per funder.
    const withFunder = dataOf(await gql(`{ fundingFlows(groupBy: [REGION, FUNDER]) { keys { value } flowType currency total flows unknownAmounts } }`)).fundingFlows as any[];
    for (const region of ["region:419", "region:034", "region:202", "region:dac-298", "region:dac-589"]) {
      const fromTallies = dataOf(await gql(`query($r: [String!]) { fundingFlows(groupBy: [FUNDER], filter: { regions: $r }) { keys { value } flowType currency total flows unknownAmounts } }`,
        { r: [region] })).fundingFlows as any[];
      const walked = withFunder.filter((g) => g.keys[0].value === region).map((g) => `${g.keys[1].value} ${row(g)}`);
      expect(fromTallies.map((g) => `${g.keys[0].value} ${row(g)}`).sort(), region).toEqual(walked.sort());
      expect(walked.length, region).toBeGreaterThan(0);
    }
  });

  it("keeps the default currency and rejects bad records with their line, keeping the rest", async () => {
    const file = path.join(tmp, "quirks.xml");
    fs.writeFileSync(file, `<iati-activities version="2.03">
<iati-activity default-currency="EUR" xml:lang="FR">
  <iati-identifier>TEST-QUIRKS-1</iati-identifier>
  <reporting-org ref="TEST-ORG"><narrative>Test publisher</narrative></reporting-org>
  <title><narrative>Projet d'essai</narrative><narrative xml:lang="EN">Test project</narrative></title>
  <participating-org ref="" role="4"><narrative>Nameless ref &amp;amp; co</narrative></participating-org>
  <participating-org role="9"><narrative>Bad role</narrative></participating-org>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2021-02-03"/><value value-date="2021-02-03">1000.005</value></transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2021-02-04"/><value>12,5</value></transaction>
</iati-activity>
<iati-activity><reporting-org ref="X"/></iati-activity>
</iati-activities>`);
    const summary = await importFile(db, file);
    expect(summary).toMatchObject({ records: 2, created: 1 });
    expect(summary.rejected).toEqual([
      { position: "quirks.xml line 7 (TEST-QUIRKS-1)", reason: "participating-org role \"9\" is not 1-4" },
      { position: "quirks.xml line 9 (TEST-QUIRKS-1)", reason: "transaction value \"12,5\" is not a decimal number" },
      { position: "quirks.xml line 11", reason: "activity has no iati-identifier" },
    ]);
    const [row] = await db.read(`MATCH (p:Project {iatiIdentifier: 'TEST-QUIRKS-1'})
      RETURN p.name AS name, p.nameLanguage AS language, p.aliases AS aliases,
        [(p)<-[:FUNDS]-(f) | f.amount + ' ' + f.currency] AS money, [(a)-[:PARTICIPATES_IN]->(p) | a.name] AS orgs`);
    expect(row).toEqual({ name: "Test project", language: "en", aliases: ["Projet d'essai"], money: ["1000.005 EUR"], orgs: ["Nameless ref & co"] });
  });

  it("updates an activity in place when its file changes", async () => {
    const original = fs.readFileSync(WHO, "utf8");
    const changed = original
      .replace("<value currency=\"USD\" value-date=\"2016-01-01\">113240.6600000000</value>", "<value currency=\"USD\" value-date=\"2016-01-01\">113240.67</value>")
      // The first activity's title (the file has CRLF line ends).
      .replace(/(<title>\s*<narrative xml:lang="en">)[^<]*/, "$1HIV interventions, revised title");
    expect(changed).not.toBe(original);
    fs.mkdirSync(path.join(tmp, "v2"));
    const file = path.join(tmp, "v2", path.basename(WHO));
    fs.writeFileSync(file, changed);
    const before = await graphCounts(db);
    const summary = await importFile(db, file);
    expect(summary).toMatchObject({ created: 0, updated: 1, unchanged: 156 });
    expect(await graphCounts(db)).toEqual(before);
    const [row] = await db.read(`MATCH (p:Project {iatiIdentifier: 'XM-DAC-928-AR-2016-17-01.001.AM01.ARG01'})
      RETURN p.name AS name, [(p)<-[:FUNDS]-(f:Funding {kind: 'transaction', transactionType: '2'}) | f.amount] AS commitments`);
    expect(row!.name).toBe("HIV interventions, revised title");
    expect(row!.commitments).toContain("113240.67");
    expect(row!.commitments).not.toContain("113240.66");
    // The write's change record (graphChanged, caches) names the organisations and flows it touched, not only the project.
    const [touched] = await db.read(`MATCH (p:Project {iatiIdentifier: 'XM-DAC-928-AR-2016-17-01.001.AM01.ARG01'})
      MATCH (c:GraphChange) WHERE p.id IN c.ids WITH p, c ORDER BY c.version DESC LIMIT 1
      RETURN c.ids AS ids, [(p)-[:PARTICIPATES_IN]-(a:Actor) | a.id] AS actors, [(p)<-[:FUNDS]-(f:Funding) | f.id] AS flows`);
    expect(touched!.actors).toContain("organization:iati:XM-DAC-928");
    for (const id of [...touched!.actors as string[], ...touched!.flows as string[]]) expect(touched!.ids).toContain(id);
  });

  it("finishes the job after a kill mid-import, ending identical to an uninterrupted import", async () => {
    await resetToSeed(db);
    const env = { ...process.env, NEO4J_URI: inject("neo4jUri") };
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/import.ts", OCHA, "--batch-size=5"], { cwd: PROJECT_ROOT, env });
    // Kill it once some batches have landed, well before the end.
    const deadline = Date.now() + 60_000;
    let landed = 0;
    while (Date.now() < deadline && child.exitCode === null) {
      const [row] = await db.read("MATCH (p:Project {kind: 'iati-activity'}) WHERE NOT p.stub RETURN count(p) AS n");
      landed = Number(row!.n);
      if (landed >= 20) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(landed).toBeGreaterThanOrEqual(20);
    const [partial] = await db.read("MATCH (p:Project {kind: 'iati-activity'}) WHERE NOT p.stub RETURN count(p) AS n");
    expect(Number(partial!.n)).toBeLessThan(401);
    // Every activity that landed landed whole: its source and project are there together.
    const [halves] = await db.read(`MATCH (s:Source {kind: 'iati-activity'}) WHERE NOT EXISTS { MATCH (p:Project {iatiIdentifier: s.identifier}) WHERE NOT p.stub } RETURN count(s) AS n`);
    expect(halves!.n).toBe(0);

    await importFile(db, OCHA);
    await importFile(db, WHO);
    expect(await fingerprint(db)).toEqual(full);
  }, 180_000);
});
