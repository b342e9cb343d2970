import { afterEach, describe, expect, it, vi } from "vitest";
import { QueryCounter } from "../../src/db/database.js";

afterEach(() => vi.restoreAllMocks());

/** performance.now() returns these, one per call. */
function clockReading(...times: number[]) {
  const now = vi.spyOn(performance, "now");
  for (const t of times) now.mockReturnValueOnce(t);
}

describe("QueryCounter", () => {
  it("times statements run side by side once: the wall time while any is in flight", () => {
    const counter = new QueryCounter();
    clockReading(10, 25, 40); // a starts at 10, b starts while a runs, both are done at 25; c runs 40..45
    counter.started("a");
    counter.started("b");
    counter.finished();
    counter.finished();
    counter.started("c");
    clockReading(45);
    counter.finished();
    expect(counter.count).toBe(3);
    expect(counter.queries).toEqual(["a", "b", "c"]);
    expect(counter.waitedMs).toBe(15 + 5);
  });

  it("times staggered statements from the first start to the last end", () => {
    const counter = new QueryCounter();
    clockReading(10, 30); // a runs 10..20, b 15..30
    counter.started("a");
    counter.started("b");
    counter.finished();
    counter.finished();
    expect(counter.waitedMs).toBe(20);
  });

  it("counts a statement still in flight up to now when asked before it ends", () => {
    const counter = new QueryCounter();
    clockReading(100, 104);
    counter.started("a");
    expect(counter.waitedSoFarMs()).toBe(4);
  });

  it("counts without timing what only records (schema statements)", () => {
    const counter = new QueryCounter();
    counter.record("CREATE INDEX ...");
    expect(counter.count).toBe(1);
    expect(counter.waitedMs).toBe(0);
  });
});
