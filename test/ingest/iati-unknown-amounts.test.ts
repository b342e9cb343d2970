/**
 * IATI transactions with an empty value: 21 incoming-funds transactions of People in Need
 * (CZ-ICO-25755277) in the OCHA file, one per activity. IATI requires a value; the flow is stated all
 * the same (its kind, currency and date), so it is kept with an unknown amount (null, never 0),
 * reported as a warning, and counted by fundingFlows in `unknownAmounts`. Checked against the XML read
 * with another parser (fast-xml-parser).
 */
import fs from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importFile, type ImportSummary } from "../../src/ingest/import-pipeline.js";
import { apiSuite, dataOf } from "../support/api.js";
import { testDatabase } from "../support/db.js";
import { IATI_DIR } from "../support/iati.js";
import { resetToSeed } from "../support/reset.js";

const OCHA = path.join(IATI_DIR, "ocha-hdx-covid-dportal-2.03.xml");
const db = testDatabase();
let summary: ImportSummary;

/** The transactions whose <value> has no text, as the XML states them. */
function emptyValues() {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: () => true, parseTagValue: false, trimValues: true });
  const activities = parser.parse(fs.readFileSync(OCHA, "utf8"))["iati-activities"][0]["iati-activity"] as any[];
  return activities.flatMap((a) => (a.transaction ?? [])
    .filter((t: any) => typeof t.value?.[0] === "object" && String(t.value[0]["#text"] ?? "").trim() === "")
    .map((t: any) => ({
      identifier: String(a["iati-identifier"][0]).trim(),
      type: String(t["transaction-type"][0]["@code"] ?? t["transaction-type"][0]["#text"] ?? t["transaction-type"][0]).trim(),
      currency: String(t.value[0]["@currency"]),
      date: String(t.value[0]["@value-date"]),
    })));
}
const empty = emptyValues();

beforeAll(async () => {
  await resetToSeed(db);
  summary = await importFile(db, OCHA);
}, 180_000);

const { gql } = apiSuite();

afterAll(async () => {
  await resetToSeed(db);
  await db.close();
});

describe("IATI transactions with an empty value", () => {
  it("are kept as flows with an unknown amount and reported as warnings, not rejections", async () => {
    expect(empty).toHaveLength(21);
    expect(new Set(empty.map((e) => e.identifier)).size).toBe(21);
    expect(empty.every((e) => e.identifier.startsWith("CZ-ICO-25755277-") && e.type === "1")).toBe(true);
    // The one rejection left: a sector without a code.
    expect(summary.rejected).toEqual([{ position: "ocha-hdx-covid-dportal-2.03.xml line 52895 (GB-COH-871954-QR00646)", reason: "sector has no code" }]);
    expect(summary.warnings).toHaveLength(21);
    expect(summary.warnings).toContainEqual({
      position: "ocha-hdx-covid-dportal-2.03.xml line 21508 (CZ-ICO-25755277-MDAZ000017)", reason: "transaction value is empty: kept as a flow with an unknown amount",
    });
    const rows = await db.read(`MATCH (f:Funding {kind: 'transaction'})-[:FUNDS]->(p:Project) WHERE f.amount IS NULL
      RETURN p.iatiIdentifier AS identifier, f.flowType AS flowType, f.currency AS currency, f.date AS date ORDER BY identifier`);
    expect(rows).toEqual(empty.map((e) => ({ identifier: e.identifier, flowType: "incoming-funds", currency: e.currency, date: e.date }))
      .sort((a, b) => a.identifier.localeCompare(b.identifier)));
    const [count] = await db.read("MATCH (f:Funding {kind: 'transaction'}) RETURN count(f) AS n");
    expect(count!.n).toBe(1033);
  });

  it("are counted by fundingFlows as unknown amounts, beside the known ones of their kind and currency", async () => {
    const { byProject, byCurrency } = dataOf(await gql(`{
      byProject: fundingFlows(groupBy: [PROJECT], filter: { flowTypes: ["incoming-funds"] }) { keys { value } flowType currency total flows unknownAmounts }
      byCurrency: fundingFlows(groupBy: [FLOW_TYPE], filter: { flowTypes: ["incoming-funds"] }) { flowType currency total flows unknownAmounts } }`));
    // Zambia's COVID-19 response (CZ-ICO-25755277-ZMBZ000033): 5 000 000 stands in the date's iso-date attribute, not in the value.
    expect(byProject).toContainEqual({ keys: [{ value: "project:iati:CZ-ICO-25755277-ZMBZ000033" }], flowType: "incoming-funds", currency: "CZK", total: "0", flows: 1, unknownAmounts: 1 });
    const unknown = (byCurrency as { currency: string; unknownAmounts: number }[]).map((g) => [g.currency, g.unknownAmounts]).filter(([, n]) => n);
    expect(Object.fromEntries(unknown)).toEqual({ CZK: 3, EUR: 12, MNT: 3, USD: 3 });
    const [pin] = dataOf(await gql(`{ project(reference: "CZ-ICO-25755277-ZMBZ000033") { funding { amount currency date flowType } } }`)).project.funding
      .filter((f: any) => f.amount === null);
    expect(pin).toEqual({ amount: null, currency: "CZK", date: "2021-03-30", flowType: "incoming-funds" });
  });
});
