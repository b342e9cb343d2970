/**
 * The IATI mapper on the two shared files, without a database: every activity mapped, the records
 * counted against the XML as another parser (fast-xml-parser) reads it, and the known figures exact.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { acronymsInName, decodeEntities, mapActivity, type MappedActivity } from "../../src/ingest/iati/activity-mapper.js";
import { readElements } from "../../src/ingest/iati/xml-stream.js";
import type { Rejection } from "../../src/ingest/graph-writer.js";
import { IATI_DIR } from "../support/iati.js";

const FILES = { ocha: "ocha-hdx-covid-dportal-2.03.xml", who: "okfn-who-argentina-2.03.xml" } as const;

interface Mapped { activities: MappedActivity[]; rejected: Rejection[]; xml: any[] }
const mapped: Record<keyof typeof FILES, Mapped> = {} as never;

async function mapFile(name: string): Promise<Mapped> {
  const file = path.join(IATI_DIR, name);
  const out: Mapped = { activities: [], rejected: [], xml: [] };
  for await (const el of readElements(file, "iati-activity")) {
    const result = mapActivity(el, { file });
    if ("reason" in result) out.rejected.push(result);
    else out.activities.push(result);
  }
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: () => true, parseTagValue: false });
  out.xml = parser.parse(fs.readFileSync(file, "utf8"))["iati-activities"][0]["iati-activity"];
  return out;
}

const count = (m: Mapped, pick: (a: MappedActivity) => unknown[]) => m.activities.reduce((n, a) => n + pick(a).length, 0);
const nodes = (m: Mapped, type: string, kind?: string) => count(m, (a) => a.nodes.filter((n) => n.type === type && (!kind || n.kind === kind)));
const rels = (m: Mapped, type: string) => count(m, (a) => a.relationships.filter((r) => r.type === type));
const inXml = (m: Mapped, element: string) => m.xml.reduce((n, a) => n + (a[element]?.length ?? 0), 0);

/** Activities written here, for what the shared files do not hold. */
async function mapXml(activities: string): Promise<MappedActivity[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coopgraph-mapper-"));
  const file = path.join(dir, "written.xml");
  fs.writeFileSync(file, `<iati-activities version="2.03">${activities}</iati-activities>`);
  const out: MappedActivity[] = [];
  for await (const el of readElements(file, "iati-activity")) {
    const result = mapActivity(el, { file });
    if (!("reason" in result)) out.push(result);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

beforeAll(async () => {
  mapped.ocha = await mapFile(FILES.ocha);
  mapped.who = await mapFile(FILES.who);
});

describe("IATI mapper", () => {
  it("maps every activity of both files, one project and one source each", () => {
    expect(mapped.ocha.xml).toHaveLength(401);
    expect(mapped.who.xml).toHaveLength(157);
    for (const m of [mapped.ocha, mapped.who]) {
      expect(m.rejected).toEqual([]);
      expect(m.activities).toHaveLength(m.xml.length);
      expect(new Set(m.activities.map((a) => a.projectId)).size).toBe(m.xml.length);
      expect(m.activities.every((a) => a.sources.length === 1 && a.sources[0]!.id === a.sourceId)).toBe(true);
    }
  });

  it("turns each participating-org into one participation, as the XML counts them", () => {
    expect(rels(mapped.ocha, "PARTICIPATES_IN")).toBe(inXml(mapped.ocha, "participating-org"));
    expect(rels(mapped.ocha, "PARTICIPATES_IN")).toBe(1335);
    expect(rels(mapped.who, "PARTICIPATES_IN")).toBe(549);
    expect(rels(mapped.who, "PARTICIPATES_IN")).toBe(inXml(mapped.who, "participating-org"));
  });

  it("maps budgets and transactions to funding flows, the 21 transactions without a value with an unknown amount", () => {
    expect(nodes(mapped.who, "Funding", "budget")).toBe(inXml(mapped.who, "budget"));
    expect(nodes(mapped.who, "Funding", "budget")).toBe(1256);
    expect(nodes(mapped.who, "Funding", "transaction")).toBe(871);
    expect(inXml(mapped.ocha, "transaction")).toBe(1033);
    expect(nodes(mapped.ocha, "Funding", "transaction")).toBe(1033);
    const unknown = mapped.ocha.activities.flatMap((a) => a.nodes.filter((n) => n.type === "Funding" && n.kind === "transaction" && n.amount === null));
    expect(unknown.map((n) => n.flowType)).toEqual(Array(21).fill("incoming-funds"));
    // 368 budgets, one of them an original that a revised budget of its period replaces.
    expect(inXml(mapped.ocha, "budget")).toBe(368);
    expect(nodes(mapped.ocha, "Funding", "budget")).toBe(367);
    // Every flow is for its activity's project.
    expect(rels(mapped.ocha, "FUNDS")).toBe(1033 + 367);
    const rejections = mapped.ocha.activities.flatMap((a) => a.rejections);
    expect(rejections).toEqual([{ position: "ocha-hdx-covid-dportal-2.03.xml line 52895 (GB-COH-871954-QR00646)", reason: "sector has no code" }]);
    const warnings = mapped.ocha.activities.flatMap((a) => a.warnings);
    expect(warnings.map((w) => w.reason)).toEqual(Array(21).fill("transaction value is empty: kept as a flow with an unknown amount"));
    expect(mapped.who.activities.flatMap((a) => [...a.rejections, ...a.warnings])).toEqual([]);
  });

  it("keeps a revised budget in place of the original of its period, never both: CH-FDJP-CHE106823242-2019723a", () => {
    const activity = mapped.ocha.activities.find((a) => a.identifier === "CH-FDJP-CHE106823242-2019723a")!;
    const budgets = activity.nodes.filter((n) => n.type === "Funding" && n.flowType === "budget")
      .map((n) => ({ date: n.date, periodEnd: n.periodEnd, amount: n.amount, currency: n.currency, budgetType: n.budgetType }));
    // The file states 1941176 USD (type 1, original) and 686009 USD (type 2, revised) for 2019-05-01..2020-04-30.
    expect(budgets).toEqual([
      { date: "2019-05-01", periodEnd: "2020-04-30", amount: "686009", currency: "USD", budgetType: "2" },
      { date: "2020-05-01", periodEnd: "2020-05-31", amount: "57167", currency: "USD", budgetType: "2" },
    ]);
    expect(activity.relationships.filter((r) => r.type === "FUNDS")).toHaveLength(activity.nodes.filter((n) => n.type === "Funding").length);
    // Originals without a revision of their period stay: WHO's 1256 budgets are all type 1.
    expect(mapped.who.activities.flatMap((a) => a.nodes).filter((n) => n.flowType === "budget").every((n) => n.budgetType === "1")).toBe(true);
  });

  it("keeps amounts as exact decimal strings", () => {
    const amounts = mapped.who.activities.flatMap((a) => a.nodes.filter((n) => n.type === "Funding").map((n) => n.amount));
    expect(amounts.every((a) => typeof a === "string" && /^-?\d+(\.\d+)?$/.test(a as string))).toBe(true);
  });

  it("maps places, sectors and related activities as the XML states them", () => {
    expect(rels(mapped.who, "TAKES_PLACE_IN")).toBe(157);
    expect(rels(mapped.who, "ABOUT")).toBe(inXml(mapped.who, "sector"));
    expect(rels(mapped.ocha, "ABOUT")).toBe(inXml(mapped.ocha, "sector") - 1);
    expect(rels(mapped.ocha, "RELATED_TO")).toBe(inXml(mapped.ocha, "related-activity"));
    expect(rels(mapped.ocha, "RELATED_TO")).toBe(1134);
  });

  it("takes a UN M49 region (vocabulary 2) as the M49 region itself, and leaves publisher codes (99) apart", async () => {
    const [activity] = await mapXml(`<iati-activity><iati-identifier>TEST-M49-1</iati-identifier>
      <recipient-region code="5" vocabulary="2" percentage="40"/><recipient-region code="419" vocabulary="2" percentage="30"/>
      <recipient-region code="999" vocabulary="2" percentage="20"/><recipient-region code="R05" vocabulary="99" percentage="10"/></iati-activity>`);
    const places = activity!.relationships.filter((r) => r.type === "TAKES_PLACE_IN").map((r) => `${r.to} ${r.percentage}`);
    // 005 South America and 419 Latin America and the Caribbean are in seed/reference/regions.json; 999 is not.
    expect(places).toEqual(["region:005 40", "region:419 30", "region:iati-v2-999 20", "region:iati-v99-R05 10"]);
    // The M49 regions are reference nodes: no record of them; the others are made when missing.
    expect(activity!.nodes.filter((n) => n.type === "Region").map((n) => n.id)).toEqual(["region:iati-v2-999", "region:iati-v99-R05"]);
    // The OCHA file's publisher-specific regions (vocabulary 99) keep their ids.
    const ocha = mapped.ocha.activities.flatMap((a) => a.relationships).filter((r) => r.type === "TAKES_PLACE_IN" && r.to.startsWith("region:iati-v99-"));
    expect(new Set(ocha.map((r) => r.to))).toEqual(new Set(["region:iati-v99-998", "region:iati-v99-89", "region:iati-v99-R05", "region:iati-v99-R01", "region:iati-v99-R06", "region:iati-v99-R03"]));
  });

  it("reads humanitarian as xsd:boolean: \"1\" and \"true\" alike", async () => {
    const humanitarian = (m: Mapped) => m.activities.filter((a) => a.nodes.find((n) => n.id === a.projectId)!.humanitarian === true).map((a) => a.identifier);
    // WHO writes humanitarian="true" on four activities, OCHA's publishers "1" on 78.
    expect(humanitarian(mapped.who)).toEqual([
      "XM-DAC-928-AR-2020-21-13.002.AM01.ARG02", "XM-DAC-928-AR-2022-23-13.002.AM01.ARG02",
      "XM-DAC-928-AR-2022-23-13.003.AM01.ARG02", "XM-DAC-928-AR-2024-25-13.002.AM01.ARG02",
    ]);
    expect(humanitarian(mapped.ocha)).toHaveLength(78);
    const written = await mapXml(["1", " TRUE ", "false", "0", ""].map((v, i) =>
      `<iati-activity humanitarian="${v}"><iati-identifier>TEST-HUM-${i}</iati-identifier></iati-activity>`).join(""));
    expect(written.map((a) => a.nodes[0]!.humanitarian)).toEqual([true, true, false, false, false]);
  });

  it("reads the acronym a publisher wrote into an organisation's name, and nothing else", () => {
    expect(acronymsInName("World Health Organization (WHO)")).toEqual(["WHO"]);
    expect(acronymsInName("USAID - U.S. Agency for International Development")).toEqual(["USAID"]);
    expect(acronymsInName("Fondo Financiero (FONPLATA) ")).toEqual(["FONPLATA"]);
    expect(acronymsInName("UK - Department for International Development (DFID)")).toEqual(["DFID"]);
    expect(acronymsInName("Development Bank of Latin America (CAF)")).toEqual(["CAF"]);
    // A place's code or name is not an organisation's acronym: every one of these made "UK" ambiguous.
    for (const name of ["WHO Contingency Fund for Emergencies", "GOVERNMENT OF JAPAN", "Foo (bar)", "UNICEF", "World Health Organization (WHO) - Argentina",
      "UK - Ministry of Defence", "Palladium International Ltd (UK)", "Red Crescent (UAE)", "Embassy (USA)"]) {
      expect(acronymsInName(name), name).toEqual([]);
    }
    const who = [...mapped.ocha.activities, ...mapped.who.activities].flatMap((a) => a.nodes)
      .find((n) => n.id === "organization:iati:XM-DAC-928" && n.createOnly?.name === "World Health Organization (WHO)");
    expect(who?.createOnly).toMatchObject({ name: "World Health Organization (WHO)", acronyms: ["WHO"] });
  });

  it("is deterministic: the same XML gives the same records and hash", async () => {
    const again: string[] = [];
    const file = path.join(IATI_DIR, FILES.who);
    for await (const el of readElements(file, "iati-activity")) {
      const result = mapActivity(el, { file });
      if (!("reason" in result)) again.push(result.hash);
      if (again.length === 20) break;
    }
    expect(again).toEqual(mapped.who.activities.slice(0, 20).map((a) => a.hash));
    expect(new Set(again).size).toBe(20);
  });

  it("hashes what an activity states, not the name of the file it came in", async () => {
    const file = path.join(IATI_DIR, FILES.who);
    for await (const el of readElements(file, "iati-activity")) {
      const renamed = mapActivity(el, { file: "/tmp/upload-1733470000000.xml" }) as MappedActivity;
      expect(renamed.sources[0]!.document).toBe("upload-1733470000000.xml");
      expect(renamed.hash).toBe(mapped.who.activities[0]!.hash);
      // A changed fact still changes it.
      const value = el.children.find((c) => c.name === "transaction")!.children.find((c) => c.name === "value")!;
      value.text = "113240.67";
      expect((mapActivity(el, { file }) as MappedActivity).hash).not.toBe(mapped.who.activities[0]!.hash);
      break;
    }
  });
});

describe("decodeEntities", () => {
  it("decodes one more level of escaping and folds white space", () => {
    expect(decodeEntities("Bill &amp; Melinda Gates   Foundation")).toBe("Bill & Melinda Gates Foundation");
    expect(decodeEntities("&#233;t&#xE9; &lt;b&gt;")).toBe("été <b>");
  });
});
