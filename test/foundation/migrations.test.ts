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
