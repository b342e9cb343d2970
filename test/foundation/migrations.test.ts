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
    const fulltext = byName.entity_search as { type: string; labelsOrTypes: string[]; properties: string[]; options: { indexConfig: Record<string, unknown> } };
    expect(fulltext.type).toBe("FULLTEXT");
    expect(fulltext.labelsOrTypes.sort()).toEqual(["Actor", "Country", "Event", "Project", "Region", "Theme"]);
    expect(fulltext.properties).toEqual(["names", "searchKind"]);
    expect(byName.entity_names).toBeUndefined();
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

  it("give a graph seeded before round 13 the search index with each entity's kind, in place of the index over names alone, once", async () => {
    await resetToSeed(db);
    // As such a graph was: no kinds, and the index over names alone.
    await db.write("MATCH (n) WHERE n.searchKind IS NOT NULL REMOVE n.searchKind");
    await db.runSchema("DROP INDEX entity_search");
    await db.runSchema(`CREATE FULLTEXT INDEX entity_names FOR (n:Actor|Project|Event|Country|Region|Theme) ON EACH [n.names]
      OPTIONS { indexConfig: { \`fulltext.analyzer\`: 'standard-folding', \`fulltext.eventually_consistent\`: false } }`);
    await migrate(db);
    await migrate(db);
    const indexes = await db.read("SHOW INDEXES YIELD name, type, properties WHERE type = 'FULLTEXT' RETURN name, properties");
    expect(indexes).toEqual([{ name: "entity_search", properties: ["names", "searchKind"] }]);
    const kinds = await db.read(`MATCH (n:Actor|Project|Event|Country|Region|Theme) RETURN n.searchKind AS kind, count(*) AS n ORDER BY kind`);
    expect(kinds.map((r) => r.kind)).toEqual(["Agency", "Country", "Event", "Group", "Organization", "Person", "Project", "Region", "Theme"]);
    expect(await db.read("MATCH (n:Agency) WHERE n.searchKind <> 'Agency' RETURN n.id")).toEqual([]);
    const [hit] = await db.read("CALL db.index.fulltext.queryNodes('entity_search', 'names:(fiscalia chile) AND searchKind:(agency)^0') YIELD node RETURN node.id AS id LIMIT 1");
    expect(hit!.id).toBe("agency:fiscalia-chile");
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
      "CALL db.index.fulltext.queryNodes('entity_search', $q) YIELD node RETURN node.id AS id",
      { q: "names:(fiscalia chile)" },
    );
    expect(rows[0]!.id).toBe("agency:fiscalia-chile");
  });
});
