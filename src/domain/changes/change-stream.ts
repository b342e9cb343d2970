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

function matching(batch: GraphChangeBatch, selection: ChangeSelection): string[] {
  return batch.ids.filter((id) =>
    (!selection.ids || selection.ids.has(id)) && (!selection.kinds || selection.kinds.has(id.split(":")[0]!)));
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
