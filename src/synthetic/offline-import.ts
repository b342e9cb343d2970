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
import { AGGREGATE_RELATIONSHIP_TYPES, AGGREGATES_VERSION, NULL_YEAR, ThemeSetCounts, fundingTallyKey, fundingTallyWindowKeys, themeSetsOf } from "../db/aggregates.js";
import type { Database } from "../db/database.js";
import type { OfflineImport } from "../db/managed-neo4j.js";
import { compareStrings, groupBy } from "../model/collections.js";
import { decimalOrNull, sumDecimals } from "../model/decimal.js";
import { NODE_TYPES, RELATIONSHIP_TYPES, STUB_LABEL, type NodeType, type RelationshipType } from "../model/model.js";
import {
  nodeRow, relationshipRow, assertValidDocument,
  type GraphDocument, type SourceRecord,
} from "../ingest/graph-writer.js";

/** A float whose JavaScript value cannot say so (2.0 reads as 2): kept with its Neo4j type. */
class Floats {
  constructor(readonly value: number | number[]) {}
}

type Props = Record<string, unknown>;

interface ImageNode {
  /** The importer's node id (an integer: faster than strings). */
  index: number;
  id: string;
  labels: Set<string>;
  props: Props;
}

interface ImageRelationship {
  type: string;
  from: ImageNode;
  to: ImageNode;
  props: Props;
}

/** `GraphImage.snapshot()`: nodes and relationships as plain data (relationship ends by node index). */
export interface ImageSnapshot {
  nextIndex: number;
  nodes: { index: number; id: string; labels: string[]; props: Props; floats?: string[] }[];
  relationships: { type: string; from: number; to: number; props: Props; floats?: string[] }[];
}

/** What a worker's `finishStream` returns to the main thread's `absorb`. */
export interface StreamedPart {
  spec: OfflineImport;
  emptyLists: EmptyLists;
  tallies: TalliesSnapshot | undefined;
  nextIndex: number;
}

/** Labels of bookkeeping nodes that are not part of the graph (the write version and its change records). */
export const BOOKKEEPING_LABELS = ["GraphVersion", "GraphChange"] as const;

function assign(props: Props, values: Props): void {
  for (const key in values) {
    const value = values[key];
    if (value === null || value === undefined) delete props[key];
    else props[key] = value;
  }
}

/** The writer's provenance merge: the old entries of other sources, then the row's. */
function replaceProvenance(props: Props, sourceIds: string[], quotes: string[]): void {
  const oldIds = (props.sourceIds as string[] | undefined) ?? [];
  const oldQuotes = (props.quotes as string[] | undefined) ?? [];
  const kept = oldIds.map((_, i) => i).filter((i) => !sourceIds.includes(oldIds[i]!));
  props.quotes = [...kept.map((i) => oldQuotes[i] ?? null), ...quotes];
  props.sourceIds = [...kept.map((i) => oldIds[i]!), ...sourceIds];
}

const KEY_SEPARATOR = "\u0000";

/** The key label of an id's node type, by its prefix (what nodeTypeOfId finds, without a search per call). */
const KEY_LABEL_BY_PREFIX = new Map<string, string>(Object.values(NODE_TYPES).map((t) => [t.prefix, t.key]));
const keyLabelOf = (id: string) => KEY_LABEL_BY_PREFIX.get(id.slice(0, id.indexOf(":")));

export class GraphImage {
  readonly nodes = new Map<string, ImageNode>();
  readonly relationships: ImageRelationship[] = [];
  /**
   * Relationships by MERGE key, built only when a document holds a relationship between two nodes
   * that existed before it (one with a node the document creates cannot exist yet): synthetic
   * documents never do, and 1.75 M keys would cost more than the rest of the work.
   */
  private relationshipIndex: Map<string, ImageRelationship> | undefined;
  private nextIndex = 0;
  /** Step between the indexes of new nodes: a worker of n takes every n-th (`partition`), so workers never collide. */
  private indexStride = 1;
  /** Ids of the nodes `stream` wrote out. */
  private readonly streamed = new Set<string>();
  /** Places of the image's actors and regions, built when streaming starts (no streamed document may change them). */
  private involvement: Involvement | undefined;
  private out: CsvFiles | undefined;
  /** The aggregates (db/aggregates.ts) computed here, when their definition is the one this file knows. */
  private tallies: Tallies | undefined = AGGREGATES_VERSION === OFFLINE_AGGREGATES_VERSION ? new Tallies() : undefined;
  /** The image's own relationships by end, built when streaming starts (frozen from then on, as `involvement`). */
  private links: Links | undefined;
  /** The aggregates' relationships (PARTNERS_WITH), made by `computeAggregates` as `writeCsv` writes them. */
  private aggregateRelationships: Iterable<ImageRelationship> | undefined;
  private readonly emptyLists: EmptyLists = { nodes: new Set(), relationships: new Map() };
  /** Files the workers wrote (`absorb`), imported with the image's own. */
  private readonly parts: OfflineImport[] = [];
  /** Equal provenance lists shared (never mutated: a merge makes new ones): millions of facts cite one source. */
  private readonly lists = new Map<string, string[]>();

  private shared(list: string[]): string[] {
    const key = list.length === 1 ? list[0]! : list.join(KEY_SEPARATOR);
    const found = this.lists.get(key);
    if (found) return found;
    this.lists.set(key, list);
    return list;
  }

  private newNode(id: string, labels: Iterable<string>): ImageNode {
    const node: ImageNode = { index: this.nextIndex, id, labels: new Set(labels), props: { id } };
    this.nextIndex += this.indexStride;
    this.nodes.set(id, node);
    return node;
  }

  private static key(type: string, from: ImageNode, to: ImageNode, keys: Props): string {
    const names = ((RELATIONSHIP_TYPES[type as RelationshipType]?.keys ?? []) as readonly string[]);
    let key = `${type}${KEY_SEPARATOR}${from.id}${KEY_SEPARATOR}${to.id}`;
    for (const name of names) key += `${KEY_SEPARATOR}${JSON.stringify(keys[name] ?? null)}`;
    return key;
  }

  private index(): Map<string, ImageRelationship> {
    if (!this.relationshipIndex) {
      this.relationshipIndex = new Map();
      for (const rel of this.relationships) this.indexed(rel);
    }
    return this.relationshipIndex;
  }

  private indexed(rel: ImageRelationship): void {
    const key = GraphImage.key(rel.type, rel.from, rel.to, rel.props);
    if (!this.relationshipIndex!.has(key)) this.relationshipIndex!.set(key, rel);
  }

  private addRelationship(rel: ImageRelationship): void {
    this.relationships.push(rel);
    if (this.relationshipIndex) this.indexed(rel);
  }

  /** What the database holds now (the seed), each value with its type; bookkeeping nodes left out. */
  static async read(db: Database): Promise<GraphImage> {
    const image = new GraphImage();
    const skip = BOOKKEEPING_LABELS.map((l) => `NOT n:${l}`).join(" AND ");
    const typed = (v: string) => `[k IN keys(${v}) WHERE valueType(${v}[k]) STARTS WITH 'FLOAT' OR valueType(${v}[k]) STARTS WITH 'LIST<FLOAT' | k] AS floats,
      [k IN keys(${v}) WHERE NOT valueType(${v}[k]) =~ '(INTEGER|FLOAT|STRING|BOOLEAN|LIST<(INTEGER|FLOAT|STRING|BOOLEAN|NOTHING)).*' | k + ': ' + valueType(${v}[k])] AS unsupported`;
    const byElement = new Map<string, ImageNode>();
    const check = (row: Record<string, unknown>, what: string): Props => {
      const unsupported = row.unsupported as string[];
      if (unsupported.length) throw new Error(`offline import: ${what} has properties of types the CSV files cannot carry: ${unsupported.join(", ")}`);
      const props = row.props as Props;
      const floats = row.floats as string[];
      for (const [key, value] of Object.entries(props)) {
        if (floats.includes(key)) props[key] = new Floats(value as number | number[]);
        else if (typeof value === "number" && !Number.isSafeInteger(value)) throw new Error(`offline import: ${what}.${key} is an integer beyond 2^53`);
      }
      return props;
    };
    await db.stream(`MATCH (n) WHERE ${skip} RETURN elementId(n) AS element, labels(n) AS labels, properties(n) AS props, ${typed("n")}`, {}, (row) => {
      const props = check(row, `node ${String(row.element)}`);
      const id = typeof props.id === "string" ? props.id : `element:${String(row.element)}`;
      const node = image.newNode(id, row.labels as string[]);
      node.props = props;
      byElement.set(String(row.element), node);
    }, { timeoutMs: 600_000 });
    // The aggregates' relationships are rebuilt after the import (db/aggregates.ts).
    await db.stream(`MATCH (a)-[r]->(b) WHERE NOT type(r) IN $aggregates RETURN elementId(a) AS a, elementId(b) AS b, type(r) AS type, properties(r) AS props, ${typed("r")}`,
      { aggregates: AGGREGATE_RELATIONSHIP_TYPES }, (row) => {
      const from = byElement.get(String(row.a));
      const to = byElement.get(String(row.b));
      if (!from || !to) throw new Error(`offline import: a ${String(row.type)} relationship touches a bookkeeping node`);
      image.addRelationship({ type: String(row.type), from, to, props: check(row, `a ${String(row.type)} relationship`) });
    }, { timeoutMs: 600_000 });
    return image;
  }

  /**
   * Applies one document as `writeGraph` writes it: sources, then nodes grouped by type, then
   * relationships grouped by shape, in the document's order. Returns the relationships it created.
   */
  apply(doc: GraphDocument): { nodes: number; relationships: number } {
    const { nodes, relationships } = this.applyDocument(doc);
    return { nodes, relationships };
  }

  private applyDocument(doc: GraphDocument): { nodes: number; relationships: number; created: Set<ImageNode> } {
    const nodes = doc.nodes ?? [];
    const relationships = doc.relationships ?? [];
    assertValidDocument(doc, "offline import");
    for (const source of doc.sources ?? []) this.applySource(source);
    const created = new Set<ImageNode>();
    for (const [type, group] of groupBy(nodes, (n) => n.type)) {
      const { key, labels } = NODE_TYPES[type as NodeType];
      for (const record of group) {
        const row = nodeRow(record);
        let node = this.nodes.get(row.id);
        if (!node) {
          node = this.newNode(row.id, [key]);
          created.add(node);
          assign(node.props, row.createProps);
          node.props.sourceIds = this.shared(row.sourceIds);
          node.props.quotes = this.shared(row.quotes);
          if (key === "Project") assign(node.props, { participantCount: 0, involvedPlaces: [] });
        } else if (!row.provenanceOnCreate) {
          replaceProvenance(node.props, row.sourceIds, row.quotes);
        }
        assign(node.props, row.props);
        for (const label of labels) node.labels.add(label);
        // The stub label follows `stub`, as the writer keeps it (STUB_LABEL_FOLLOWS).
        if (key === "Project") {
          if (node.props.stub === true) node.labels.add(STUB_LABEL);
          else node.labels.delete(STUB_LABEL);
        }
      }
    }
    let written = 0;
    // Relationships with a node this document created are new, or repeat one of this document's.
    const ofThisDocument = new Map<string, ImageRelationship>();
    const byShape = groupBy(relationships, (r) => `${r.type}|${keyLabelOf(r.from)}|${keyLabelOf(r.to)}`);
    for (const [shape, group] of byShape) {
      const [type, fromLabel, toLabel] = shape.split("|") as [string, string, string];
      for (const record of group) {
        const row = relationshipRow(record);
        const from = this.nodes.get(row.from);
        const to = this.nodes.get(row.to);
        if (!from?.labels.has(fromLabel) || !to?.labels.has(toLabel)) throw new Error(`offline import: ${type} ${row.from} -> ${row.to} points at a node that does not exist`);
        const key = GraphImage.key(type, from, to, row.keys);
        const existing = created.has(from) || created.has(to) ? ofThisDocument.get(key) : this.index().get(key);
        if (existing) {
          replaceProvenance(existing.props, row.sourceIds, row.quotes);
          assign(existing.props, row.props);
        } else {
          const props: Props = { ...row.keys, sourceIds: this.shared(row.sourceIds), quotes: this.shared(row.quotes) };
          assign(props, row.props);
          const rel = { type, from, to, props };
          this.addRelationship(rel);
          if (created.has(from) || created.has(to)) ofThisDocument.set(key, rel);
          written += 1;
        }
      }
    }
    return { nodes: nodes.length, relationships: written, created };
  }

  /**
   * Applies a self-contained document and writes what it created straight to the CSV files
   * (`openCsv` first), keeping none of it in memory: a fresh load of millions of relationships
   * never holds them all. Self-contained means what the synthetic project documents are, checked
   * here (an error otherwise, never a different graph): it touches no node written out by an
   * earlier streamed document; each of its relationships has an end it creates; it adds no BASED_IN
   * or IN_REGION (which would change involved places already written); PARTICIPATES_IN and
   * TAKES_PLACE_IN reach only projects it creates. So the nodes it creates are final when it ends,
   * and their derived properties (participantCount, involvedPlaces) are computed then, from the
   * older graph's places, which no later document may change. Nodes it updates stay in the image.
   */
  stream(doc: GraphDocument): { nodes: number; relationships: number } {
    const out = this.out;
    if (!out) throw new Error("offline import: openCsv before streaming documents");
    this.checkStreamable(doc);
    const involvement = this.involvement ??= new Involvement(this.relationships);
    const older = this.links ??= new Links(this.relationships);
    const before = this.relationships.length;
    const applied = this.applyDocument(doc);
    const added = this.relationships.slice(before);
    const links = new Links(added);
    for (const node of applied.created) {
      if (node.labels.has("Project")) involvement.derive(node, links.participants.get(node), links.takesPlace.get(node));
    }
    if (this.tallies) {
      for (const node of applied.created) {
        if (node.labels.has("Funding")) this.tallies.addFlow(node, links, involvement, older);
        else if (node.labels.has("Project")) this.tallies.addProject(node, links.themes.get(node), links.participants.get(node));
      }
    }
    for (const node of applied.created) {
      this.writeNode(node);
      this.nodes.delete(node.id);
      this.streamed.add(node.id);
    }
    for (const rel of added) this.writeRelationship(rel);
    this.relationships.length = before;
    // Keys of the relationships just written out: rebuilt without them on next need.
    if (this.relationshipIndex) this.relationshipIndex = undefined;
    return { nodes: applied.nodes, relationships: applied.relationships };
  }

  /**
   * `stream`'s checks for a document a worker streams (offline-workers.ts): the main thread sees
   * every document, so a document touching a node another worker wrote is refused as in one thread.
   * The nodes it creates count as written from then on.
   */
  admit(doc: GraphDocument): void {
    // A worker's image dies with it: a document may change nothing it would keep (sources, older nodes).
    if (doc.sources?.length) throw new Error("offline import: a document streamed by a worker cannot carry sources");
    const fresh = this.checkStreamable(doc);
    for (const n of doc.nodes ?? []) if (!fresh.has(n.id)) throw new Error(`offline import: ${n.id} exists already: a document streamed by a worker may only create nodes`);
    for (const id of fresh) this.streamed.add(id);
  }

  // --- Parallel CSV generation (offline-workers.ts): the image goes to each worker, their results come back. ---

  /** The image as plain data a worker can receive (structured clone); floats are marked per entity. */
  snapshot(): ImageSnapshot {
    const plain = (props: Props) => {
      let floats: string[] | undefined;
      const out: Props = {};
      for (const k in props) {
        const v = props[k];
        if (v instanceof Floats) (floats ??= []).push(k);
        out[k] = v instanceof Floats ? v.value : v;
      }
      return { props: out, floats };
    };
    return {
      nextIndex: this.nextIndex,
      nodes: [...this.nodes.values()].map((n) => ({ index: n.index, id: n.id, labels: [...n.labels], ...plain(n.props) })),
      relationships: this.relationships.map((r) => ({ type: r.type, from: r.from.index, to: r.to.index, ...plain(r.props) })),
    };
  }

  static fromSnapshot(snapshot: ImageSnapshot): GraphImage {
    const image = new GraphImage();
    const typed = (props: Props, floats: string[] | undefined) => {
      for (const k of floats ?? []) props[k] = new Floats(props[k] as number | number[]);
      return props;
    };
    const byIndex = new Map<number, ImageNode>();
    for (const n of snapshot.nodes) {
      const node: ImageNode = { index: n.index, id: n.id, labels: new Set(n.labels), props: typed(n.props, n.floats) };
      image.nodes.set(n.id, node);
      byIndex.set(n.index, node);
    }
    for (const r of snapshot.relationships) {
      image.relationships.push({ type: r.type, from: byIndex.get(r.from)!, to: byIndex.get(r.to)!, props: typed(r.props, r.floats) });
    }
    image.nextIndex = snapshot.nextIndex;
    return image;
  }

  /** Worker `part` of `parts`: its new nodes take the indexes part, part + parts, ... after the image's. */
  partition(part: number, parts: number): void {
    this.nextIndex += part;
    this.indexStride = parts;
  }

  /** A worker's end: its CSV files closed, with what the main thread adds up (`absorb`). */
  finishStream(): StreamedPart {
    if (!this.out) throw new Error("offline import: openCsv before finishing a stream");
    const spec = this.out.close();
    this.out = undefined;
    return { spec, emptyLists: this.emptyLists, tallies: this.tallies?.snapshot(), nextIndex: this.nextIndex };
  }

  /** Adds a worker's files, empty lists and tallies; new nodes here take indexes after all of its. */
  absorb(part: StreamedPart): void {
    this.parts.push(part.spec);
    for (const k of part.emptyLists.nodes) this.emptyLists.nodes.add(k);
    for (const [type, keys] of part.emptyLists.relationships) {
      const known = this.emptyLists.relationships.get(type) ?? this.emptyLists.relationships.set(type, new Set()).get(type)!;
      for (const k of keys) known.add(k);
    }
    if (this.tallies) {
      if (part.tallies) this.tallies.absorb(part.tallies, (id) => this.nodes.get(id));
      else this.tallies.unsure = true;
    }
    this.nextIndex = Math.max(this.nextIndex, part.nextIndex);
  }

  /** The checks of `stream` (above); returns the ids of the nodes the document creates. */
  private checkStreamable(doc: GraphDocument): Set<string> {
    const fresh = new Set<string>();
    for (const n of doc.nodes ?? []) {
      if (this.streamed.has(n.id)) throw new Error(`offline import: ${n.id} was written by an earlier document and cannot change`);
      if (!this.nodes.has(n.id)) fresh.add(n.id);
    }
    for (const r of doc.relationships ?? []) {
      const what = `offline import: ${r.type} ${r.from} -> ${r.to}`;
      if (this.streamed.has(r.from) || this.streamed.has(r.to)) throw new Error(`${what} touches a node written by an earlier document`);
      if (!fresh.has(r.from) && !fresh.has(r.to)) throw new Error(`${what} joins two older nodes: the document is not self-contained`);
      if (r.type === "BASED_IN" || r.type === "IN_REGION") throw new Error(`${what} would change places already written`);
      if ((r.type === "PARTICIPATES_IN" && !fresh.has(r.to)) || (r.type === "TAKES_PLACE_IN" && !fresh.has(r.from))
        || (r.type === "ABOUT" && r.from.startsWith("project:") && !fresh.has(r.from))) throw new Error(`${what} changes an older project`);
      if ((r.type === "FUNDED" && !fresh.has(r.to)) || (r.type === "FUNDS" && !fresh.has(r.from))) throw new Error(`${what} changes an older funding flow`);
    }
    return fresh;
  }

  private applySource(source: SourceRecord): void {
    if (source.keepExisting === true && this.nodes.has(source.id)) return;
    const node = this.nodes.get(source.id) ?? this.newNode(source.id, ["Source"]);
    for (const [key, value] of Object.entries(source)) {
      if (key === "id" || key === "keepExisting") continue;
      const stored = value === undefined ? null : Array.isArray(value) ? value.map(String) : typeof value === "object" && value !== null ? JSON.stringify(value) : value;
      assign(node.props, { [key]: stored });
    }
  }

  /**
   * Every project's participantCount and involvedPlaces, from the final graph: what the writer's
   * PROJECT_DERIVED (and INVOLVED_PLACES in model/involvement.ts) leave after each write.
   */
  deriveProjectProperties(): void {
    const links = new Links(this.relationships);
    const involvement = new Involvement(this.relationships);
    for (const node of this.nodes.values()) {
      if (node.labels.has("Project")) involvement.derive(node, links.participants.get(node), links.takesPlace.get(node));
    }
  }

  /**
   * The aggregates as `rebuildAggregates` leaves them (funding and theme tallies, each flow's and
   * project's stored contribution, the version mark), for the image's flows and projects added to
   * the streamed ones': the load then needs no rebuild. Returns false (nothing written, the caller
   * rebuilds in the database) when the aggregates' definition changed since this code was written
   * (AGGREGATES_VERSION) or a value is of a kind this code does not reproduce exactly.
   */
  computeAggregates(): boolean {
    const tallies = this.tallies;
    if (!tallies) return false;
    const links = new Links(this.relationships);
    const involvement = new Involvement(this.relationships);
    for (const node of [...this.nodes.values()]) {
      if (node.labels.has("FundingTally") || node.labels.has("ThemeSetTally") || node.labels.has("AggregateState")) this.nodes.delete(node.id);
      else if (node.labels.has("Funding")) tallies.addFlow(node, links, involvement, links);
      else if (node.labels.has("Project")) tallies.addProject(node, links.themes.get(node), links.participants.get(node));
    }
    if (tallies.unsure) {
      this.tallies = undefined;
      return false;
    }
    for (const [label, props] of tallies.nodes()) {
      const node = this.newNode(`\u0000${label}\u0000${String(props.key ?? props.id)}`, [label]);
      node.props = props;
    }
    this.aggregateRelationships = tallies.partnerRelationships();
    return true;
  }

  /** Starts the CSV files in `dir` (emptied first): `stream` writes into them, `writeCsv` finishes them. */
  openCsv(dir: string): void {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    this.out = new CsvFiles(dir);
  }

  private writeNode(node: ImageNode): void {
    const labels = [...node.labels];
    let props = node.props;
    const empty = emptyListsOf(props);
    if (empty) {
      props = withoutKeys(props, empty);
      for (const k of empty) {
        this.emptyLists.nodes.add(k);
        labels.push(emptyListLabel(k));
      }
    }
    this.out!.row("nodes", labels.join(":"), props, String(node.index));
  }

  private writeRelationship(rel: ImageRelationship): void {
    let props = rel.props;
    const empty = emptyListsOf(props);
    if (empty) {
      props = withoutKeys(props, empty);
      props[EMPTY_LISTS_PROPERTY] = empty;
      const known = this.emptyLists.relationships.get(rel.type) ?? this.emptyLists.relationships.set(rel.type, new Set()).get(rel.type)!;
      for (const k of empty) known.add(k);
    }
    this.out!.row("relationships", rel.type, props, `${rel.from.index},${rel.to.index}`);
  }

  /**
   * Writes the CSV files (node ids are integers: the nodes' indexes) and says how to import them:
   * the image's nodes and relationships, after what `stream` wrote (when `openCsv` was called;
   * otherwise `dir` is emptied first). The importer drops empty lists (an empty field is no
   * value): those properties are left out of the files and marked (a label on nodes, a property
   * on relationships) for `restoreEmptyLists` after the import.
   */
  writeCsv(dir: string): { spec: OfflineImport; emptyLists: EmptyLists } {
    if (!this.out) this.openCsv(dir);
    for (const node of this.nodes.values()) this.writeNode(node);
    for (const rel of this.relationships) this.writeRelationship(rel);
    for (const rel of this.aggregateRelationships ?? []) this.writeRelationship(rel);
    this.aggregateRelationships = undefined;
    const spec = this.out!.close();
    this.out = undefined;
    for (const part of this.parts) {
      spec.nodes.push(...part.nodes);
      spec.relationships.push(...part.relationships);
      spec.multiline ||= part.multiline;
    }
    return { spec, emptyLists: this.emptyLists };
  }
}

function push(map: Map<ImageNode, ImageNode[]>, key: ImageNode, value: ImageNode): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A set of relationships by the ends the derived properties and the aggregates read. */
class Links {
  readonly participants = new Map<ImageNode, ImageNode[]>();
  readonly takesPlace = new Map<ImageNode, ImageNode[]>();
  readonly themes = new Map<ImageNode, ImageNode[]>();
  readonly funders = new Map<ImageNode, ImageNode[]>();
  readonly funds = new Map<ImageNode, ImageNode[]>();

  constructor(relationships: Iterable<ImageRelationship>) {
    for (const rel of relationships) {
      if (rel.type === "PARTICIPATES_IN") push(this.participants, rel.to, rel.from);
      else if (rel.type === "TAKES_PLACE_IN") push(this.takesPlace, rel.from, rel.to);
      else if (rel.type === "ABOUT") push(this.themes, rel.from, rel.to);
      else if (rel.type === "FUNDED") push(this.funders, rel.to, rel.from);
      else if (rel.type === "FUNDS") push(this.funds, rel.from, rel.to);
    }
  }
}

/** `Tallies.snapshot()`: plain maps and arrays (posted between threads). */
export interface TalliesSnapshot {
  funding: Map<string, { flows: number; unknown: number; amounts: string[] }>;
  themeSets: Map<string, { themes: string[]; projects: number; spans: Map<string, number> }>;
  pairs: Map<number, Map<number, number>>;
  actors: string[];
  unsure: boolean;
}

/** The definition of the aggregates (AGGREGATES_VERSION in db/aggregates.ts) that `Tallies` reproduces. */
export const OFFLINE_AGGREGATES_VERSION: number = 5;

/**
 * `rebuildAggregates` (db/aggregates.ts) in memory, flow by flow and project by project: the same
 * keys (fundingTallyKey), exact decimal totals (sumDecimals), the same theme-set year tables
 * (ThemeSetCounts, the class the database's rebuild uses), the same partner pairs (PARTNERS_WITH
 * from the smaller id to the greater, `shared` distinct projects), and the properties each flow
 * (tallyKeys, tallyAmount) and project (themeTally, partnerTally) stores. The offline import's
 * test compares the result with the idempotent path's, whose tallies are kept on write.
 */
class Tallies {
  private readonly funding = new Map<string, { flows: number; unknown: number; amounts: string[] }>();
  /** Per theme set, its projects' (start, end) spans counted (`"start end"`): summed across workers, then fed to ThemeSetCounts. */
  private readonly themeSets = new Map<string, { themes: string[]; projects: number; spans: Map<string, number> }>();
  /**
   * Distinct projects per pair of actors, by the two actors' node indexes (smaller id first, then
   * the other): small-integer keys, not strings or one large number (which V8 boxes), since the
   * pairs run into the millions (970 000 at L).
   */
  private readonly pairs = new Map<number, Map<number, number>>();
  /** The actors the pairs name, by node index (a streamed actor leaves the image's nodes). */
  private readonly actors = new Map<number, ImageNode>();
  /** Set when a value is of a kind the database's rebuild may read differently (then it rebuilds). */
  unsure = false;

  private nullable(value: unknown): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== "string") this.unsure = true;
    return value as string;
  }

  /** `FLOW_PARTS` and `keysOf`: the flow's places (its projects' and the regions above) times its distinct funders. */
  addFlow(flow: ImageNode, own: Links, involvement: Involvement, older: Links): void {
    const date = flow.props.date;
    let year: number | null = null;
    if (typeof date === "string") {
      const head = date.slice(0, 4);
      if (/^\d{4}$/.test(head)) year = Number(head);
      else this.unsure = true;
    } else if (date !== undefined && date !== null) this.unsure = true;
    const currency = this.nullable(flow.props.currency);
    const flowType = this.nullable(flow.props.flowType);
    const funders = new Set<string | null>();
    for (const g of own.funders.get(flow) ?? []) if (g.labels.has("Actor")) funders.add(g.id);
    if (!funders.size) funders.add(null);
    const places = new Set<string>();
    for (const project of own.funds.get(flow) ?? []) {
      if (!project.labels.has("Project")) continue;
      for (const t of own.takesPlace.get(project) ?? older.takesPlace.get(project) ?? []) for (const x of involvement.placeAndAbove(t)) places.add(x);
    }
    const keys: string[] = [];
    for (const place of places) for (const g of funders) keys.push(fundingTallyKey(place, g, currency, year, flowType));
    keys.sort();
    const amount = decimalOrNull(flow.props.amount);
    for (const key of keys) {
      let t = this.funding.get(key);
      if (!t) this.funding.set(key, t = { flows: 0, unknown: 0, amounts: [] });
      t.flows += 1;
      if (amount === null) t.unknown += 1;
      else {
        t.amounts.push(amount);
        if (t.amounts.length >= 1000) t.amounts = [sumDecimals(t.amounts)];
      }
    }
    assign(flow.props, { tallyKeys: keys, tallyAmount: keys.length ? amount : null });
  }

  /**
   * `THEME_PARTS` and `themeEntryOf`: the project's distinct themes and years, counted in its set's
   * tally and in `*`; and `PARTICIPANT_IDS`: its distinct actors, each pair of them one project more.
   */
  addProject(project: ImageNode, about: ImageNode[] = [], participants: ImageNode[] = []): void {
    this.addPartners(project, participants);
    const themes = [...new Set(about.filter((t) => t.labels.has("Theme")).map((t) => t.id))].sort();
    const year = (v: unknown) => {
      if (v === undefined || v === null) return NULL_YEAR;
      if (typeof v !== "number") this.unsure = true;
      return Number(v);
    };
    const start = year(project.props.startYear);
    const end = year(project.props.endYear ?? project.props.startYear);
    if (!themes.length) {
      delete project.props.themeTally;
      return;
    }
    project.props.themeTally = JSON.stringify([themes, start, end]);
    for (const [key, set] of themeSetsOf(themes)) {
      let t = this.themeSets.get(key);
      if (!t) this.themeSets.set(key, t = { themes: [...set], projects: 0, spans: new Map() });
      t.projects += 1;
      const span = `${start} ${end}`;
      t.spans.set(span, (t.spans.get(span) ?? 0) + 1);
    }
  }

  /** `rebuildPartnerTallies`: the project's sorted distinct actor ids (null for none), and its pairs. */
  private addPartners(project: ImageNode, participants: ImageNode[]): void {
    const byId = new Map<string, ImageNode>();
    for (const a of participants) if (a.labels.has("Actor")) byId.set(a.id, a);
    if (!byId.size) {
      delete project.props.partnerTally;
      return;
    }
    const ids = [...byId.keys()].sort(compareStrings); // Cypher's string order for ids (`a.id < b.id`, `ORDER BY id`)
    project.props.partnerTally = ids;
    const actors = ids.map((id) => byId.get(id)!);
    for (const a of actors) this.actors.set(a.index, a);
    for (let i = 0; i < actors.length; i++) {
      const from = actors[i]!.index;
      let row = this.pairs.get(from);
      if (!row) this.pairs.set(from, row = new Map());
      for (let j = i + 1; j < actors.length; j++) {
        const to = actors[j]!.index;
        row.set(to, (row.get(to) ?? 0) + 1);
      }
    }
  }

  // --- Parallel CSV generation (offline-workers.ts): each worker's tallies, added up in the main thread. ---

  /** What this tally holds, as plain data a worker can post (structured clone): `absorb` adds it to another. */
  snapshot(): TalliesSnapshot {
    return {
      funding: this.funding, themeSets: this.themeSets, pairs: this.pairs,
      actors: [...this.actors.values()].map((a) => a.id), unsure: this.unsure,
    };
  }

  /** Adds a worker's tallies (sums are exact and order-free); `actorOf` finds an actor in this image by id. */
  absorb(other: TalliesSnapshot, actorOf: (id: string) => ImageNode | undefined): void {
    if (other.unsure) this.unsure = true;
    for (const [key, t] of other.funding) {
      const mine = this.funding.get(key);
      if (!mine) this.funding.set(key, t);
      else {
        mine.flows += t.flows;
        mine.unknown += t.unknown;
        mine.amounts = [sumDecimals([...mine.amounts, ...t.amounts])];
      }
    }
    for (const [key, t] of other.themeSets) {
      const mine = this.themeSets.get(key);
      if (!mine) this.themeSets.set(key, t);
      else {
        mine.projects += t.projects;
        for (const [span, n] of t.spans) mine.spans.set(span, (mine.spans.get(span) ?? 0) + n);
      }
    }
    for (const [from, theirs] of other.pairs) {
      const row = this.pairs.get(from);
      if (!row) this.pairs.set(from, theirs);
      else for (const [to, n] of theirs) row.set(to, (row.get(to) ?? 0) + n);
    }
    for (const id of other.actors) {
      const actor = actorOf(id);
      // An actor a streamed document created lives only in its worker: the load rebuilds the tallies in the database.
      if (!actor) this.unsure = true;
      else this.actors.set(actor.index, actor);
    }
  }

  /** One PARTNERS_WITH per pair, as `rebuildPartnerTallies` creates it: {a, b, shared}, from a to b. */
  *partnerRelationships(): Generator<ImageRelationship> {
    for (const [a, row] of this.pairs) for (const [b, shared] of row) {
      const from = this.actors.get(a)!;
      const to = this.actors.get(b)!;
      yield { type: "PARTNERS_WITH", from, to, props: { a: from.id, b: to.id, shared } };
    }
  }

  /** The tally nodes' properties (FundingTally, ThemeSetTally) and the version mark (AggregateState). */
  *nodes(): Generator<[label: "FundingTally" | "ThemeSetTally" | "AggregateState", props: Props]> {
    for (const [key, t] of this.funding) {
      const parts = JSON.parse(key) as unknown[];
      const props: Props = { key };
      assign(props, { place: parts[0], funder: parts[1], currency: parts[2], year: parts[3], flowType: parts[4], total: sumDecimals(t.amounts), flows: t.flows, unknown: t.unknown });
      // Version 5: the never-null group and pair the year-window index holds (fundingTallyWindowKeys).
      assign(props, fundingTallyWindowKeys(parts));
      yield ["FundingTally", props];
    }
    for (const [key, t] of this.themeSets) {
      const counts = new ThemeSetCounts();
      for (const [span, n] of t.spans) {
        const [start, end] = span.split(" ").map(Number) as [number, number];
        counts.add(start, end, n);
      }
      yield ["ThemeSetTally", { key, themes: t.themes, projects: t.projects, ...counts.encode() }];
    }
    yield ["AggregateState", { id: "aggregates", version: AGGREGATES_VERSION }];
  }
}

/**
 * Where actors are based and which regions places lie in, from a set of relationships: a project's
 * participantCount and involvedPlaces as the writer's PROJECT_DERIVED (and INVOLVED_PLACES in
 * model/involvement.ts) leave them after each write.
 */
class Involvement {
  private readonly basedIn = new Map<ImageNode, ImageNode[]>();
  private readonly inRegion = new Map<ImageNode, ImageNode[]>();
  private readonly above = new Map<ImageNode, string[]>();
  private readonly actorPlaces = new Map<ImageNode, string[]>();

  constructor(relationships: Iterable<ImageRelationship>) {
    for (const rel of relationships) {
      if (rel.type === "BASED_IN") push(this.basedIn, rel.from, rel.to);
      else if (rel.type === "IN_REGION") push(this.inRegion, rel.from, rel.to);
    }
  }

  /** A place and everything it lies in, up to four IN_REGION hops (`-[:IN_REGION*0..4]->`). */
  placeAndAbove(place: ImageNode): string[] {
    let found = this.above.get(place);
    if (found) return found;
    const seen = new Set<ImageNode>([place]);
    let frontier = [place];
    for (let depth = 0; depth < 4; depth++) {
      const next: ImageNode[] = [];
      for (const x of frontier) for (const r of this.inRegion.get(x) ?? []) if (!seen.has(r)) { seen.add(r); next.push(r); }
      frontier = next;
    }
    found = [...seen].filter((x) => typeof x.props.id === "string").map((x) => x.props.id as string);
    this.above.set(place, found);
    return found;
  }

  private placesOfActor(actor: ImageNode): string[] {
    let found = this.actorPlaces.get(actor);
    if (!found) this.actorPlaces.set(actor, found = (this.basedIn.get(actor) ?? []).flatMap((p) => this.placeAndAbove(p)));
    return found;
  }

  derive(project: ImageNode, participants: ImageNode[] = [], takesPlace: ImageNode[] = []): void {
    const actors = new Set<ImageNode>();
    const places = new Set<string>();
    for (const a of participants) {
      if (a.labels.has("Actor")) actors.add(a);
      for (const x of this.placesOfActor(a)) places.add(x);
    }
    for (const t of takesPlace) for (const x of this.placeAndAbove(t)) places.add(x);
    project.props.participantCount = actors.size;
    project.props.involvedPlaces = [...places].sort();
  }
}

function withoutKeys(props: Props, keys: string[]): Props {
  const out: Props = {};
  for (const k in props) if (!keys.includes(k)) out[k] = props[k];
  return out;
}

/** Properties whose value is an empty list, by node property name and by relationship type. */
export interface EmptyLists {
  nodes: Set<string>;
  relationships: Map<string, Set<string>>;
}

const EMPTY_LISTS_PROPERTY = "coopgraphImportEmptyLists";
const emptyListLabel = (property: string) => `CoopgraphImportEmpty_${property}`;

function emptyListsOf(props: Props): string[] | undefined {
  let out: string[] | undefined;
  for (const k in props) {
    const v = props[k];
    if (Array.isArray(v) && v.length === 0) (out ??= []).push(k);
  }
  return out;
}

/** Names spliced into Cypher (labels, property names) come from records: only plain identifiers pass. */
function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`offline import: "${name}" is not a plain property or type name`);
  return `\`${name}\``;
}

const RESTORE_BATCH = 10_000;

/**
 * Gives back the empty lists the importer could not carry (`[]`, as the writer stores them), in
 * batches of 10,000 per write transaction, and removes the marks.
 */
export async function restoreEmptyLists(db: Database, emptyLists: EmptyLists): Promise<void> {
  const untilDone = async (cypher: string) => {
    for (;;) {
      const [row] = await db.write(cypher);
      // A batch short of the limit was the last: no extra round trip to find none left.
      if (Number(row?.n ?? 0) < RESTORE_BATCH) return;
    }
  };
  for (const k of emptyLists.nodes) {
    const label = identifier(emptyListLabel(k));
    await untilDone(`MATCH (n:${label}) WITH n LIMIT ${RESTORE_BATCH} SET n.${identifier(k)} = [] REMOVE n:${label} RETURN count(*) AS n`);
  }
  for (const [type, props] of emptyLists.relationships) {
    const sets = [...props].map((k) => `r.${identifier(k)} = CASE WHEN '${k}' IN r.${EMPTY_LISTS_PROPERTY} THEN [] ELSE r.${identifier(k)} END`).join(", ");
    await untilDone(`MATCH ()-[r:${identifier(type)}]->() WHERE r.${EMPTY_LISTS_PROPERTY} IS NOT NULL
      WITH r LIMIT ${RESTORE_BATCH} SET ${sets} REMOVE r.${EMPTY_LISTS_PROPERTY} RETURN count(*) AS n`);
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

interface CsvFile {
  kind: "nodes" | "relationships";
  /** Labels joined with ":" (nodes) or the relationship type. */
  name: string;
  file: string;
  fd: number;
  buffer: string[];
  size: number;
  /** Property names in the file's column order. */
  keys: string[];
  /** Their CSV types. */
  types: string[];
}

/**
 * One file per label set (or relationship type) and list of typed properties, each with its header:
 * every row has every column, so no empty field has to mean "no value".
 */
class CsvFiles {
  private readonly files = new Map<string, CsvFile>();
  /** The files of each label set or type, tried in turn (`fits`) before a signature string is built. */
  private readonly byName = { nodes: new Map<string, CsvFile[]>(), relationships: new Map<string, CsvFile[]>() };
  /** Lists shared by many entities (provenance) are formatted once. */
  private readonly formatted = new WeakMap<unknown[], string>();
  multiline = false;

  constructor(private readonly dir: string) {}

  row(kind: "nodes" | "relationships", name: string, props: Props, ids: string): void {
    const byName = this.byName[kind];
    const candidates = byName.get(name);
    let f = candidates?.find((c) => CsvFiles.fits(c, props));
    if (!f) {
      let signature = `${kind}|${name}`;
      for (const k in props) signature += `|${k}:${csvType(props[k])}`;
      f = this.files.get(signature);
      if (!f) {
        const keys = Object.keys(props);
        const types = keys.map((k) => csvType(props[k]));
        const file = path.join(this.dir, `${kind}-${this.files.size}.csv`);
        const columns = [kind === "nodes" ? ":ID" : ":START_ID,:END_ID", ...keys.map((k, i) => `${k}:${types[i]}`)];
        f = { kind, name, file, fd: fs.openSync(file, "w"), buffer: [columns.join(",")], size: 0, keys, types };
        this.files.set(signature, f);
        if (candidates) candidates.push(f);
        else byName.set(name, [f]);
      }
    }
    let line = ids;
    for (const k of f.keys) line += `,${this.field(props[k])}`;
    f.buffer.push(line);
    f.size += line.length;
    // Small flushes: rows waiting in a buffer survive young-generation collections and get promoted (measured at M: GC 2.4 s -> 1.1 s with 64 KB instead of 1 MB).
    if (f.size > 1 << 16) this.flush(f);
  }

  /** True when `props` has the file's properties, in its order, of its types (no more). */
  private static fits(f: CsvFile, props: Props): boolean {
    let i = 0;
    for (const k in props) {
      if (f.keys[i] !== k || f.types[i] !== csvType(props[k])) return false;
      i += 1;
    }
    return i === f.keys.length;
  }

  private field(value: unknown): string {
    if (typeof value === "string") return this.quote(value);
    if (value instanceof Floats) return Array.isArray(value.value) ? this.quote(value.value.map(String).join(ARRAY_DELIMITER)) : String(value.value);
    if (Array.isArray(value)) {
      let text = this.formatted.get(value);
      if (text === undefined) {
        for (const v of value) if (typeof v === "string" && v.includes(ARRAY_DELIMITER)) throw new Error(`offline import: a list value holds U+001F: ${JSON.stringify(v)}`);
        this.formatted.set(value, text = this.quote(value.map(String).join(ARRAY_DELIMITER)));
      }
      return text;
    }
    return String(value);
  }

  private quote(text: string): string {
    if (!this.multiline && (text.includes("\n") || text.includes("\r"))) this.multiline = true;
    return `"${text.includes('"') ? text.replaceAll('"', '""') : text}"`;
  }

  private flush(f: CsvFile): void {
    if (f.buffer.length) fs.writeSync(f.fd, f.buffer.join("\n") + "\n");
    f.buffer = [];
    f.size = 0;
  }

  close(): OfflineImport {
    const spec: OfflineImport = { nodes: [], relationships: [], arrayDelimiter: "U+001F", multiline: this.multiline, idType: "integer" };
    for (const f of this.files.values()) {
      this.flush(f);
      fs.closeSync(f.fd);
      if (f.kind === "nodes") spec.nodes.push({ labels: f.name ? f.name.split(":") : [], file: f.file });
      else spec.relationships.push({ type: f.name, file: f.file });
    }
    return spec;
  }
}
