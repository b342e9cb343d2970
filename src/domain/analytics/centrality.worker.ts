/**
 * Runs in a worker thread (see graph-workers.ts): weighted degree, betweenness and PageRank with
 * graphology over the co-participation network. Betweenness is O(V·E): on a large network it takes
 * seconds, which is why it never runs on the event loop that serves requests.
 */
import { createRequire } from "node:module";
import type { UndirectedGraph } from "graphology";

// graphology ships CommonJS with types that NodeNext cannot import as defaults: load it with require.
const require = createRequire(import.meta.url);
const Graph = require("graphology") as { UndirectedGraph: new () => UndirectedGraph };
type Scores = Record<string, number>;
const betweenness = require("graphology-metrics/centrality/betweenness") as (g: UndirectedGraph, o: { normalized: boolean; getEdgeWeight: null }) => Scores;
const pagerank = require("graphology-metrics/centrality/pagerank") as (g: UndirectedGraph, o: { getEdgeWeight: string }) => Scores;

export type CentralityMetricName = "DEGREE" | "WEIGHTED_DEGREE" | "BETWEENNESS" | "PAGERANK";

export interface CentralityTask {
  edges: { a: string; b: string; weight: number }[];
  metric: CentralityMetricName;
}

/** Scores per actor id, as [id, score] pairs (structured-clone friendly). */
export default function centrality({ edges, metric }: CentralityTask): [string, number][] {
  const graph = new Graph.UndirectedGraph();
  for (const { a, b, weight } of edges) {
    graph.mergeNode(a);
    graph.mergeNode(b);
    graph.mergeEdge(a, b, { weight });
  }
  // Topological (Freeman's): graphology would otherwise read "weight" as a path length, so that
  // many shared projects made a tie long and brokers on weak ties came first.
  if (metric === "BETWEENNESS") return Object.entries(betweenness(graph, { normalized: true, getEdgeWeight: null }));
  if (metric === "PAGERANK") return Object.entries(pagerank(graph, { getEdgeWeight: "weight" }));
  const scores: [string, number][] = [];
  graph.forEachNode((node: string) => {
    scores.push([node, metric === "DEGREE"
      ? graph.degree(node)
      : graph.reduceEdges(node, (sum: number, _e: string, attrs: Record<string, unknown>) => sum + (attrs.weight as number), 0)]);
  });
  return scores;
}
