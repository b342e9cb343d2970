/**
 * The network of a project filter, streamed: first its nodes, then its edges, straight from Neo4j
 * to the writer. Two shapes:
 *   bipartite  actors and projects, an edge per participation (with its role)
 *   actors     actors only, an undirected edge per pair of co-participants weighted by shared projects
 *              (written from the smaller id to the larger)
 */
import type { Database, Row } from "../db/database.js";
import { buildFilter, type ResolvedProjectFilter } from "../domain/projects/project.repository.js";
import type { NetworkEdge, NetworkNode } from "./formats.js";

export type NetworkMode = "bipartite" | "actors";

export type { NetworkEdge, NetworkNode } from "./formats.js";

export interface NetworkSink {
  /** `directed`: participations go from an actor to a project; co-participation has no direction. */
  begin(graph: { directed: boolean }): Promise<void>;
  node(node: NetworkNode): Promise<void>;
  /** Called once, between the last node and the first edge. */
  nodesDone(): Promise<void>;
  edge(edge: NetworkEdge): Promise<void>;
  end(): Promise<void>;
}

const KIND = (n: string) => `[l IN labels(${n}) WHERE l <> 'Actor'][0]`;

export async function streamNetwork(
  db: Database, filter: ResolvedProjectFilter, mode: NetworkMode, sink: NetworkSink, { timeoutMs = 300_000, signal }: { timeoutMs?: number; signal?: AbortSignal } = {},
) {
  const { match, where, params } = buildFilter(filter);
  const selected = `${match} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} WITH DISTINCT p`;
  const opts = { timeoutMs, signal };
  const asNode = (r: Row): NetworkNode => ({
    id: String(r.id), label: String(r.label ?? r.id), kind: String(r.kind), country: (r.country as string) ?? null, startYear: (r.startYear as number) ?? null,
  });
  await sink.begin({ directed: mode !== "actors" });
  if (mode === "bipartite") {
    await db.stream(`${selected} RETURN p.id AS id, p.name AS label, 'Project' AS kind, null AS country, p.startYear AS startYear ORDER BY id`,
      params, (r) => sink.node(asNode(r)), opts);
  }
  await db.stream(`${selected} MATCH (p)<-[:PARTICIPATES_IN]-(a:Actor) WITH DISTINCT a
    RETURN a.id AS id, a.name AS label, ${KIND("a")} AS kind, [(a)-[:BASED_IN]->(c:Country) | c.code][0] AS country, null AS startYear ORDER BY id`,
  params, (r) => sink.node(asNode(r)), opts);
  await sink.nodesDone();
  if (mode === "bipartite") {
    await db.stream(`${selected} MATCH (p)<-[r:PARTICIPATES_IN]-(a:Actor)
      RETURN a.id AS source, p.id AS target, r.role AS role ORDER BY source, target, role`, params,
    (r) => sink.edge({ id: `${r.source}|${r.target}|${r.role}`, source: String(r.source), target: String(r.target), type: "PARTICIPATES_IN", role: (r.role as string) ?? null, weight: 1 }), opts);
  } else {
    await db.stream(`${selected} MATCH (x:Actor)-[:PARTICIPATES_IN]->(p)<-[:PARTICIPATES_IN]-(y:Actor) WHERE x.id < y.id
      WITH x.id AS source, y.id AS target, count(DISTINCT p) AS weight RETURN source, target, weight ORDER BY source, target`, params,
    (r) => sink.edge({ id: `${r.source}|${r.target}`, source: String(r.source), target: String(r.target), type: "COOPERATES_WITH", role: null, weight: Number(r.weight) }), opts);
  }
  await sink.end();
}
