/**
 * Where entities merged away live now. A merge (entity resolution, `mergeEntities`) deletes the
 * removed entity and leaves a MergeRecord naming it (`removed`), the entity it went into (`keep`)
 * and, when it had one, its IATI organisation ref or activity identifier (`removedIatiRef`,
 * `removedIatiIdentifier`). Imports, mutations and judgements that name a merged-away entity, by
 * id or by IATI identifier, follow these records to the entity it lives in now, instead of
 * bringing the duplicate back. One walk, batched, for every caller.
 */
import { groupBy } from "../model/collections.js";
import { keyLabelOfId } from "../model/model.js";
import type { Params, Row } from "../db/database.js";

type Run = (cypher: string, params: Params) => Promise<Row[]>;

/** Merges followed at most: a chain is as long as the merges made one after another. */
const MAX_HOPS = 50;

/**
 * For each id: itself when it exists, the entity it was merged into when it was merged away
 * (followed through later merges; the latest merge not split first), null when neither. Each id
 * is sought by its key label's constraint, each merge record by its `removed` index.
 */
export async function currentIds(run: Run, ids: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  let pending = new Map([...new Set(ids)].map((id) => [id, id]));
  for (const id of pending.keys()) {
    if (!keyLabelOfId(id)) {
      out.set(id, null);
      pending.delete(id);
    }
  }
  for (let hop = 0; hop < MAX_HOPS && pending.size; hop++) {
    const next = new Map<string, { exists: boolean; keep: string | null }>();
    for (const [label, at] of groupBy([...new Set(pending.values())], (id) => keyLabelOfId(id)!)) {
      // The label comes from the model (keyLabelOfId), never from the caller's text.
      const rows = await run(`UNWIND $ids AS id
        OPTIONAL MATCH (n:${label} {id: id})
        RETURN id, n IS NOT NULL AS exists,
          COLLECT { MATCH (m:MergeRecord {removed: id}) WHERE n IS NULL AND NOT m.undone RETURN m.keep AS keep ORDER BY m.at DESC, m.seq DESC LIMIT 1 }[0] AS keep`,
      { ids: at });
      for (const row of rows) next.set(row.id as string, { exists: Boolean(row.exists), keep: (row.keep as string | null) ?? null });
    }
    const following = new Map<string, string>();
    for (const [id, at] of pending) {
      const found = next.get(at);
      if (found?.exists) out.set(id, at);
      else if (found?.keep && keyLabelOfId(found.keep)) following.set(id, found.keep);
      else out.set(id, null);
    }
    pending = following;
  }
  for (const id of pending.keys()) out.set(id, null);
  return out;
}

/** The ids (as `currentIds` gives them) that were merged away, with the entity each lives in now. */
export async function mergedAway(run: Run, ids: readonly string[]): Promise<Map<string, string>> {
  const current = await currentIds(run, ids);
  return new Map([...current].filter((e): e is [string, string] => e[1] !== null && e[1] !== e[0]));
}

/** An IATI organisation ref (of an actor) or activity identifier (of a project). */
export type IatiKey = "iatiRef" | "iatiIdentifier";

const IATI_LOOKUPS: Record<IatiKey, { live: string; merged: string }> = {
  iatiRef: {
    live: "MATCH (n:Actor) WHERE n.iatiRef IN $keys RETURN n.iatiRef AS key, n.id AS id ORDER BY id",
    merged: "MATCH (m:MergeRecord) WHERE m.removedIatiRef IN $keys AND NOT m.undone RETURN m.removedIatiRef AS key, m.removed AS id ORDER BY m.at DESC, m.seq DESC",
  },
  iatiIdentifier: {
    live: "MATCH (n:Project) WHERE n.iatiIdentifier IN $keys RETURN n.iatiIdentifier AS key, n.id AS id ORDER BY id",
    merged: "MATCH (m:MergeRecord) WHERE m.removedIatiIdentifier IN $keys AND NOT m.undone RETURN m.removedIatiIdentifier AS key, m.removed AS id ORDER BY m.at DESC, m.seq DESC",
  },
};

/**
 * The entity each IATI ref or identifier names now: the one that carries it (the first by id), else
 * the entity that carried it merged away, followed to where it lives (`merged: true`). Keys that
 * name nothing are left out. Both lookups go through range indexes (the entities' identifier, the
 * merge records' `removedIatiRef` and `removedIatiIdentifier`).
 */
export async function entitiesByIatiKey(run: Run, key: IatiKey, keys: readonly string[]): Promise<Map<string, { id: string; merged: boolean }>> {
  const out = new Map<string, { id: string; merged: boolean }>();
  const wanted = [...new Set(keys)];
  if (!wanted.length) return out;
  for (const row of await run(IATI_LOOKUPS[key].live, { keys: wanted })) {
    if (!out.has(row.key as string)) out.set(row.key as string, { id: row.id as string, merged: false });
  }
  const missing = wanted.filter((k) => !out.has(k));
  if (!missing.length) return out;
  const removed = new Map<string, string>();
  for (const row of await run(IATI_LOOKUPS[key].merged, { keys: missing })) {
    if (!removed.has(row.key as string)) removed.set(row.key as string, row.id as string);
  }
  const current = await currentIds(run, [...removed.values()]);
  for (const [k, id] of removed) {
    const now = current.get(id);
    if (now) out.set(k, { id: now, merged: true });
  }
  return out;
}
