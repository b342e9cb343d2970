import { afterAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrations.js";
import { testDatabase } from "../support/db.js";
import { resetToSeed } from "../support/reset.js";

const db = testDatabase();
afterAll(() => db.close());

describe("schema migrations", () => {
  it("create the uniqueness constraints on ids and codes", async () => {
    const rows = await db.read("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN name, type, labelsOrTypes, properties");
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    for (const [name, label] of [["actor_id", "Actor"], ["project_id", "Project"], ["event_id", "Event"], ["country_id", "Country"],
      ["region_id", "Region"], ["theme_id", "Theme"], ["source_id", "Source"], ["funding_id", "Funding"]]) {
      expect(byName[name!], name).toMatchObject({ type: "UNIQUENESS", labelsOrTypes: [label], properties: ["id"] });
    }
    expect(byName.country_code).toMatchObject({ labelsOrTypes: ["Country"], properties: ["code"] });
  });

  it("create the lookup indexes and an accent-folding full-text index over names", async () => {
    const rows = await db.read("SHOW INDEXES YIELD name, type, state, labelsOrTypes, properties, options RETURN *");
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName.actor_iati_ref).toMatchObject({ type: "RANGE", labelsOrTypes: ["Actor"], properties: ["iatiRef"], state: "ONLINE" });
    expect(byName.project_start).toMatchObject({ properties: ["startKey", "id"] });
    const fulltext = byName.entity_names as { type: string; labelsOrTypes: string[]; options: { indexConfig: Record<string, unknown> } };
    expect(fulltext.type).toBe("FULLTEXT");
    expect(fulltext.labelsOrTypes.sort()).toEqual(["Actor", "Country", "Event", "Project", "Region", "Theme"]);
    expect(fulltext.options.indexConfig["fulltext.analyzer"]).toBe("standard-folding");
  });

  it("give a graph seeded before the reference's new aliases (US, UAE) those aliases, once", async () => {
    await resetToSeed(db);
    await db.write(`MATCH (c:Country) WHERE c.id IN ['country:US', 'country:AE']
      SET c.aliases = [a IN c.aliases WHERE NOT a IN ['US', 'UAE', 'EAU']], c.names = replace(c.names, ' | UAE | EAU', '')`);
    await migrate(db);
    await migrate(db);
    const rows = await db.read("MATCH (c:Country) WHERE c.id IN ['country:US', 'country:AE'] RETURN c.id AS id, c.aliases AS aliases, c.names AS names ORDER BY id");
    expect(rows.map((r) => [r.id, (r.aliases as string[]).filter((a) => ["US", "UAE", "EAU"].includes(a))])).toEqual([
      ["country:AE", ["UAE", "EAU"]], ["country:US", ["US"]]]);
    expect(String(rows[0]!.names).match(/UAE/g)).toHaveLength(1);
    await resetToSeed(db);
  });

  it("read the IATI identifier of an entity merged away before round 13 out of its merge record, once", async () => {
    // Records as round 12 wrote them: the removed entity's properties as JSON only (WHO's ref 00006, a WHO Argentina activity).
    const records = [
      { id: "merge:test-org", removed: "organization:iati:00006", keep: "organization:iati:XM-DAC-928", props: { id: "organization:iati:00006", iatiRef: "00006", name: "World Health Organization" } },
      { id: "merge:test-project", removed: "project:iati:XM-DAC-928-AR-2022-23-01.001.AM01.ARG01", keep: "project:iati:XM-DAC-928-AR-2024-25-01.001.AM01.ARG01",
        props: { id: "project:iati:XM-DAC-928-AR-2022-23-01.001.AM01.ARG01", iatiIdentifier: "XM-DAC-928-AR-2022-23-01.001.AM01.ARG01", name: "Countries enabled" } },
      { id: "merge:test-agency", removed: "agency:old", keep: "agency:mpf-caba", props: { id: "agency:old", name: "Old agency" } },
    ].map((r) => ({ ...r, props: JSON.stringify(r.props) }));
    await db.write(`UNWIND $records AS r CREATE (m:MergeRecord {id: r.id, removed: r.removed, keep: r.keep, removedProps: r.props, undone: false, seq: 1, at: '2026-11-01T00:00:00Z'})`, { records });
    await migrate(db);
    await migrate(db);
    const rows = await db.read("MATCH (m:MergeRecord) WHERE m.id STARTS WITH 'merge:test-' RETURN m.id AS id, m.removedIatiRef AS ref, m.removedIatiIdentifier AS identifier ORDER BY id");
    expect(rows).toEqual([
      { id: "merge:test-agency", ref: null, identifier: null },
      { id: "merge:test-org", ref: "00006", identifier: null },
      { id: "merge:test-project", ref: null, identifier: "XM-DAC-928-AR-2022-23-01.001.AM01.ARG01" },
    ]);
    await db.write("MATCH (m:MergeRecord) WHERE m.id STARTS WITH 'merge:test-' DELETE m");
  });

  it("are idempotent: applying them again changes nothing", async () => {
    const before = await db.read("SHOW INDEXES YIELD name RETURN collect(name) AS names");
    await migrate(db);
    const after = await db.read("SHOW INDEXES YIELD name RETURN collect(name) AS names");
    expect((after[0]!.names as string[]).sort()).toEqual((before[0]!.names as string[]).sort());
  });

  it("make the full-text index ignore accents and case", async () => {
    const rows = await db.read(
      "CALL db.index.fulltext.queryNodes('entity_names', $q) YIELD node RETURN node.id AS id",
      { q: "fiscalia chile" },
    );
    expect(rows[0]!.id).toBe("agency:fiscalia-chile");
  });
});
