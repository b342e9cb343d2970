/**
 * Offline bulk loading into an empty database with Neo4j's importer (`neo4j-admin database import
 * full`): the graph is built in memory exactly as the idempotent write path would leave it, written
 * as CSV files (one per label set or relationship type and set of typed properties), and imported
 * while Neo4j is stopped. The migrations then build the constraints and indexes on the loaded store.
 *
 * `GraphImage` replays the writer's semantics (`writeValidRecords` in ingest/graph-writer.ts) on
 * rows made by the writer's own `nodeRow` and `relationshipRow`: nodes MERGE on id (created with
 * their create-only properties and provenance, or matched and given the row's sources in place of
 * their old entries), relationships MERGE on (type, ends, keys), `SET x += props` removes the
 * properties set to null, and the projects' derived properties (participantCount, involvedPlaces)
 * are computed from the final graph, as the writer keeps them after every write. It starts from
 * what the database holds (the seed, loaded through Cypher), read with each value's type.
 * The benchmark's `--verify-load` compares the result's fingerprint with the idempotent path's.
 */
import fs from "node:fs";
import path from "node:path";
import type { Database } from "../db/database.js";
import type { OfflineImport } from "../db/managed-neo4j.js";
import { NODE_TYPES, RELATIONSHIP_TYPES, nodeTypeOfId, type NodeType, type RelationshipType } from "../model/model.js";
import {
  groupBy, nodeRow, relationshipRow, validateNode, validateRelationship,
  type GraphDocument, type SourceRecord,
} from "../ingest/graph-writer.js";

/** A float whose JavaScript value cannot say so (2.0 reads as 2): kept with its Neo4j type. */
class Floats {
  constructor(readonly value: number | number[]) {}
}

interface ImageNode {
  /** The importer's node id (an integer: faster than strings). */
  index: number;
  labels: Set<string>;
  props: Map<string, unknown>;
}

interface ImageRelationship {
  type: string;
  from: ImageNode;
  to: ImageNode;
  props: Map<string, unknown>;
}

/** Labels of bookkeeping nodes that are not part of the graph (the write version and its change records). */
export const BOOKKEEPING_LABELS = ["GraphVersion", "GraphChange"] as const;

const idOf = (n: ImageNode) => String(n.props.get("id"));

function assign(props: Map<string, unknown>, values: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined) props.delete(key);
    else props.set(key, value);
  }
}

/** The writer's provenance merge: the old entries of other sources, then the row's. */
function replaceProvenance(props: Map<string, unknown>, sourceIds: string[], quotes: string[]): void {
  const oldIds = (props.get("sourceIds") as string[] | undefined) ?? [];
  const oldQuotes = (props.get("quotes") as string[] | undefined) ?? [];
  const kept = oldIds.map((_, i) => i).filter((i) => !sourceIds.includes(oldIds[i]!));
  props.set("quotes", [...kept.map((i) => oldQuotes[i] ?? null), ...quotes]);
  props.set("sourceIds", [...kept.map((i) => oldIds[i]!), ...sourceIds]);
}

export class GraphImage {
  readonly nodes = new Map<string, ImageNode>();
  readonly relationships: ImageRelationship[] = [];
  private readonly relationshipIndex = new Map<string, ImageRelationship>();
  private nextIndex = 0;

  private newNode(id: string, labels: Iterable<string>): ImageNode {
    const node: ImageNode = { index: this.nextIndex++, labels: new Set(labels), props: new Map([["id", id]]) };
    this.nodes.set(id, node);
    return node;
  }

  private relationshipKey(type: string, from: ImageNode, to: ImageNode, keys: Record<string, unknown>): string {
    const spec = RELATIONSHIP_TYPES[type as RelationshipType];
    const names = (spec?.keys ?? []) as readonly string[];
    return `${type}|${idOf(from)}|${idOf(to)}|${JSON.stringify(names.map((k) => keys[k] ?? null))}`;
  }

  private addRelationship(type: string, from: ImageNode, to: ImageNode, props: Map<string, unknown>): ImageRelationship {
    const rel: ImageRelationship = { type, from, to, props };
    this.relationships.push(rel);
    const key = this.relationshipKey(type, from, to, Object.fromEntries(props));
    if (!this.relationshipIndex.has(key)) this.relationshipIndex.set(key, rel);
    return rel;
  }

  /** What the database holds now (the seed), each value with its type; bookkeeping nodes left out. */
  static async read(db: Database): Promise<GraphImage> {
    const image = new GraphImage();
    const skip = BOOKKEEPING_LABELS.map((l) => `NOT n:${l}`).join(" AND ");
    const typed = (v: string) => `[k IN keys(${v}) WHERE valueType(${v}[k]) STARTS WITH 'FLOAT' OR valueType(${v}[k]) STARTS WITH 'LIST<FLOAT' | k] AS floats,
      [k IN keys(${v}) WHERE NOT valueType(${v}[k]) =~ '(INTEGER|FLOAT|STRING|BOOLEAN|LIST<(INTEGER|FLOAT|STRING|BOOLEAN|NOTHING)).*' | k + ': ' + valueType(${v}[k])] AS unsupported`;
    const byElement = new Map<string, ImageNode>();
    const check = (row: Record<string, unknown>, what: string) => {
      const unsupported = row.unsupported as string[];
      if (unsupported.length) throw new Error(`offline import: ${what} has properties of types the CSV files cannot carry: ${unsupported.join(", ")}`);
      const props = row.props as Record<string, unknown>;
      for (const key of row.floats as string[]) props[key] = new Floats(props[key] as number | number[]);
      for (const [key, value] of Object.entries(props)) {
        if (typeof value === "number" && !(row.floats as string[]).includes(key) && !Number.isSafeInteger(value)) {
          throw new Error(`offline import: ${what}.${key} is an integer beyond 2^53`);
        }
      }
      return props;
    };
    await db.stream(`MATCH (n) WHERE ${skip} RETURN elementId(n) AS element, labels(n) AS labels, properties(n) AS props, ${typed("n")}`, {}, (row) => {
      const props = check(row, `node ${String(row.element)}`);
      const id = typeof props.id === "string" ? props.id : `element:${String(row.element)}`;
      const node = image.newNode(id, row.labels as string[]);
      assign(node.props, props);
      byElement.set(String(row.element), node);
    }, { timeoutMs: 600_000 });
    await db.stream(`MATCH (a)-[r]->(b) RETURN elementId(a) AS a, elementId(b) AS b, type(r) AS type, properties(r) AS props, ${typed("r")}`, {}, (row) => {
      const from = byElement.get(String(row.a));
      const to = byElement.get(String(row.b));
      if (!from || !to) throw new Error(`offline import: a ${String(row.type)} relationship touches a bookkeeping node`);
      image.addRelationship(String(row.type), from, to, new Map(Object.entries(check(row, `a ${String(row.type)} relationship`))));
    }, { timeoutMs: 600_000 });
    return image;
  }

  /**
   * Applies one document as `writeGraph` writes it: sources, then nodes grouped by type, then
   * relationships grouped by shape, in the document's order. Returns the relationships it created.
   */
  apply(doc: GraphDocument): { nodes: number; relationships: number } {
    const nodes = doc.nodes ?? [];
    const relationships = doc.relationships ?? [];
    for (const n of nodes) {
      const reason = validateNode(n);
      if (reason) throw new Error(`offline import: ${n.id}: ${reason}`);
    }
    for (const r of relationships) {
      const reason = validateRelationship(r);
      if (reason) throw new Error(`offline import: ${r.type} ${r.from} -> ${r.to}: ${reason}`);
    }
    for (const source of doc.sources ?? []) this.applySource(source);
    for (const [type, group] of groupBy(nodes, (n) => n.type)) {
      const { key, labels } = NODE_TYPES[type as NodeType];
      for (const record of group) {
        const row = nodeRow(record);
        let node = this.nodes.get(row.id);
        if (!node) {
          node = this.newNode(row.id, [key]);
          assign(node.props, row.createProps);
          node.props.set("sourceIds", row.sourceIds);
          node.props.set("quotes", row.quotes);
          if (key === "Project") assign(node.props, { participantCount: 0, involvedPlaces: [] });
        } else if (!row.provenanceOnCreate) {
          replaceProvenance(node.props, row.sourceIds, row.quotes);
        }
        assign(node.props, row.props);
        for (const label of labels) node.labels.add(label);
      }
    }
    let created = 0;
    const byShape = groupBy(relationships, (r) => `${r.type}|${NODE_TYPES[nodeTypeOfId(r.from)!].key}|${NODE_TYPES[nodeTypeOfId(r.to)!].key}`);
    for (const [shape, group] of byShape) {
      const [type, fromLabel, toLabel] = shape.split("|") as [string, string, string];
      for (const record of group) {
        const row = relationshipRow(record);
        const from = this.nodes.get(row.from);
        const to = this.nodes.get(row.to);
        if (!from?.labels.has(fromLabel) || !to?.labels.has(toLabel)) throw new Error(`offline import: ${type} ${row.from} -> ${row.to} points at a node that does not exist`);
        const existing = this.relationshipIndex.get(this.relationshipKey(type, from, to, row.keys));
        if (existing) {
          replaceProvenance(existing.props, row.sourceIds, row.quotes);
          assign(existing.props, row.props);
        } else {
          const props = new Map<string, unknown>(Object.entries(row.keys));
          props.set("sourceIds", row.sourceIds);
          props.set("quotes", row.quotes);
          assign(props, row.props);
          this.addRelationship(type, from, to, props);
          created += 1;
        }
      }
    }
    return { nodes: nodes.length, relationships: created };
  }

  private applySource(source: SourceRecord): void {
    const node = this.nodes.get(source.id) ?? this.newNode(source.id, ["Source"]);
    for (const [key, value] of Object.entries(source)) {
      if (key === "id") continue;
      const stored = value === undefined ? null : Array.isArray(value) ? value.map(String) : typeof value === "object" && value !== null ? JSON.stringify(value) : value;
      assign(node.props, { [key]: stored });
    }
  }

  /**
   * Every project's participantCount and involvedPlaces, from the final graph: what the writer's
   * PROJECT_DERIVED (and INVOLVED_PLACES in model/involvement.ts) leave after each write.
   */
  deriveProjectProperties(): void {
    const out = new Map<ImageNode, ImageRelationship[]>();
    const into = new Map<ImageNode, ImageRelationship[]>();
    for (const rel of this.relationships) {
      if (rel.type === "BASED_IN" || rel.type === "IN_REGION" || rel.type === "TAKES_PLACE_IN") (out.get(rel.from) ?? out.set(rel.from, []).get(rel.from)!).push(rel);
      if (rel.type === "PARTICIPATES_IN") (into.get(rel.to) ?? into.set(rel.to, []).get(rel.to)!).push(rel);
    }
    const regionsMemo = new Map<ImageNode, string[]>();
    /** A place and everything it lies in, up to four IN_REGION hops (`-[:IN_REGION*0..4]->`). */
    const placeAndAbove = (place: ImageNode): string[] => {
      let found = regionsMemo.get(place);
      if (found) return found;
      const seen = new Set<ImageNode>([place]);
      let frontier = [place];
      for (let depth = 0; depth < 4; depth++) {
        const next: ImageNode[] = [];
        for (const x of frontier) for (const r of out.get(x) ?? []) if (r.type === "IN_REGION" && !seen.has(r.to)) { seen.add(r.to); next.push(r.to); }
        frontier = next;
      }
      found = [...seen].filter((x) => x.props.has("id")).map(idOf);
      regionsMemo.set(place, found);
      return found;
    };
    for (const node of this.nodes.values()) {
      if (!node.labels.has("Project")) continue;
      const actors = new Set<ImageNode>();
      const places = new Set<string>();
      for (const p of into.get(node) ?? []) {
        if (p.from.labels.has("Actor")) actors.add(p.from);
        for (const b of out.get(p.from) ?? []) if (b.type === "BASED_IN") for (const x of placeAndAbove(b.to)) places.add(x);
      }
      for (const t of out.get(node) ?? []) if (t.type === "TAKES_PLACE_IN") for (const x of placeAndAbove(t.to)) places.add(x);
      node.props.set("participantCount", actors.size);
      node.props.set("involvedPlaces", [...places].sort());
    }
  }

  /**
   * Writes the CSV files (node ids are integers) and says how to import them. The importer drops
   * empty lists (an empty field is no value): those properties are left out of the files and
   * marked (a label on nodes, a property on relationships) for `restoreEmptyLists` after the import.
   */
  writeCsv(dir: string): { spec: OfflineImport; emptyLists: EmptyLists } {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const files = new CsvFiles(dir);
    const emptyLists: EmptyLists = { nodes: new Set(), relationships: new Map() };
    for (const node of this.nodes.values()) {
      const labels = [...node.labels];
      let props = node.props;
      const empty = emptyListsOf(props);
      if (empty.length) {
        props = new Map([...props].filter(([k]) => !empty.includes(k)));
        for (const k of empty) {
          emptyLists.nodes.add(k);
          labels.push(emptyListLabel(k));
        }
      }
      labels.sort();
      const columns = columnsOf(props);
      files.row("nodes", `${labels.join(":")}|${columns}`, { labels }, () => `:ID${columns ? `,${columns}` : ""}`, `${node.index}${rowValues(props, files)}`);
    }
    for (const rel of this.relationships) {
      let props = rel.props;
      const empty = emptyListsOf(props);
      if (empty.length) {
        props = new Map([...props].filter(([k]) => !empty.includes(k)));
        props.set(EMPTY_LISTS_PROPERTY, empty);
        const known = emptyLists.relationships.get(rel.type) ?? emptyLists.relationships.set(rel.type, new Set()).get(rel.type)!;
        for (const k of empty) known.add(k);
      }
      const columns = columnsOf(props);
      files.row("relationships", `${rel.type}|${columns}`, { type: rel.type }, () => `:START_ID,:END_ID${columns ? `,${columns}` : ""}`,
        `${rel.from.index},${rel.to.index}${rowValues(props, files)}`);
    }
    return { spec: files.close(), emptyLists };
  }
}

/** Properties whose value is an empty list, by node property name and by relationship type. */
export interface EmptyLists {
  nodes: Set<string>;
  relationships: Map<string, Set<string>>;
}

const EMPTY_LISTS_PROPERTY = "coopgraphImportEmptyLists";
const emptyListLabel = (property: string) => `CoopgraphImportEmpty_${property}`;

function emptyListsOf(props: Map<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of props) if (Array.isArray(v) && v.length === 0) out.push(k);
  return out;
}

/** Names spliced into Cypher (labels, property names) come from records: only plain identifiers pass. */
function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`offline import: "${name}" is not a plain property or type name`);
  return `\`${name}\``;
}

/**
 * Gives back the empty lists the importer could not carry (`[]`, as the writer stores them), in
 * batches of 10,000 per write transaction, and removes the marks.
 */
export async function restoreEmptyLists(db: Database, emptyLists: EmptyLists): Promise<void> {
  const untilDone = async (cypher: string) => {
    for (;;) {
      const [row] = await db.write(cypher);
      if (Number(row?.n ?? 0) === 0) return;
    }
  };
  for (const k of emptyLists.nodes) {
    const label = identifier(emptyListLabel(k));
    await untilDone(`MATCH (n:${label}) WITH n LIMIT 10000 SET n.${identifier(k)} = [] REMOVE n:${label} RETURN count(*) AS n`);
  }
  for (const [type, props] of emptyLists.relationships) {
    const sets = [...props].map((k) => `r.${identifier(k)} = CASE WHEN '${k}' IN r.${EMPTY_LISTS_PROPERTY} THEN [] ELSE r.${identifier(k)} END`).join(", ");
    await untilDone(`MATCH ()-[r:${identifier(type)}]->() WHERE r.${EMPTY_LISTS_PROPERTY} IS NOT NULL
      WITH r LIMIT 10000 SET ${sets} REMOVE r.${EMPTY_LISTS_PROPERTY} RETURN count(*) AS n`);
  }
}

/** The separator inside array values: a control character no name or quote holds (checked). */
const ARRAY_DELIMITER = "\u001f";

function csvType(value: unknown): string {
  if (value instanceof Floats) return Array.isArray(value.value) ? "double[]" : "double";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "boolean";
  // As toCypherParams sends them: whole numbers are integers.
  if (typeof value === "number") return Number.isSafeInteger(value) ? "long" : "double";
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "string")) return "string[]";
    if (value.every((v) => typeof v === "number" && Number.isSafeInteger(v))) return "long[]";
    if (value.every((v) => typeof v === "number")) return "double[]";
    if (value.every((v) => typeof v === "boolean")) return "boolean[]";
  }
  throw new Error(`offline import: no CSV type for ${JSON.stringify(value)}`);
}

/** The header columns of an entity's properties (sorted names and types): entities with the same ones share a file. */
function columnsOf(props: Map<string, unknown>): string {
  return [...props.keys()].sort().map((k) => `${k}:${csvType(props.get(k))}`).join(",");
}

function rowValues(props: Map<string, unknown>, files: CsvFiles): string {
  let out = "";
  for (const key of [...props.keys()].sort()) out += `,${files.field(props.get(key))}`;
  return out;
}

class CsvFiles {
  private readonly open = new Map<string, { kind: "nodes" | "relationships"; file: string; fd: number; buffer: string[]; size: number; meta: { labels?: string[]; type?: string } }>();
  multiline = false;

  constructor(private readonly dir: string) {}

  field(value: unknown): string {
    if (value instanceof Floats) return Array.isArray(value.value) ? this.quote(value.value.map(String).join(ARRAY_DELIMITER)) : String(value.value);
    if (typeof value === "string") return this.quote(value);
    if (Array.isArray(value)) {
      for (const v of value) if (typeof v === "string" && v.includes(ARRAY_DELIMITER)) throw new Error(`offline import: a list value holds U+001F: ${JSON.stringify(v)}`);
      return this.quote(value.map(String).join(ARRAY_DELIMITER));
    }
    return String(value);
  }

  private quote(text: string): string {
    if (!this.multiline && /[\r\n]/.test(text)) this.multiline = true;
    return `"${text.replaceAll('"', '""')}"`;
  }

  row(kind: "nodes" | "relationships", signature: string, meta: { labels?: string[]; type?: string }, header: () => string, line: string): void {
    let f = this.open.get(signature);
    if (!f) {
      const file = path.join(this.dir, `${kind}-${this.open.size}.csv`);
      f = { kind, file, fd: fs.openSync(file, "w"), buffer: [header()], size: 0, meta };
      this.open.set(signature, f);
    }
    f.buffer.push(line);
    f.size += line.length;
    if (f.size > 1 << 20) this.flush(f);
  }

  private flush(f: { fd: number; buffer: string[]; size: number }): void {
    if (f.buffer.length) fs.writeSync(f.fd, f.buffer.join("\n") + "\n");
    f.buffer = [];
    f.size = 0;
  }

  close(): OfflineImport {
    const spec: OfflineImport = { nodes: [], relationships: [], arrayDelimiter: "U+001F", multiline: this.multiline, idType: "integer" };
    for (const f of this.open.values()) {
      this.flush(f);
      fs.closeSync(f.fd);
      if (f.kind === "nodes") spec.nodes.push({ labels: f.meta.labels!, file: f.file });
      else spec.relationships.push({ type: f.meta.type!, file: f.file });
    }
    return spec;
  }
}
