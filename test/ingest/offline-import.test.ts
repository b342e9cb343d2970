/**
 * The `import` load mode (CSV files and Neo4j's offline importer) writes the graph the idempotent
 * path writes: the synthetic network at scale S loaded both ways must have equal fingerprints.
 * The reference load runs on the shared test Neo4j; the import needs a Neo4j it may stop, delete
 * and start again, so it runs its own managed instance (own data dir and port).
 */
import path from "node:path";
import neo4j from "neo4j-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT, loadDatabaseConfig } from "../../src/config/config.js";
import { Database } from "../../src/db/database.js";
import { AGGREGATES_VERSION } from "../../src/db/aggregates.js";
import { deleteDatabaseStore, startManagedNeo4j, stopManagedNeo4j, type RunningNeo4j } from "../../src/db/managed-neo4j.js";
import { migrate } from "../../src/db/migrations.js";
import { loadSeed } from "../../src/seed/load-seed.js";
import { fingerprintGraph, type Fingerprint } from "../../src/synthetic/fingerprint.js";
import { loadSynthetic, type LoadReport } from "../../src/synthetic/load.js";
import { OFFLINE_AGGREGATES_VERSION } from "../../src/synthetic/offline-import.js";
import { testDatabase } from "../support/db.js";
import { resetToSeed } from "../support/reset.js";

const IGNORE = { ignoreNodeProperties: ["complete", "loadReport"] };
const PORT = Number(process.env.COOPGRAPH_TEST_IMPORT_BOLT_PORT || Number(process.env.COOPGRAPH_TEST_BOLT_PORT || 17687) + 1);
const cfg = loadDatabaseConfig({
  COOPGRAPH_DATA_DIR: path.join(PROJECT_ROOT, ".coopgraph", "test-import"), NEO4J_BOLT_PORT: String(PORT), NEO4J_HEAP: "768m", NEO4J_PAGECACHE: "256m",
});

describe("offline import (load mode `import`)", () => {
  const shared = testDatabase();
  let neo: RunningNeo4j | undefined;
  let own: Database;
  let reference: Fingerprint;
  let imported: Fingerprint;
  let report: LoadReport;

  beforeAll(async () => {
    await resetToSeed(shared);
    await loadSynthetic(shared, "S", () => {}, "idempotent");
    reference = await fingerprintGraph(shared, IGNORE);

    await stopManagedNeo4j(cfg.managed);
    deleteDatabaseStore(cfg.managed);
    neo = await startManagedNeo4j(cfg.managed, { mode: "attached" });
    const driver = neo4j.driver(neo.uri, undefined, { disableLosslessIntegers: true });
    own = new Database(driver, undefined, 120_000);
    await migrate(own);
    await loadSeed(own);
    ({ report } = await loadSynthetic(own, "S", () => {}, "import", {
      offline: {
        config: cfg.managed,
        stop: () => neo!.stop(),
        start: async () => {
          neo = await startManagedNeo4j(cfg.managed, { mode: "attached" });
          await driver.verifyConnectivity();
        },
      },
      // Through worker threads: test/unit/offline-import.test.ts shows they write the rows one thread writes.
      csvWorkers: 2,
    }));
    imported = await fingerprintGraph(own, IGNORE);
  }, 300_000);

  afterAll(async () => {
    await own?.close();
    await neo?.stop();
    await resetToSeed(shared);
    await shared.close();
  }, 120_000);

  it("writes the idempotent path's graph, property for property", () => {
    expect(reference.relationships).toBeGreaterThan(9000);
    expect(imported).toEqual(reference);
    expect(report.mode).toBe("import");
    expect(report.relationships).toBeGreaterThan(8800);
    expect(Object.keys(report.phases ?? {})).toEqual(["readSeed", "csv", "stopWait", "import", "start", "emptyLists", "indexes", "aggregates"]);
    // The tallies came with the import (computed while writing the CSV), not from a rebuild: the
    // fingerprint above (every node's and relationship's properties, PARTNERS_WITH included) then
    // says they equal the idempotent path's, kept on write.
    expect(OFFLINE_AGGREGATES_VERSION).toBe(AGGREGATES_VERSION);
    expect(report.aggregates).toBe("imported");
  });

  it("imports the aggregates current: tallies, each flow's keys, the version mark", async () => {
    const [state] = await own.read("MATCH (s:AggregateState {id: 'aggregates'}) RETURN s.version AS version");
    expect(state!.version).toBe(AGGREGATES_VERSION);
    const [tallies] = await own.read("MATCH (t:FundingTally) RETURN count(t) AS n, sum(t.flows) AS flows");
    expect(tallies!.n).toBeGreaterThan(100);
    const [flows] = await own.read("MATCH (f:Funding) RETURN count(f) AS n, sum(size(f.tallyKeys)) AS keys, count(f.tallyKeys) AS withKeys");
    expect(flows!.withKeys).toBe(flows!.n);
    // Every key of every flow is one flow in one tally.
    expect(tallies!.flows).toBe(flows!.keys);
    const [star] = await own.read("MATCH (t:ThemeSetTally {key: '*'}) RETURN t.themes AS themes, t.projects AS projects");
    expect(star!.themes).toEqual([]);
    expect(star!.projects).toBeGreaterThanOrEqual(1000);
    // The year tables: every project with a theme counts once in '*' (regular or irregular), and
    // the table's last entry counts every regular project started by then.
    const [years] = await own.read("MATCH (t:ThemeSetTally {key: '*'}) RETURN t.regular AS regular, t.startsUpTo[-1] AS started, reduce(n = 0, c IN t.counts | n + c) AS irregular");
    expect(years!.regular).toBeGreaterThan(0);
    expect(years!.started).toBe(years!.regular);
    expect(Number(years!.regular) + Number(years!.irregular)).toBe(star!.projects);
    // Partner pairs: from the smaller id to the greater, `shared` as the distinct projects both take part in.
    const pairs = await own.read(`MATCH (a:Actor)-[r:PARTNERS_WITH]->(b:Actor) WITH a, b, r ORDER BY r.shared DESC, r.a LIMIT 3
      RETURN a.id AS a, b.id AS b, r.a AS ra, r.b AS rb, r.shared AS shared,
        size(COLLECT { MATCH (a)-[:PARTICIPATES_IN]->(p:Project)<-[:PARTICIPATES_IN]-(b) RETURN DISTINCT p.id }) AS projects`);
    expect(pairs).toHaveLength(3);
    for (const p of pairs) {
      expect(String(p.a) < String(p.b)).toBe(true);
      expect([p.ra, p.rb]).toEqual([p.a, p.b]);
      expect(p.shared).toBe(p.projects);
      expect(p.shared).toBeGreaterThan(0);
    }
  });

  it("leaves the schema online, the empty lists restored and no import marks", async () => {
    const indexes = await own.read("SHOW INDEXES YIELD name, state RETURN name, state");
    expect(indexes.length).toBeGreaterThan(20);
    expect(indexes.filter((i) => i.state !== "ONLINE")).toEqual([]);
    const [agency] = await own.read("MATCH (a:Agency {id: 'agency:syn-0'}) RETURN a.aliases AS aliases, a.acronyms AS acronyms");
    expect(agency).toEqual({ aliases: [], acronyms: [expect.stringMatching(/^[A-Z]+[A-Z]{2}0$/)] });
    const [marks] = await own.read("MATCH (n) WHERE any(l IN labels(n) WHERE l STARTS WITH 'CoopgraphImport') RETURN count(n) AS n");
    expect(marks!.n).toBe(0);
  });

  it("records the load in the write version and marks the source complete", async () => {
    const [version] = await own.read("MATCH (v:GraphVersion {id: 'graph'}) RETURN v.n AS n");
    expect(version!.n).toBeGreaterThanOrEqual(1);
    const [source] = await own.read("MATCH (s:Source {id: 'source:synthetic-s'}) RETURN s.complete AS complete, s.loadReport AS report");
    expect(source!.complete).toBe(true);
    expect(JSON.parse(String(source!.report)).mode).toBe("import");
  });
});
