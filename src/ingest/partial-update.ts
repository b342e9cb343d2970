/**
 * An update names only the fields it changes, but the writer derives some properties from several
 * fields at once: the full-text `names` from every name, alias and acronym; a project's years,
 * dates and `startKey` from one another. Derived from the record alone, an update of `startYear`
 * would rewrite `endYear` (to the start year) and clear the dates, and an update without
 * `acronyms` would drop them from search. So before an update is written, the fields it does not
 * carry are filled in from the stored node (in the same transaction), and the result is checked
 * as a whole: a year that contradicts a stored date, or a start after a stored end, is refused.
 */
import type { Params, Row } from "../db/database.js";
import { groupBy } from "../model/collections.js";
import { NAMED_TYPES, keyLabelOfId, type NodeType } from "../model/model.js";
import type { NodeRecord, Rejection } from "./graph-writer.js";

/** A field of an update that contradicts another or the stored node; mutations answer BAD_USER_INPUT, imports reject the record. */
export class FieldConflict extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

const fieldError = (field: string, message: string) => new FieldConflict(field, message);

/** The stored fields the writer's derived properties are computed from. */
export const NAME_FIELDS = ["officialName", "nameEs", "code", "acronyms", "aliases"] as const;
export const DATE_FIELDS = ["startDate", "endDate", "startYear", "endYear"] as const;
export const DERIVATION_FIELDS = [...NAME_FIELDS, ...DATE_FIELDS] as const;

export type StoredFields = Partial<Record<(typeof DERIVATION_FIELDS)[number], unknown>>;

/** Cypher: the stored fields of node `n` as a map (the names come from DERIVATION_FIELDS above). */
export const STORED_FIELDS = `n {${DERIVATION_FIELDS.map((f) => `.${f}`).join(", ")}}`;

const given = (value: unknown) => value !== undefined && value !== null;
const yearOf = (date: unknown) => Number(String(date).slice(0, 4));

/**
 * One end of a project's span (start or end): the date and year the update leaves it with.
 * A date given sets its year (unless the year is given too, then they must agree); a year given
 * alone keeps the stored date only if the date lies in that year, and is refused otherwise.
 */
function end(record: NodeRecord, stored: StoredFields, dateField: "startDate" | "endDate", yearField: "startYear" | "endYear") {
  const date = record[dateField];
  const year = record[yearField];
  if (given(date) && given(year) && yearOf(date) !== year) throw fieldError(yearField, `${String(year)} is not the year of ${dateField} ${String(date)}`);
  if (given(date)) return { date, year: yearOf(date), changed: dateField };
  if (given(year)) {
    if (given(stored[dateField]) && yearOf(stored[dateField]) !== year) {
      throw fieldError(yearField, `${String(year)} contradicts the stored ${dateField} ${String(stored[dateField])}: send ${dateField} too`);
    }
    return { date: stored[dateField] ?? undefined, year, changed: yearField };
  }
  return { date: stored[dateField] ?? undefined, year: stored[yearField] ?? undefined, changed: undefined };
}

/**
 * The record to write for an update of a stored node: the fields it leaves out are the stored ones
 * (for a new node, `stored` is empty and the record is only checked). Throws FieldConflict.
 */
export function completeUpdate(record: NodeRecord, stored: StoredFields): NodeRecord {
  const out: NodeRecord = { ...record };
  for (const field of NAME_FIELDS) {
    if (out[field] === undefined && given(stored[field])) out[field] = stored[field];
  }
  if (record.type !== "Project") return out;
  const start = end(record, stored, "startDate", "startYear");
  const finish = end(record, stored, "endDate", "endYear");
  const blame = finish.changed ?? start.changed ?? "endYear";
  if (given(start.date) && given(finish.date) && String(finish.date) < String(start.date)) {
    throw fieldError(blame, `the project would end (${String(finish.date)}) before it starts (${String(start.date)})`);
  }
  if (given(start.year) && given(finish.year) && Number(finish.year) < Number(start.year)) {
    throw fieldError(blame, `the project would end (${String(finish.year)}) before it starts (${String(start.year)})`);
  }
  for (const [field, value] of [["startDate", start.date], ["startYear", start.year], ["endDate", finish.date], ["endYear", finish.year]] as const) {
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/**
 * Imports update stored nodes as mutations do: inside the writing transaction, each record of a
 * stored node gets the fields it leaves out (a CSV row naming a project without its dates cleared
 * them, one naming UNODC without its acronyms took them out of search), and a record that
 * contradicts itself or the stored node is rejected with its position. Records of new nodes are
 * checked the same way.
 */
export async function completeStoredRecords(run: (cypher: string, params: Params) => Promise<Row[]>,
  records: { node: NodeRecord; position: string }[], rejected: Rejection[]): Promise<NodeRecord[]> {
  const named = records.filter(({ node }) => NAMED_TYPES.has(node.type as NodeType) && keyLabelOfId(node.id));
  const stored = new Map<string, StoredFields>();
  for (const [label, group] of groupBy(named, ({ node }) => keyLabelOfId(node.id)!)) {
    // The label comes from the model (keyLabelOfId), never from the record.
    const rows = await run(`UNWIND $ids AS id MATCH (n:${label} {id: id}) RETURN n.id AS id, ${STORED_FIELDS} AS stored`,
      { ids: group.map(({ node }) => node.id) });
    for (const row of rows) stored.set(row.id as string, row.stored as StoredFields);
  }
  const completed = new Set(named.map((r) => r.node));
  return records.flatMap(({ node, position }) => {
    if (!completed.has(node)) return [node];
    try {
      return [completeUpdate(node, stored.get(node.id) ?? {})];
    } catch (err) {
      if (!(err instanceof FieldConflict)) throw err;
      rejected.push({ position, reason: err.message });
      return [];
    }
  });
}
