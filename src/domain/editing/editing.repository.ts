/**
 * The Cypher of the write side. Every public method is one write transaction (executeWrite): it
 * lands whole or not at all; a failed check inside it rolls everything back.
 */
import type { ManagedTransaction } from "neo4j-driver";
import { runRows, type Database, type Params, type Row } from "../../db/database.js";
import { ErrorCode, userError } from "../shared/errors.js";
import {
  listsOf, projectsAround, refreshProjects, refreshProjectsAround, replacedEntries, setProvenance, touchedByRelationship,
  writeValidRecords, validateNode, validateRelationship,
  type NodeRecord, type Rejection, type RelationshipRecord, type SourceRecord,
} from "../../ingest/index.js";
import { RELATIONSHIP_TYPES, keyLabelOfId, type RelationshipType } from "../../model/model.js";
import type { ReferenceCache } from "../references/reference.repository.js";
import { requireKeyLabel } from "../shared/ids.js";

type Run = (cypher: string, params?: Params) => Promise<Row[]>;

const bind = (tx: ManagedTransaction): Run => (cypher, params = {}) => runRows(tx, cypher, params);

/** The projects' derived properties that depend on an entity: its own, or those of the projects around it. */
function touchedByEntity(label: string, id: string) {
  return {
    projectIds: label === "Project" ? [id] : [],
    actorIds: label === "Actor" || ["Agency", "Organization", "Person", "Group"].includes(label) ? [id] : [],
    placeIds: label === "Country" || label === "Region" ? [id] : [],
  };
}

export class EditingRepository {
  constructor(private readonly db: Database, private readonly timeoutMs: number, private readonly references: ReferenceCache) {}

  /** `changed`: the entities the write touches, for the graph's write version (caches, subscribers). */
  private async transaction<T>(changed: readonly string[], work: (run: Run) => Promise<T>): Promise<T> {
    try {
      return await this.db.writeTransaction((tx) => work(bind(tx)), { timeoutMs: this.timeoutMs * 6, changed });
    } finally {
      // Names, ids and aliases may have changed. Only now, after the commit: a read in between
      // would otherwise cache the old state again.
      this.references.invalidate();
    }
  }

  async upsertSource(source: SourceRecord): Promise<boolean> {
    return this.transaction([source.id], async (run) => {
      const [row] = await run("OPTIONAL MATCH (s:Source {id: $id}) WITH s IS NULL AS created MERGE (s:Source {id: $id}) SET s += $props RETURN created",
        { id: source.id, props: Object.fromEntries(Object.entries(source).filter(([k, v]) => k !== "id" && v !== undefined)) });
      return Boolean(row?.created);
    });
  }

  /** Writes records after checking that their sources exist; returns whether `id` was created. */
  async write(id: string, nodes: NodeRecord[], relationships: RelationshipRecord[]): Promise<boolean> {
    for (const node of nodes) {
      const reason = validateNode(node);
      if (reason) throw userError(reason, ErrorCode.BAD_USER_INPUT);
    }
    for (const rel of relationships) {
      const reason = validateRelationship(rel);
      if (reason) throw userError(reason, ErrorCode.BAD_USER_INPUT);
    }
    return this.transaction([id, ...nodes.map((n) => n.id)], async (run) => {
      const cited = [...new Set([...nodes, ...relationships].flatMap((r) => r.sources.map((s) => s.source)))];
      const [found] = await run("UNWIND $ids AS id MATCH (s:Source {id: id}) RETURN collect(s.id) AS ids", { ids: cited });
      const missing = cited.filter((s) => !(found?.ids as string[]).includes(s));
      if (missing.length) throw userError(`no source ${missing.join(", ")}: create it with upsertSource first`, ErrorCode.REFERENCE_NOT_FOUND, { reference: missing[0] });
      const existed = await this.exists(run, id);
      const rejected: Rejection[] = [];
      await writeValidRecords(run, { sources: [], nodes, relationships }, 1000, rejected);
      if (rejected.length) throw userError(rejected.map((r) => r.reason).join("; "), ErrorCode.REFERENCE_NOT_FOUND);
      return !existed;
    });
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
    return this.transaction([id], async (run) => {
      const rels = await run(`MATCH (n:${label} {id: $id})-[r]-() RETURN type(r) AS type, count(r) AS count ORDER BY type`, { id });
      const [exists] = await run(`OPTIONAL MATCH (n:${label} {id: $id}) RETURN n IS NOT NULL AS found`, { id });
      if (!exists?.found) return null;
      // Projects whose participants or places change, found while the paths to them still exist.
      const projects = await projectsAround(run, touchedByEntity(label, id));
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
   */
  async merge(keepId: string, removeId: string): Promise<{ relationships: { type: string; count: number }[] }> {
    const label = requireKeyLabel(keepId);
    if (requireKeyLabel(removeId) !== label) throw userError(`cannot merge ${removeId} into ${keepId}: they are not of the same kind`);
    if (keepId === removeId) throw userError("cannot merge an entity into itself");
    return this.transaction([keepId, removeId], async (run) => {
      const [both] = await run(`OPTIONAL MATCH (k:${label} {id: $keep}) OPTIONAL MATCH (r:${label} {id: $remove}) RETURN k IS NOT NULL AS keep, r IS NOT NULL AS remove`,
        { keep: keepId, remove: removeId });
      if (!both?.keep || !both?.remove) throw userError(`no entity ${!both?.keep ? keepId : removeId}`, ErrorCode.NOT_FOUND);
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
      await run(`
        MATCH (k:${label} {id: $keep}), (r:${label} {id: $remove})
        WITH k, r, [n IN [r.name] + coalesce(r.aliases, []) WHERE n IS NOT NULL AND n <> k.name AND NOT n IN coalesce(k.aliases, [])] AS names
        SET k.aliases = coalesce(k.aliases, []) + names,
            k.acronyms = coalesce(k.acronyms, []) + [a IN coalesce(r.acronyms, []) WHERE NOT a IN coalesce(k.acronyms, [])],
            k.names = k.names + ' | ' + coalesce(r.names, ''),
            k.sourceIds = coalesce(k.sourceIds, []) + coalesce(r.sourceIds, []),
            k.quotes = coalesce(k.quotes, []) + coalesce(r.quotes, [])
        DETACH DELETE r`, { keep: keepId, remove: removeId });
      await refreshProjectsAround(run, touchedByEntity(label, keepId));
      return { relationships: moved };
    });
  }
}
