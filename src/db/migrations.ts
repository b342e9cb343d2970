/**
 * Applies the Cypher files in schema/migrations in name order. Every statement is idempotent
 * (IF NOT EXISTS), so running them at each startup is safe and cheap. Then builds the aggregates
 * (aggregates.ts) if the database has none of the current version.
 */
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../config/config.js";
import { ensureAggregates } from "./aggregates.js";
import type { Database } from "./database.js";

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "schema", "migrations");

export function readMigrationStatements(dir = MIGRATIONS_DIR): { file: string; statement: string }[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".cypher")).sort();
  return files.flatMap((file) => {
    const text = fs.readFileSync(path.join(dir, file), "utf8")
      .split("\n")
      .filter((line) => !line.trim().startsWith("//"))
      .join("\n");
    return text.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter(Boolean).map((statement) => ({ file, statement }));
  });
}

/** The names of the constraints and indexes the migrations create (every one is named), or of those whose statement `over` matches. */
export function migrationSchemaNames(dir = MIGRATIONS_DIR, over?: RegExp): string[] {
  return readMigrationStatements(dir).filter(({ statement }) => !over || over.test(statement)).flatMap(({ statement }) => {
    const named = /^CREATE\s+(?:CONSTRAINT|(?:[A-Z]+\s+)?INDEX)\s+([A-Za-z_][A-Za-z0-9_]*)\b/i.exec(statement);
    return named && named[1]!.toUpperCase() !== "IF" ? [named[1]!] : [];
  });
}

/** The names of the indexes that are online (a constraint's own index bears the constraint's name). */
export const ONLINE_SCHEMA = "SHOW INDEXES YIELD name, state WHERE state = 'ONLINE' RETURN collect(name) AS names";

/** Constraint and index creation: what can share one schema transaction (no data change, no CALL IN TRANSACTIONS). */
const SCHEMA_STATEMENT = /^CREATE\s+(?:CONSTRAINT|(?:RANGE\s+|TEXT\s+|POINT\s+|FULLTEXT\s+|LOOKUP\s+|VECTOR\s+)?INDEX)\b/i;

/**
 * Creates every constraint and index of the migrations, for a freshly imported store (the offline
 * import): the indexes first, in one transaction, whose commit returns at once and leaves them
 * populating in the background (measured at L: 14 s, the full-text index the longest), then the
 * constraints in another, whose commit waits for each constraint's index in turn (7 s at L): the
 * two overlap instead of running one after the other. Idempotent (IF NOT EXISTS); `migrate` runs
 * the rest and waits until every index is online.
 */
export async function createSchemaTogether(db: Database, opts: { whilePopulating?: () => Promise<void> } = {}): Promise<number> {
  const statements = readMigrationStatements().filter(({ statement }) => SCHEMA_STATEMENT.test(statement));
  const constraint = (s: string) => /^CREATE\s+CONSTRAINT\b/i.test(s);
  const inOneTransaction = (group: typeof statements) => db.writeTransaction(async (tx) => {
    for (const { statement } of group) await tx.run(statement);
  });
  await inOneTransaction(statements.filter((s) => !constraint(s.statement)));
  // Work that may run while the indexes populate (the offline import gives back its empty lists).
  await opts.whilePopulating?.();
  await inOneTransaction(statements.filter((s) => constraint(s.statement)));
  return statements.length;
}

export async function migrate(db: Database, log: (line: string) => void = () => {}, opts: { aggregates?: boolean; downgrade?: boolean } = {}): Promise<number> {
  const statements = readMigrationStatements();
  for (const { file, statement } of statements) {
    try {
      await db.runSchema(statement);
    } catch (err) {
      throw new Error(`migration ${file} failed on:\n${statement}\n${(err as Error).message}`);
    }
  }
  await db.runSchema("CALL db.awaitIndexes(300)");
  // Data written before the aggregates existed (or under an older definition) gets them once.
  // A bulk load rebuilds them itself afterwards (`aggregates: false`: not twice).
  if (opts.aggregates !== false) await ensureAggregates(db, log, { downgrade: opts.downgrade });
  return statements.length;
}
