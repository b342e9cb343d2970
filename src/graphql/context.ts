/** One request's context: fresh repositories and loaders, the caller, and the server's long-lived parts. */
import { QueryCounter, type Database } from "../db/database.js";
import type { Caller } from "../auth/roles.js";
import type { GraphWorkers } from "../domain/analytics/graph-workers.js";
import type { GraphWatcher } from "../db/graph-watcher.js";
import { createRepositories, type Context } from "../domain/context.js";
import type { ReferenceCache } from "../domain/references/reference.repository.js";

export type { Context } from "../domain/context.js";

/** What the server keeps between requests and hands to each one. */
export interface ServerParts {
  referenceCache: ReferenceCache;
  graphWorkers: GraphWorkers;
  graphWatcher?: GraphWatcher;
}

export function createContext(db: Database, timeoutMs: number, parts: ServerParts, caller: Caller = "anonymous"): Context {
  const queries = new QueryCounter();
  // Every statement of the request, the mutations' and imports' too, is counted and timed.
  const counted = db.forRequest(queries);
  return {
    repos: createRepositories(counted, { timeoutMs, referenceCache: parts.referenceCache, servingState: parts.graphWatcher }),
    queries, caller, db: counted, timeoutMs, ...parts, report: {},
  };
}
