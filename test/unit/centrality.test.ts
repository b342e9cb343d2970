/** The centrality worker's scores on a toy network, computed in-process (no worker thread, no database). */
import { describe, expect, it } from "vitest";
import centrality from "../../src/domain/analytics/centrality.worker.js";

// A and C are joined twice: through B by strong ties (10 shared projects each), through D by weak ones (1).
const edges = [
  { a: "A", b: "B", weight: 10 },
  { a: "B", b: "C", weight: 10 },
  { a: "A", b: "D", weight: 1 },
  { a: "D", b: "C", weight: 1 },
];

describe("centrality worker", () => {
  it("computes betweenness on the topology, not reading shared projects as path lengths", () => {
    const scores = Object.fromEntries(centrality({ edges, metric: "BETWEENNESS" }));
    // Freeman's normalized betweenness: each of B and D carries half of the A-C shortest paths, 0.5 / 3.
    expect(scores.B).toBeCloseTo(1 / 6, 10);
    expect(scores.D).toBeCloseTo(1 / 6, 10);
    expect(scores.A).toBeCloseTo(1 / 6, 10);
    expect(scores.C).toBeCloseTo(1 / 6, 10);
  });

  it("keeps the weights where the metric is weighted", () => {
    const weighted = Object.fromEntries(centrality({ edges, metric: "WEIGHTED_DEGREE" }));
    expect(weighted).toEqual({ A: 11, B: 20, C: 11, D: 2 });
    const degree = Object.fromEntries(centrality({ edges, metric: "DEGREE" }));
    expect(degree).toEqual({ A: 2, B: 2, C: 2, D: 2 });
  });
});
