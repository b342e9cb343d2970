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
