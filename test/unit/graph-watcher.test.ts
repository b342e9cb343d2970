/**
 * The watcher must tell every change, even when a read fails on the way: a change whose ids could
 * not be read used to be marked as seen without being told, so caches and subscribers never heard
 * of it (found as a flaky two-process test under load). The database here is scripted:
 * the version read answers from `version`, the schema read lists every index, and the changes
 * read fails while `changesFail` is set.
 */
import { describe, expect, it } from "vitest";
import { GraphWatcher, type GraphChangeBatch } from "../../src/db/graph-watcher.js";
import { CHANGES_PER_READ, CHANGES_SINCE, CURRENT_VERSION } from "../../src/db/graph-version.js";
import { AGGREGATES_VERSION } from "../../src/db/aggregates.js";
import { migrationSchemaNames, ONLINE_SCHEMA } from "../../src/db/migrations.js";
import type { Database } from "../../src/db/database.js";

function scriptedDatabase() {
  const state = { version: { epoch: "E1", n: 1 }, changesFail: false, changes: [] as { version: number; ids: string[]; all?: boolean }[] };
  const db = {
    onCommittedChange: () => () => {},
    write: async () => [],
    read: async (cypher: string, params: Record<string, number>) => {
      if (cypher === CURRENT_VERSION) return [{ ...state.version, aggregates: AGGREGATES_VERSION }];
      if (cypher === ONLINE_SCHEMA) return [{ names: migrationSchemaNames() }];
      if (cypher === CHANGES_SINCE) {
        if (state.changesFail) throw new Error("read timed out");
        return state.changes.filter((c) => c.version > params.since && c.version <= params.until).slice(0, CHANGES_PER_READ);
      }
      throw new Error(`unexpected statement: ${cypher}`);
    },
  } as unknown as Database;
  return { db, state };
}

/** A started watcher over a scripted database, and the batches it tells. */
async function watching() {
  const { db, state } = scriptedDatabase();
  const watcher = new GraphWatcher(db, 60_000);
  const batches: GraphChangeBatch[] = [];
  watcher.onChange((batch) => batches.push(batch));
  await watcher.start();
  return { state, watcher, batches };
}

function write(state: ReturnType<typeof scriptedDatabase>["state"], ids: string[], all = false): void {
  state.version = { ...state.version, n: state.version.n + 1 };
  state.changes.push({ version: state.version.n, ids, all });
}

describe("the graph watcher", () => {
  it("tells a change whose ids could not be read at once, as 'everything may have changed'", async () => {
    const { state, watcher, batches } = await watching();

    write(state, ["theme:victims"]);
    state.changesFail = true;
    await watcher.poll();
    // The version itself was read: this process's caches are keyed by it at once, so they must be told now.
    expect(watcher.version).toBe("E1:2");
    expect(batches).toEqual([{ version: "E1:2", ids: [], writes: [], all: true }]);

    state.changesFail = false;
    write(state, ["theme:training"]);
    await watcher.poll();
    expect(batches[1]).toEqual({ version: "E1:3", ids: ["theme:training"], writes: [["theme:training"]], all: false });
    await watcher.poll();
    expect(batches).toHaveLength(2);
    watcher.stop();
  });

  it("says everything may have changed for a write too large to list, and moves the cache keys only once it has told", async () => {
    const { state, watcher, batches } = await watching();
    let versionWhenTold = "";
    watcher.onChange(() => (versionWhenTold = watcher.version));
    write(state, [], true);
    await watcher.poll();
    expect(batches).toEqual([{ version: "E1:2", ids: [], writes: [], all: true }]);
    // The listeners (the reference cache's invalidation) ran while requests still used the old key.
    expect(versionWhenTold).toBe("E1:1");
    expect(watcher.version).toBe("E1:2");
    watcher.stop();
  });

  it("tells every listener even when one before it throws", async () => {
    const { state, watcher, batches } = await watching();
    const after: GraphChangeBatch[] = [];
    watcher.onChange(() => {
      throw new Error("a subscriber gone");
    });
    watcher.onChange((batch) => after.push(batch));
    write(state, ["theme:victims"]);
    await watcher.poll();
    expect(batches).toEqual([{ version: "E1:2", ids: ["theme:victims"], writes: [["theme:victims"]], all: false }]);
    expect(after).toEqual(batches);
    watcher.stop();
  });

  it("says everything may have changed when more changes happened than one read returns", async () => {
    const { state, watcher, batches } = await watching();

    for (let i = 0; i < CHANGES_PER_READ + 5; i++) write(state, [`project:p${i}`]);
    await watcher.poll();
    expect(batches).toEqual([{ version: `E1:${CHANGES_PER_READ + 6}`, ids: [], writes: [], all: true }]);

    write(state, ["project:last"]);
    await watcher.poll();
    expect(batches[1]).toEqual({ version: `E1:${CHANGES_PER_READ + 7}`, ids: ["project:last"], writes: [["project:last"]], all: false });
    watcher.stop();
  });
});
