/**
 * The seed's files as graph documents: the reviewable facts (seed/cooperation.json) and the
 * reference lists of countries (ISO 3166-1) and regions (UN M49). Reading only; the seed loader
 * and the importers write them.
 */
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../config/config.js";
import { normalizeName } from "../../model/names.js";
import type { GraphDocument, NodeRecord, RelationshipRecord } from "../graph-writer.js";

export const SEED_DIR = path.join(PROJECT_ROOT, "seed");

interface RegionEntry { code: string; name: string; nameEs: string; parent: string | null; aliases: string[] }
interface CountryEntry { code: string; name: string; nameEs: string; region: string | null; aliases?: string[] }

function readJson<T>(relative: string): T {
  return JSON.parse(fs.readFileSync(path.join(SEED_DIR, relative), "utf8")) as T;
}

let reference: { regions: RegionEntry[]; countries: CountryEntry[] } | undefined;

/** The reference lists, read once: the seed loader, the IATI mapper's region codes and its acronym check share them. */
function referenceLists(): { regions: RegionEntry[]; countries: CountryEntry[] } {
  reference ??= {
    regions: readJson<{ regions: RegionEntry[] }>("reference/regions.json").regions,
    countries: readJson<{ countries: CountryEntry[] }>("reference/countries.json").countries,
  };
  return reference;
}

/** Countries (ISO 3166-1) and regions (UN M49) as graph records with their reference sources. */
export function referenceDocument(): GraphDocument {
  const { regions, countries } = referenceLists();
  const m49 = (quote: string) => [{ source: "source:un-m49", quote }];
  const iso = (quote: string) => [{ source: "source:iso-3166-1", quote }];
  const nodes: NodeRecord[] = [
    ...regions.map((r) => ({
      id: `region:${r.code}`, type: "Region", code: r.code, name: r.name, nameEs: r.nameEs, aliases: r.aliases,
      sources: m49(`${r.code} ${r.name}`),
    })),
    ...countries.map((c) => ({
      id: `country:${c.code}`, type: "Country", code: c.code, name: c.name, nameEs: c.nameEs, aliases: c.aliases ?? [],
      sources: iso(`${c.code} ${c.name}`),
    })),
  ];
  const relationships: RelationshipRecord[] = [
    ...regions.filter((r) => r.parent).map((r) => ({
      type: "IN_REGION", from: `region:${r.code}`, to: `region:${r.parent}`, sources: m49(`${r.name} is part of region ${r.parent}`),
    })),
    ...countries.filter((c) => c.region).map((c) => ({
      type: "IN_REGION", from: `country:${c.code}`, to: `region:${c.region}`, sources: m49(`${c.name} is in region ${c.region}`),
    })),
  ];
  return { nodes, relationships };
}

let m49Codes: ReadonlySet<string> | undefined;

/** The codes of the UN M49 regions in seed/reference/regions.json ("005", "419", ...): each is the node region:<code>. */
export function m49RegionCodes(): ReadonlySet<string> {
  m49Codes ??= new Set(referenceLists().regions.map((r) => r.code));
  return m49Codes;
}

export function cooperationDocument(): GraphDocument {
  return readJson<GraphDocument>("cooperation.json");
}

let places: ReadonlySet<string> | undefined;

/** Every code, name and alias of the reference's countries and regions, as names compare ("uk", "ee uu", "005"). */
export function referencePlaceNames(): ReadonlySet<string> {
  if (places) return places;
  const { regions, countries } = referenceLists();
  places = new Set([...regions, ...countries].flatMap((p) => [p.code, p.name, p.nameEs, ...(p.aliases ?? [])]).map(normalizeName));
  return places;
}
