/**
 * An export described by URL-style parameters, shared by the HTTP endpoint (/export?...) and the
 * CLI (npm run export -- --format graphml --involving UNODC ...). Repeat a parameter for lists.
 */
import type { Writable } from "node:stream";
import type { Database } from "../db/database.js";
import { resolveFilter } from "../domain/projects/project-filter.js";
import type { ProjectFilter } from "../domain/projects/project.types.js";
import { createRepositories } from "../domain/context.js";
import { userError } from "../domain/shared/errors.js";
import { streamNetwork, type NetworkMode } from "./network.js";
import { CONTENT_TYPES, createSink, type ExportFormat } from "./writers.js";

export const EXPORT_PARAMETERS = {
  involving: "involvingAll", "involving-any": "involvingAny", theme: "themes", kind: "kinds",
  country: "countries", region: "regions", funder: "funders", role: "roles",
} as const;

export interface ExportRequest {
  format: ExportFormat;
  mode: NetworkMode;
  filter: ProjectFilter;
}

export function parseExportRequest(params: URLSearchParams): ExportRequest {
  const format = (params.get("format") ?? "graphml") as ExportFormat;
  if (!Object.hasOwn(CONTENT_TYPES, format)) throw userError(`format must be one of ${Object.keys(CONTENT_TYPES).join(", ")}, got "${format}"`);
  const mode = (params.get("mode") ?? "bipartite") as NetworkMode;
  if (mode !== "bipartite" && mode !== "actors") throw userError(`mode must be bipartite or actors, got "${mode}"`);
  const filter: Record<string, unknown> = {};
  for (const [param, field] of Object.entries(EXPORT_PARAMETERS)) {
    const values = params.getAll(param).filter(Boolean);
    if (values.length) filter[field] = values;
  }
  for (const [param, field] of [["from", "activeFrom"], ["to", "activeTo"]] as const) {
    const raw = params.get(param);
    if (raw === null) continue;
    if (!/^\d{4}$/.test(raw)) throw userError(`${param} must be a year, got "${raw}"`);
    filter[field] = Number(raw);
  }
  for (const key of params.keys()) {
    if (!["format", "mode", "from", "to", ...Object.keys(EXPORT_PARAMETERS)].includes(key)) throw userError(`unknown export parameter "${key}"`);
  }
  return { format, mode, filter: filter as ProjectFilter };
}

/** Resolves the filter's references (errors before any byte is written), then streams the network. */
export async function prepareExport(db: Database, request: ExportRequest, timeouts: { resolveTimeoutMs: number; streamTimeoutMs: number }) {
  const repos = createRepositories(db, { timeoutMs: timeouts.resolveTimeoutMs });
  const { resolved } = await resolveFilter(repos, request.filter);
  return {
    contentType: CONTENT_TYPES[request.format],
    /** Streams the network into `out`; `signal` stops it (a client that went away). */
    write: (out: Writable, signal?: AbortSignal) =>
      streamNetwork(db, resolved, request.mode, createSink(request.format, out, signal), { signal, timeoutMs: timeouts.streamTimeoutMs }),
  };
}
