/**
 * One subscriber's stream of graph changes: the watcher's batches (graph-watcher.ts) filtered to
 * what the subscriber asked for and coalesced so that it gets at most one event per interval,
 * however many writes land. Ends when the subscriber goes away (the iterator's return()).
 */
import type { GraphChangeBatch, GraphWatcher } from "../../db/graph-watcher.js";
import type { GraphChange } from "./change.types.js";

export interface ChangeSelection {
  ids?: ReadonlySet<string>;
  kinds?: ReadonlySet<string>;
}

/**
 * The ids a subscriber hears of, write by write: with entities, only writes that touch one of them
 * count; of those, the ids of the chosen kinds (with kinds), else the chosen entities themselves.
 * So { entities: [UNODC], kinds: [project] } hears of the projects written together with UNODC
 * (a participation added or removed), not of every project written in the same second.
 */
export function matching(batch: Pick<GraphChangeBatch, "writes">, selection: ChangeSelection): string[] {
  const { ids: entities, kinds } = selection;
  const heard = new Set<string>();
  for (const write of batch.writes) {
    if (entities && !write.some((id) => entities.has(id))) continue;
    for (const id of write) if (kinds ? kinds.has(id.split(":")[0]!) : !entities || entities.has(id)) heard.add(id);
  }
  return [...heard];
}

export function changeStream(watcher: GraphWatcher, selection: ChangeSelection, intervalMs = 1000): AsyncIterableIterator<GraphChange> {
  let pending: GraphChange | null = null;
  let lastSent = 0;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | null = null;
  let done = false;

  const unsubscribe = watcher.onChange((batch) => {
    const ids = matching(batch, selection);
    if (!ids.length && !batch.all) return;
    pending = {
      version: batch.version,
      ids: [...new Set([...(pending?.ids ?? []), ...ids])],
      all: (pending?.all ?? false) || batch.all,
    };
    const wait = Math.max(0, lastSent + intervalMs - Date.now());
    clearTimeout(timer);
    timer = setTimeout(() => wake?.(), wait);
  });

  const finish = async (): Promise<IteratorResult<GraphChange>> => {
    done = true;
    clearTimeout(timer);
    unsubscribe();
    wake?.();
    return { value: undefined, done: true };
  };

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<GraphChange>> {
      while (!done) {
        if (pending && Date.now() >= lastSent + intervalMs) {
          const value = pending;
          pending = null;
          lastSent = Date.now();
          return { value, done: false };
        }
        if (pending) {
          // Timers may fire a little early: wait out what is left of the interval.
          clearTimeout(timer);
          timer = setTimeout(() => wake?.(), Math.max(1, lastSent + intervalMs - Date.now()));
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
      return { value: undefined, done: true };
    },
    return: finish,
    throw: async (err?: unknown) => {
      await finish();
      throw err;
    },
  };
}
