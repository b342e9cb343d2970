/**
 * A fingerprint of a whole graph: every node with its labels and properties, every relationship
 * with its type, ends and properties, hashed row by row and combined order-free (a sum of 64-bit
 * prefixes), so two loads agree exactly when they wrote the same graph. Streamed: the graph is
 * never held in memory. The write version and its change records (GraphVersion, GraphChange: a
 * random epoch, timestamps, one record per write transaction) are bookkeeping, not graph: left out.
 */
import { createHash } from "node:crypto";
import type { Database } from "../db/database.js";

/** JSON with object keys sorted: equal values give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

const MASK = (1n << 64n) - 1n;

export interface Fingerprint { nodes: number; relationships: number; hash: string }

export async function fingerprintGraph(db: Database, opts: { ignoreNodeProperties?: string[] } = {}): Promise<Fingerprint> {
  const ignore = new Set(opts.ignoreNodeProperties ?? []);
  let sum = 0n;
  const add = (text: string) => {
    sum = (sum + BigInt(`0x${createHash("sha256").update(text).digest("hex").slice(0, 16)}`)) & MASK;
  };
  const nodes = await db.stream("MATCH (n) WHERE NOT n:GraphVersion AND NOT n:GraphChange RETURN labels(n) AS labels, properties(n) AS props", {}, (r) => {
    const props = Object.fromEntries(Object.entries(r.props as Record<string, unknown>).filter(([k]) => !ignore.has(k)));
    add(`N${canonical([...(r.labels as string[])].sort())}${canonical(props)}`);
  }, { timeoutMs: 3_600_000 });
  const relationships = await db.stream("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS a, b.id AS b, properties(r) AS props", {}, (r) => {
    add(`R${r.type as string}|${r.a as string}|${r.b as string}|${canonical(r.props)}`);
  }, { timeoutMs: 3_600_000 });
  return { nodes, relationships, hash: sum.toString(16).padStart(16, "0") };
}
