/** One request's context: fresh repositories and loaders, the caller, and the server's long-lived caches. */
import { QueryCounter, type Database } from "../db/database.js";
import type { Caller } from "../auth/roles.js";
import { createRepositories, type Context } from "../domain/context.js";
import { ReferenceCache } from "../domain/references/reference.repository.js";

export type { Context } from "../domain/context.js";

export function createContext(
  db: Database, timeoutMs: number, caller: Caller = "anonymous", referenceCache: ReferenceCache = new ReferenceCache(),
): Context {
  const queries = new QueryCounter();
  return { repos: createRepositories(db, { timeoutMs, counter: queries, referenceCache }), queries, caller, db, timeoutMs, referenceCache };
}
