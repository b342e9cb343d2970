/**
 * The Cypher of the write side. Every public method is one write transaction (executeWrite): it
 * lands whole or not at all; a failed check inside it rolls everything back.
 */
import type { ManagedTransaction } from "neo4j-driver";
import { runRows, type Database, type Params, type Row } from "../../db/database.js";
import { AGGREGATE_PROPERTIES, AGGREGATE_RELATIONSHIP_TYPES, refreshAggregates, retractAggregates } from "../../db/aggregates.js";
import { ErrorCode, userError } from "../shared/errors.js";
import {
  FieldConflict, STORED_FIELDS, completeUpdate, entitiesByIatiKey, type IatiKey, type StoredFields,
  listsOf, projectsAround, refreshProjects, refreshProjectsAround, replacedEntries, setProvenance, touchedByRelationship,
  writeValidRecords, validateNode, validateRelationship, STUB_LABEL_FOLLOWS,
  type NodeRecord, type Rejection, type RelationshipRecord, type SourceRecord,
} from "../../ingest/index.js";
import { NAMED_TYPES, NODE_TYPES, RELATIONSHIP_TYPES, keyLabelOfId, mergeableTypes, type NodeType, type RelationshipType } from "../../model/model.js";
import type { ChangedIds } from "../../db/database.js";
import type { ReferenceCache } from "../references/reference.repository.js";
import { requireKeyLabel } from "../shared/ids.js";
import { normalizeName } from "../../model/names.js";
import { fieldError } from "./validation.js";

type Run = (cypher: string, params?: Params) => Promise<Row[]>;

/** An entity's stored properties, and for a funding flow its funder, project and recipients. */
export interface StoredEntity {
  props: Record<string, unknown>;
  ends: { funder: string | null; project: string | null; recipients: string[] };
}

const bind = (tx: ManagedTransaction): Run => (cypher, params = {}) => runRows(tx, cypher, params);

/**
 * Which entity a write goes to, chosen inside the write's transaction:
 * - `id`: that one;
 * - `iati`: the entity that has this IATI ref or identifier, or the one an entity that had it was
 *   merged into (its id must start with `prefix`); `otherwise` when none has it;
 * - `derived`: the id derived from a name or a key, or `legacy`, the form it had before ids took
 *   digests (cut at 80 characters), when an entity stored under `legacy` is the one being written (`same`).
 */
export type WriteTarget =
  | { id: string }
  | { iati: { key: IatiKey; value: string; prefix: string }; otherwise: WriteTarget }
  | { derived: string; legacy: string; same: (stored: StoredEntity) => boolean };

/**
 * What is stored under an id, to tell whether a write derived the same id for the same entity:
 * its properties, and for a funding flow its funder, project and recipients. Null when absent.
 */
async function storedUnder(run: Run, label: string, id: string): Promise<StoredEntity | null> {
  const [row] = await run(`OPTIONAL MATCH (n:${label} {id: $id})
    RETURN properties(n) AS props, [(g:Actor)-[:FUNDED]->(n) | g.id][0] AS funder, [(n)-[:FUNDS]->(p:Project) | p.id][0] AS project,
      [(n)-[:RECEIVED_BY]->(r:Actor) | r.id] AS recipients`, { id });
  if (!row?.props) return null;
  return { props: row.props as Record<string, unknown>, ends: { funder: (row.funder as string | null) ?? null, project: (row.project as string | null) ?? null, recipients: (row.recipients as string[]) ?? [] } };
}

/** The projects' derived properties that depend on an entity: its own, or those of the projects around it. */
function touchedByEntity(label: string, id: string) {
  return {
    projectIds: label === "Project" ? [id] : [],
    actorIds: label === "Actor" || ["Agency", "Organization", "Person", "Group"].includes(label) ? [id] : [],
    placeIds: label === "Country" || label === "Region" ? [id] : [],
    themeIds: label === "Theme" ? [id] : [],
  };
}

/** The funding flows whose aggregates depend on these entities as funders or as flows. */
function fundedBy(label: string, ids: string[]) {
  return { funderIds: label === "Actor" ? ids : [], fundingIds: label === "Funding" ? ids : [] };
}

/** The entities at the other end of an entity's relationships (the aggregates' own left out): a write that removes or moves them touches them too. */
async function neighbours(run: Run, label: string, ids: string[]): Promise<string[]> {
  const [row] = await run(`UNWIND $ids AS id MATCH (n:${label} {id: id})-[r]-(o) WHERE NOT type(r) IN $aggregates RETURN collect(DISTINCT o.id) AS ids`,
    { ids, aggregates: AGGREGATE_RELATIONSHIP_TYPES });
  return ((row?.ids as (string | null)[] | undefined) ?? []).filter((x): x is string => typeof x === "string");
}

export class EditingRepository {
  constructor(private readonly db: Database, private readonly timeoutMs: number, private readonly references: ReferenceCache) {}

  /** `changed`: the entities the write touches, for the graph's write version (caches, subscribers). */
  private async transaction<T>(changed: ChangedIds<T>, work: (run: Run) => Promise<T>): Promise<T> {
    try {
      return await this.db.writeTransaction((tx) => work(bind(tx)), { timeoutMs: this.timeoutMs * 6, changed });
    } finally {
      // Names, ids and aliases may have changed. Only now, after the commit: a read in between
      // would otherwise cache the old state again.
      this.references.invalidate();
    }
  }

  async upsertSource(target: WriteTarget, build: (id: string) => SourceRecord): Promise<{ id: string; created: boolean }> {
    return this.transaction((r) => [r.id], async (run) => {
      const { id } = await this.chosen(run, target);
      const source = build(id);
      const [row] = await run("OPTIONAL MATCH (s:Source {id: $id}) WITH s IS NULL AS created MERGE (s:Source {id: $id}) SET s += $props RETURN created",
        { id, props: Object.fromEntries(Object.entries(source).filter(([k, v]) => k !== "id" && v !== undefined)) });
      return { id, created: Boolean(row?.created) };
    });
  }

  /** Writes records with a fixed id after checking that their sources exist; returns whether `id` was created. */
  async write(id: string, nodes: NodeRecord[], relationships: RelationshipRecord[]): Promise<boolean> {
    return (await this.writeTo({ id }, () => ({ nodes, relationships }))).created;
  }

  /**
   * Writes the records `build` gives for the id `target` chooses, in one transaction: the id is
   * chosen by reading the graph inside it (so the entity it reads is the one it writes), then the
   * records are checked (their sources must exist) and written. Returns the id and whether it was
   * created. When the id was found through the IATI identifier of an entity merged into it, the
   * records name that entity: the id keeps its own name and identifier, and the name given
   * becomes one of its aliases (other fields update it as usual).
   */
  async writeTo(target: WriteTarget, build: (id: string) => { nodes: NodeRecord[]; relationships: RelationshipRecord[] }): Promise<{ id: string; created: boolean }> {
    return this.transaction((r: { id: string; changed: string[] }) => r.changed, async (run) => {
      const { id, intoSurvivor } = await this.chosen(run, target);
      const { nodes, relationships } = build(id);
      for (const node of nodes) {
        const reason = validateNode(node);
        if (reason) throw userError(reason, ErrorCode.BAD_USER_INPUT);
      }
      for (const rel of relationships) {
        const reason = validateRelationship(rel);
        if (reason) throw userError(reason, ErrorCode.BAD_USER_INPUT);
      }
      const cited = [...new Set([...nodes, ...relationships].flatMap((r) => r.sources.map((s) => s.source)))];
      const [found] = await run("UNWIND $ids AS id MATCH (s:Source {id: id}) RETURN collect(s.id) AS ids", { ids: cited });
      const missing = cited.filter((s) => !(found?.ids as string[]).includes(s));
      if (missing.length) throw userError(`no source ${missing.join(", ")}: create it with upsertSource first`, ErrorCode.REFERENCE_NOT_FOUND, { reference: missing[0] });
      const existed = await this.exists(run, id);
      const rejected: Rejection[] = [];
      const given = intoSurvivor ? await Promise.all(nodes.map((node) => (node.id === id ? this.intoSurvivor(run, node) : node))) : nodes;
      const complete = await Promise.all(given.map((node) => this.completed(run, node)));
      await writeValidRecords(run, { sources: [], nodes: complete, relationships }, 1000, rejected);
      if (rejected.length) throw userError(rejected.map((r) => r.reason).join("; "), ErrorCode.REFERENCE_NOT_FOUND);
      return { id, created: !existed, changed: [id, ...nodes.map((n) => n.id), ...relationships.flatMap((r) => [r.from, r.to])] };
    });
  }

  /** The id a write goes to (see WriteTarget), read in the write's own transaction. */
  private async chosen(run: Run, target: WriteTarget): Promise<{ id: string; intoSurvivor: boolean }> {
    if ("id" in target) return { id: target.id, intoSurvivor: false };
    if ("iati" in target) {
      const found = (await entitiesByIatiKey(run, target.iati.key, [target.iati.value])).get(target.iati.value);
      if (!found) return this.chosen(run, target.otherwise);
      if (!found.id.startsWith(`${target.iati.prefix}:`)) throw fieldError("id", `"${found.id}" must look like ${target.iati.prefix}:<slug>`);
      return { id: found.id, intoSurvivor: found.merged };
    }
    // The entity under the old id is locked before it is read: a rename or a delete committing in
    // between would otherwise be overwritten by a write that read it as it was.
    const label = requireKeyLabel(target.legacy);
    await run(`MATCH (n:${label} {id: $id}) SET n.idLock = true REMOVE n.idLock`, { id: target.legacy });
    const stored = await storedUnder(run, label, target.legacy);
    return { id: stored && target.same(stored) ? target.legacy : target.derived, intoSurvivor: false };
  }

  /** An update of a stored node, with the fields it leaves out read from the node (see partial-update.ts). */
  private async completed(run: Run, node: NodeRecord): Promise<NodeRecord> {
    const label = keyLabelOfId(node.id);
    if (!label || !NAMED_TYPES.has(node.type as NodeType)) return node;
    const [row] = await run(`MATCH (n:${label} {id: $id}) RETURN ${STORED_FIELDS} AS stored`, { id: node.id });
    // A new node is checked too: a project created ending before it starts was stored as given.
    try {
      return completeUpdate(node, (row?.stored ?? {}) as StoredFields);
    } catch (err) {
      if (err instanceof FieldConflict) throw fieldError(err.field, err.reason);
      throw err;
    }
  }

  /** A record naming an entity merged into the stored one: the stored name and IATI identifiers stay, the name given becomes an alias. */
  private async intoSurvivor(run: Run, node: NodeRecord): Promise<NodeRecord> {
    const [row] = await run(`MATCH (n:${requireKeyLabel(node.id)} {id: $id}) RETURN n.name AS name, n.aliases AS aliases`, { id: node.id });
    if (typeof row?.name !== "string") return node;
    const rest = Object.fromEntries(Object.entries(node).filter(([key]) => key !== "iatiRef" && key !== "iatiIdentifier")) as NodeRecord;
    const aliases = (node.aliases as string[] | undefined) ?? (row.aliases as string[] | null) ?? [];
    const named = [row.name, ...aliases].map(normalizeName);
    const alias = typeof node.name === "string" && !named.includes(normalizeName(node.name)) ? [node.name] : [];
    return { ...rest, name: row.name, aliases: [...aliases, ...alias] };
  }

  private async exists(run: Run, id: string): Promise<boolean> {
    const label = keyLabelOfId(id);
    if (!label) return false;
    const [row] = await run(`OPTIONAL MATCH (n:${label} {id: $id}) RETURN n IS NOT NULL AS exists`, { id });
    return Boolean(row?.exists);
  }

  async relationshipExists(type: RelationshipType, from: string, to: string, keys: Record<string, unknown>): Promise<boolean> {
    const keyMap = Object.keys(keys).map((k) => `${k}: $keys.${k}`).join(", ");
    const rows = await this.db.read(
      `MATCH (:${requireKeyLabel(from)} {id: $from})-[r:${type}${keyMap ? ` {${keyMap}}` : ""}]->(:${requireKeyLabel(to)} {id: $to}) RETURN count(r) AS n`,
      { from, to, keys });
    return Number(rows[0]?.n) > 0;
  }

  async removeRelationship(type: RelationshipType, from: string, to: string, keys: Record<string, unknown>): Promise<number> {
    return this.transaction([from, to], async (run) => {
      const keyMap = Object.keys(keys).map((k) => `${k}: $keys.${k}`).join(", ");
      const [row] = await run(
        `MATCH (a:${requireKeyLabel(from)} {id: $from})-[r:${type}${keyMap ? ` {${keyMap}}` : ""}]->(b:${requireKeyLabel(to)} {id: $to})
         DELETE r RETURN count(*) AS n`, { from, to, keys });
      await refreshProjectsAround(run, touchedByRelationship(type, from, to));
      return Number(row?.n ?? 0);
    });
  }

  /**
   * Deletes an entity and its relationships, and the funding flows that would be left dangling:
   * those into a deleted project and those from a deleted funder. A deleted recipient's flows stay
   * (they still have a funder and a project). Says what it removed.
   */
  async deleteEntity(id: string): Promise<{ relationships: { type: string; count: number }[]; fundingFlows: number } | null> {
    const label = requireKeyLabel(id);
    // Facts name their sources by id (sourceIds): a source deleted would leave citations to nothing.
    if (label === "Source") throw userError(`${id} is a source, not an entity: the facts that cite it would cite nothing`);
    let touched: string[] = [];
    return this.transaction(() => [id, ...touched], async (run) => {
      const rels = await run(`MATCH (n:${label} {id: $id})-[r]-() WHERE NOT type(r) IN $aggregates RETURN type(r) AS type, count(r) AS count ORDER BY type`,
        { id, aggregates: AGGREGATE_RELATIONSHIP_TYPES });
      touched = await neighbours(run, label, [id]);
      const [exists] = await run(`OPTIONAL MATCH (n:${label} {id: $id}) RETURN n IS NOT NULL AS found`, { id });
      if (!exists?.found) return null;
      // Projects whose participants or places change, found while the paths to them still exist.
      const projects = await projectsAround(run, touchedByEntity(label, id));
      const [doomed] = await run(`
        MATCH (n:${label} {id: $id})
        CALL (n) { MATCH (n)<-[:FUNDS]-(f:Funding) RETURN f UNION MATCH (n)-[:FUNDED]->(f:Funding) RETURN f }
        RETURN collect(f.id) AS ids`, { id });
      const flows = (doomed?.ids as string[] | undefined) ?? [];
      touched.push(...flows, ...await neighbours(run, "Funding", flows));
      // Out of the aggregates before they go: what a deleted node contributed is stored on it.
      await retractAggregates(run, { fundingIds: [...flows, ...(label === "Funding" ? [id] : [])], projectIds: label === "Project" ? [id] : [] });
      const [funding] = await run(`
        MATCH (n:${label} {id: $id})
        CALL (n) { MATCH (n)<-[:FUNDS]-(f:Funding) RETURN f UNION MATCH (n)-[:FUNDED]->(f:Funding) RETURN f }
        WITH collect(f) AS flows
        FOREACH (f IN flows | DETACH DELETE f)
        RETURN size(flows) AS n`, { id });
      await run(`MATCH (n:${label} {id: $id}) DETACH DELETE n`, { id });
      await refreshProjects(run, projects.filter((p) => p !== id));
      return { relationships: rels.map((r) => ({ type: String(r.type), count: Number(r.count) })), fundingFlows: Number(funding?.n ?? 0) };
    });
  }

  /**
   * Moves every relationship of `removeId` to `keepId` (merging with equal ones, provenance kept),
   * adds the removed entity's names as aliases, and deletes it. Both must be of the same kind.
   * Before anything moves, a MergeRecord keeps the removed entity, each of its relationships and the
   * state of the ones they merge into, so that `split` can undo the merge. `record` adds who and why.
   */
  async merge(keepId: string, removeId: string, record: MergeAuthor = { by: "admin" }):
    Promise<{ relationships: { type: string; count: number }[]; mergeId: string }> {
    const label = requireKeyLabel(keepId);
    if (label === "Source") throw userError(`${keepId} is a source, not an entity: sources are not merged (facts cite each by id)`);
    if (requireKeyLabel(removeId) !== label || !mergeableTypes(keepId, removeId)) {
      throw userError(`cannot merge ${removeId} into ${keepId}: they are not of the same kind`);
    }
    if (keepId === removeId) throw userError("cannot merge an entity into itself");
    let touched: string[] = [];
    return this.transaction(() => [keepId, removeId, ...touched], async (run) => {
      const [both] = await run(`OPTIONAL MATCH (k:${label} {id: $keep}) OPTIONAL MATCH (r:${label} {id: $remove}) RETURN k IS NOT NULL AS keep, r IS NOT NULL AS remove`,
        { keep: keepId, remove: removeId });
      if (!both?.keep || !both?.remove) throw userError(`no entity ${!both?.keep ? keepId : removeId}`, ErrorCode.NOT_FOUND);
      touched = await neighbours(run, label, [removeId]);
      const mergeId = await recordMerge(run, label, keepId, removeId, record);
      const moved: { type: string; count: number }[] = [];
      for (const [type, spec] of Object.entries(RELATIONSHIP_TYPES)) {
        const keyMap = spec.keys.map((k) => `${k}: x.${k}`).join(", ");
        const mergeInto = (pattern: string, outgoing: boolean) => `
          MATCH (k:${label} {id: $keep}), ${pattern}
          WHERE o <> k
          ${outgoing ? `MERGE (k)-[y:${type}${keyMap ? ` {${keyMap}}` : ""}]->(o)` : `MERGE (o)-[y:${type}${keyMap ? ` {${keyMap}}` : ""}]->(k)`}
          WITH x, y, coalesce(y.sourceIds, []) AS ys, coalesce(y.quotes, []) AS yq, properties(x) AS px
          SET y += px
          SET ${setProvenance("y", replacedEntries(listsOf("px"), { sourceIds: "ys", quotes: "yq" }))}
          DELETE x
          RETURN count(*) AS n`;
        let count = 0;
        for (const outgoing of [true, false]) {
          const pattern = outgoing ? `(r:${label} {id: $remove})-[x:${type}]->(o)` : `(r:${label} {id: $remove})<-[x:${type}]-(o)`;
          const [row] = await run(mergeInto(pattern, outgoing), { keep: keepId, remove: removeId });
          count += Number(row?.n ?? 0);
        }
        if (count) moved.push({ type, count });
      }
      // A merged-away flow's relationships have moved to the kept one: its own count goes.
      if (label === "Funding" || label === "Project") await retractAggregates(run, label === "Funding" ? { fundingIds: [removeId] } : { projectIds: [removeId] });
      await run(`
        MATCH (k:${label} {id: $keep}), (r:${label} {id: $remove})
        // Every name the removed entity had (its official and Spanish names too) stays a name of the kept one.
        WITH k, r, [n IN [r.name, r.officialName, r.nameEs] + coalesce(r.aliases, []) WHERE n IS NOT NULL AND n <> k.name AND NOT n IN coalesce(k.aliases, [])] AS given
        WITH k, r, reduce(names = [], n IN given | CASE WHEN n IN names THEN names ELSE names + n END) AS names
        SET k.aliases = coalesce(k.aliases, []) + names,
            k.acronyms = coalesce(k.acronyms, []) + [a IN coalesce(r.acronyms, []) WHERE NOT a IN coalesce(k.acronyms, [])],
            k.names = k.names + ' | ' + coalesce(r.names, ''),
            k.sourceIds = coalesce(k.sourceIds, []) + coalesce(r.sourceIds, []),
            k.quotes = coalesce(k.quotes, []) + coalesce(r.quotes, [])${label === "Project" ? `,
            // A full project merged into a related-activity stub makes it a full project.
            k.stub = CASE WHEN k.stub = true AND coalesce(r.stub, false) = false THEN false ELSE k.stub END
        ${STUB_LABEL_FOLLOWS("k")}` : ""}
        DETACH DELETE r`, { keep: keepId, remove: removeId });
      await refreshProjectsAround(run, touchedByEntity(label, keepId));
      await refreshAggregates(run, fundedBy(label, [keepId]));
      return { relationships: moved, mergeId };
    });
  }

  /**
   * Undoes a merge from its record: the relationships the removed entity brought are taken off the
   * kept one (or set back to what they were, where they merged into existing ones), the removed
   * entity comes back with its properties and its relationships as they were, and the kept entity's
   * names and provenance are set back. Merges into one entity are undone latest first.
   */
  async split(mergeId: string, by: string): Promise<{ keep: string; restored: string; relationships: number }> {
    let touched: string[] = [];
    return this.transaction((r: { keep: string; restored: string }) => [r.keep, r.restored, ...touched], async (run) => {
      const [rec] = await run("MATCH (m:MergeRecord {id: $id}) RETURN properties(m) AS m", { id: mergeId });
      if (!rec) throw userError(`no merge ${mergeId}`, ErrorCode.NOT_FOUND, { id: mergeId });
      const m = rec.m as { keep: string; removed: string; seq: number; undone: boolean; removedLabels: string[];
        removedProps: string; removedRels: string; collided: string; keepProps: string };
      if (m.undone) throw userError(`merge ${mergeId} was already split`, ErrorCode.BAD_USER_INPUT, { id: mergeId });
      const [later] = await run(`MATCH (l:MergeRecord {keep: $keep}) WHERE NOT l.undone AND l.seq > $seq RETURN l.removed AS removed ORDER BY l.seq DESC LIMIT 1`,
        { keep: m.keep, seq: m.seq });
      if (later) throw userError(`split ${later.removed} out of ${m.keep} first: merges into one entity are undone latest first`, ErrorCode.BAD_USER_INPUT, { split: later.removed });
      const label = requireKeyLabel(m.keep);
      const [exists] = await run(`OPTIONAL MATCH (r:${label} {id: $id}) RETURN r IS NOT NULL AS found`, { id: m.removed });
      if (exists?.found) throw userError(`${m.removed} exists again: it cannot be restored over`, ErrorCode.BAD_USER_INPUT);
      const rels = JSON.parse(m.removedRels) as SnapshotRel[];
      touched = rels.map((x) => x.other);
      const collided = JSON.parse(m.collided) as SnapshotRel[];
      const keyOf = (x: SnapshotRel) => JSON.stringify([x.type, x.out, x.other, RELATIONSHIP_TYPES[x.type].keys.map((k) => x.props[k] ?? null)]);
      const before = new Map(collided.map((c) => [keyOf(c), c]));
      for (const x of rels.filter((r) => r.other !== m.keep && r.other !== m.removed)) {
        const spec = RELATIONSHIP_TYPES[checkedType(x.type)];
        const keyMap = spec.keys.map((k) => `${k}: $keys.${k}`).join(", ");
        const pattern = x.out ? `(k)-[y:${x.type}${keyMap ? ` {${keyMap}}` : ""}]->(o)` : `(k)<-[y:${x.type}${keyMap ? ` {${keyMap}}` : ""}]-(o)`;
        const prior = before.get(keyOf(x));
        const keys = Object.fromEntries(spec.keys.map((k) => [k, x.props[k] ?? null]));
        await run(`MATCH (k:${label} {id: $keep}), (o:${checkedLabel(x.otherLabel)} {id: $other}) MATCH ${pattern}
          ${prior ? "SET y = $props" : "DELETE y"}`, { keep: m.keep, other: x.other, keys, props: prior?.props ?? {} });
      }
      const labels = (m.removedLabels as string[]).map(checkedLabel);
      // Restored without what it contributed to the aggregates when it was merged: it is counted anew below.
      // One merged before entities carried their kind (searchKind) gets it from its labels.
      await run(`CREATE (r:${labels.join(":")}) SET r = $props SET r.searchKind = coalesce(r.searchKind, [l IN labels(r) WHERE l <> 'Actor'][0])
        ${AGGREGATE_PROPERTIES.map((p) => `REMOVE r.${p}`).join(" ")}${label === "Project" ? STUB_LABEL_FOLLOWS("r") : ""}`, { props: JSON.parse(m.removedProps) });
      for (const x of rels) {
        const other = x.other === m.removed ? "r" : "o";
        await run(`MATCH (r:${label} {id: $removed}) ${other === "o" ? `MATCH (o:${checkedLabel(x.otherLabel)} {id: $other})` : ""}
          CREATE (r)${x.out ? "-" : "<-"}[x:${checkedType(x.type)}]${x.out ? "->" : "-"}(${other}) SET x = $props`,
          { removed: m.removed, other: x.other, props: x.props });
      }
      await run(`MATCH (k:${label} {id: $keep}) SET k += $props${label === "Project" ? STUB_LABEL_FOLLOWS("k") : ""}`, { keep: m.keep, props: JSON.parse(m.keepProps) });
      const projects = [...new Set(rels.filter((x) => x.type === "PARTICIPATES_IN").map((x) => x.other))];
      await refreshProjects(run, projects);
      await refreshProjectsAround(run, touchedByEntity(label, m.keep));
      await refreshProjectsAround(run, touchedByEntity(label, m.removed));
      await refreshAggregates(run, fundedBy(label, [m.keep, m.removed]));
      await run(`MATCH (m:MergeRecord {id: $id}) SET m.undone = true, m.splitAt = toString(datetime()), m.splitBy = $by
        WITH m MATCH (j:Judgement {id: m.judgement}) SET j.revoked = true, j.revokedAt = toString(datetime()), j.revokedBy = $by`, { id: mergeId, by });
      return { keep: m.keep as string, restored: m.removed as string, relationships: rels.length };
    });
  }
}

export interface MergeAuthor {
  by: string;
  /** The judgement that asked for the merge: stored in the merge's own transaction. */
  judgement?: Record<string, unknown> & { id: string };
}

interface SnapshotRel {
  type: RelationshipType;
  out: boolean;
  other: string;
  otherLabel: string;
  props: Record<string, unknown>;
}

const KEY_LABELS = new Set<string>(Object.values(NODE_TYPES).map((t) => t.key));
const ALL_LABELS = new Set<string>(Object.values(NODE_TYPES).flatMap((t) => [...t.labels]));

function checkedLabel(label: string): string {
  if (!ALL_LABELS.has(label)) throw new Error(`merge record names an unknown label ${label}`);
  return label;
}

function checkedType(type: string): RelationshipType {
  if (!Object.hasOwn(RELATIONSHIP_TYPES, type)) throw new Error(`merge record names an unknown relationship ${type}`);
  return type as RelationshipType;
}

/** Fields of the kept entity that a merge changes, and so that a split sets back. */
const MERGED_FIELDS = ["aliases", "acronyms", "names", "sourceIds", "quotes"];

/** Writes the MergeRecord: the removed entity and its relationships, and what they will merge into. */
async function recordMerge(run: Run, label: string, keepId: string, removeId: string, author: MergeAuthor): Promise<string> {
  const [snap] = await run(`
    MATCH (r:${label} {id: $remove}), (k:${label} {id: $keep})
    RETURN labels(r) AS labels, properties(r) AS props, properties(k) AS keepProps,
      [(r)-[x]->(o) | {type: type(x), out: true, other: o.id, otherLabel: [l IN labels(o) WHERE l IN $keyLabels][0], props: properties(x)}] +
      [(r)<-[x]-(o) WHERE o <> r | {type: type(x), out: false, other: o.id, otherLabel: [l IN labels(o) WHERE l IN $keyLabels][0], props: properties(x)}] AS rels`,
  { keep: keepId, remove: removeId, keyLabels: [...KEY_LABELS] });
  const rels = (snap!.rels as SnapshotRel[]).filter((x) => Object.hasOwn(RELATIONSHIP_TYPES, x.type));
  const collided = await run(`
    MATCH (k:${label} {id: $keep})
    UNWIND $rels AS x
    CALL (k, x) {
      MATCH (k)-[y]->(o) WHERE x.out AND type(y) = x.type AND o.id = x.other AND all(key IN x.keys WHERE y[key] = x.props[key])
      RETURN y, o
      UNION
      MATCH (k)<-[y]-(o) WHERE NOT x.out AND type(y) = x.type AND o.id = x.other AND all(key IN x.keys WHERE y[key] = x.props[key])
      RETURN y, o
    }
    RETURN DISTINCT x.type AS type, x.out AS out, x.other AS other, x.otherLabel AS otherLabel, properties(y) AS props`,
  { keep: keepId, rels: rels.filter((x) => x.other !== keepId).map((x) => ({ ...x, keys: [...RELATIONSHIP_TYPES[x.type].keys] })) });
  const keepProps = snap!.keepProps as Record<string, unknown>;
  const [seq] = await run("MATCH (m:MergeRecord {keep: $keep}) RETURN coalesce(max(m.seq), 0) + 1 AS seq", { keep: keepId });
  const id = `merge:${removeId}>${keepId}@${Date.now()}`;
  if (author.judgement) await run("CREATE (j:Judgement) SET j = $j", { j: author.judgement });
  // The removed entity's IATI identifier stays a name of the kept one: imports and upserts naming it follow the record (ingest/merges.ts).
  const removedProps = snap!.props as Record<string, unknown>;
  await run(`CREATE (m:MergeRecord {id: $id, keep: $keep, removed: $remove, seq: $seq, at: toString(datetime()), by: $by, judgement: $judgement,
      undone: false, removedLabels: $labels, removedProps: $props, removedRels: $rels, collided: $collided, keepProps: $keepProps,
      removedIatiRef: $iatiRef, removedIatiIdentifier: $iatiIdentifier})`, {
    id, keep: keepId, remove: removeId, seq: seq!.seq, by: author.by, judgement: author.judgement?.id ?? null, labels: snap!.labels,
    iatiRef: typeof removedProps.iatiRef === "string" ? removedProps.iatiRef : null,
    iatiIdentifier: typeof removedProps.iatiIdentifier === "string" ? removedProps.iatiIdentifier : null,
    props: JSON.stringify(snap!.props), rels: JSON.stringify(rels), collided: JSON.stringify(collided),
    keepProps: JSON.stringify(Object.fromEntries(MERGED_FIELDS.map((f) => [f, keepProps[f] ?? null]))),
  });
  return id;
}
