/**
 * CSV files in two shapes, told apart by their header:
 *   nodes: id,type,name,...,source,quote          (one node per row)
 *   edges: type,from,to,...,source,quote          (one relationship per row)
 * Other columns become properties; `acronyms`, `aliases` and other list columns split on ";";
 * whole numbers in year and percentage columns become numbers. `source_title` names a source
 * that does not exist yet (it is created with kind "csv"; a source that exists is left as it is).
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse";
import type { GraphDocument, NodeRecord, Rejection, RelationshipRecord, SourceRecord } from "../graph-writer.js";

const LIST_COLUMNS = new Set(["acronyms", "aliases"]);
const NUMBER_COLUMNS = new Set(["startYear", "endYear", "percentage"]);
const META_COLUMNS = new Set(["source", "quote", "source_title"]);

function value(column: string, raw: string): unknown {
  if (raw === "") return undefined;
  if (LIST_COLUMNS.has(column)) return raw.split(";").map((s) => s.trim()).filter(Boolean);
  if (NUMBER_COLUMNS.has(column) && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

/**
 * The file's records, and the rows refused with their line (a wrong number of fields): one bad row
 * is reported, the others are read. A quote never closed swallows every row after it: `unreadable`
 * then says so, and the file is refused whole rather than imported in part.
 */
export async function readCsvDocument(file: string): Promise<{ document: GraphDocument; rejected: Rejection[]; unreadable: string | null }> {
  const rejected: Rejection[] = [];
  let unreadable: string | null = null;
  const parser = fs.createReadStream(file).pipe(parse({ columns: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: false, skip_records_with_error: true }));
  parser.on("skip", (err: Error & { lines?: number; code?: string }) => {
    if (err.code === "CSV_QUOTE_NOT_CLOSED") unreadable = err.message;
    else rejected.push({ position: `line ${err.lines ?? "?"}`, reason: err.message });
  });
  const nodes: NodeRecord[] = [];
  const relationships: RelationshipRecord[] = [];
  const sources = new Map<string, SourceRecord>();
  for await (const row of parser as AsyncIterable<Record<string, string>>) {
    const props: Record<string, unknown> = {};
    for (const [column, raw] of Object.entries(row)) {
      if (!META_COLUMNS.has(column)) {
        const v = value(column, raw);
        if (v !== undefined) props[column] = v;
      }
    }
    const provenance = row.source ? [{ source: row.source, quote: row.quote ?? "" }] : [];
    if (row.source && row.source_title && !sources.has(row.source)) {
      sources.set(row.source, { id: row.source, kind: "csv", title: row.source_title, document: path.basename(file), keepExisting: true });
    }
    if ("from" in row && "to" in row) relationships.push({ ...props, type: row.type ?? "", from: row.from ?? "", to: row.to ?? "", sources: provenance });
    else nodes.push({ ...props, id: row.id ?? "", type: row.type ?? "", sources: provenance });
  }
  return { document: { sources: [...sources.values()], nodes, relationships }, rejected, unreadable };
}
