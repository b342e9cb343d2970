/**
 * A synthetic cooperation network, deterministic from a seed number (seed/synthetic.json): real
 * countries and regions, agencies and organizations with heavy-tailed degrees (the seed's UNODC,
 * UNDP and IDB are the biggest hubs), people with positions, projects over 2000-2026 with themes,
 * participants and roles, and funding in several currencies. Names carry Spanish accents and acronyms.
 */
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../config/config.js";
import type { GraphDocument, NodeRecord, RelationshipRecord, SourceRecord } from "../ingest/graph-writer.js";

export type Scale = "S" | "M" | "L";

interface SyntheticConfig {
  seed: number;
  scales: Record<Scale, { projects: number; agencies: number; organizations: number; people: number; targetRelationships: number }>;
  themes: [string, string, string][];
  currencies: string[];
  roles: string[];
  projectKinds: string[];
}

export function syntheticConfig(): SyntheticConfig {
  return JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "seed", "synthetic.json"), "utf8")) as SyntheticConfig;
}

/** mulberry32: small, fast, and the same sequence on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks index i with probability proportional to 1 / (i + 1)^exponent: a few hubs, a long tail. */
function zipf(n: number, exponent: number, rand: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cumulative[i] = total += 1 / Math.pow(i + 1, exponent);
  return () => {
    const x = rand() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const FIRST = ["María", "José", "Lucía", "Martín", "Sofía", "Andrés", "Valentina", "Sebastián", "Camila", "Tomás", "Inés", "Joaquín", "Verónica", "Nicolás", "Mónica", "Raúl", "Ángela", "Héctor", "Begoña", "Iñaki"];
const LAST = ["González", "Rodríguez", "Fernández", "López", "Martínez", "Pérez", "Gómez", "Sánchez", "Díaz", "Álvarez", "Romero", "Suárez", "Muñoz", "Peña", "Ibáñez", "Núñez", "Domínguez", "Gutiérrez", "Ordóñez", "Castaño"];
const AGENCY_FORMS: [string, string, string][] = [
  ["Fiscalía General", "Office of the Attorney General", "FG"], ["Ministerio Público", "Public Prosecution Service", "MP"],
  ["Procuraduría General", "Procurator General's Office", "PG"], ["Fiscalía Regional", "Regional Prosecution Office", "FR"],
  ["Unidad Fiscal Especializada", "Specialized Prosecution Unit", "UFE"], ["Fiscalía Anticorrupción", "Anti-corruption Prosecution Office", "FA"],
];
const ORG_FORMS: [string, string, string][] = [
  ["Fundación para la Justicia", "Foundation for Justice", "international-ngo"], ["Red Iberoamericana de Fiscales", "Ibero-American Network of Prosecutors", "professional-association"],
  ["Instituto de Estudios Judiciales", "Institute of Judicial Studies", "academic-research"], ["Banco de Desarrollo", "Development Bank", "development-bank"],
  ["Oficina de Cooperación", "Cooperation Office", "government"], ["Observatorio Regional", "Regional Observatory", "international-organization"],
];
const LATAM = ["AR", "BO", "BR", "CL", "CO", "CR", "CU", "DO", "EC", "SV", "GT", "HN", "MX", "NI", "PA", "PY", "PE", "UY", "VE"];
const OTHERS = ["US", "CA", "ES", "PT", "FR", "DE", "IT", "GB", "NL", "AT", "CH", "SE", "JP", "KR", "AU", "MA", "ZA", "NG", "KE", "IN"];

export interface SyntheticPlan {
  scale: Scale;
  sourceId: string;
  /** Documents to write in order: sources and actors first, then projects in chunks. */
  documents: () => Generator<GraphDocument>;
  /** Ids the benchmark asks about. */
  sample: { hubOrganization: string; country: string; theme: string; midActors: [string, string]; region: string; year: number };
}

export function planSynthetic(scale: Scale): SyntheticPlan {
  const cfg = syntheticConfig();
  const size = cfg.scales[scale];
  const sourceId = `source:synthetic-${scale.toLowerCase()}`;
  const countries = [...LATAM, ...LATAM, ...LATAM, ...OTHERS];
  const reference = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "seed", "reference", "countries.json"), "utf8")).countries as { code: string; name: string; nameEs: string }[];
  const countryNames = new Map<string, string>(reference.map((c) => [c.code, c.nameEs]));
  const countryNamesEn = new Map<string, string>(reference.map((c) => [c.code, c.name]));
  const cite = [{ source: sourceId, quote: `synthetic data, seed ${cfg.seed}, scale ${scale}` }];

  // Actors in degree order: the seed's hubs first, then organizations and agencies interleaved.
  const hubs = ["organization:unodc", "organization:undp", "organization:idb"];
  const agencies = Array.from({ length: size.agencies }, (_, i) => `agency:syn-${i}`);
  const organizations = Array.from({ length: size.organizations }, (_, i) => `organization:syn-${i}`);
  const actorOrder: string[] = [...hubs];
  for (let i = 0; i < Math.max(agencies.length, organizations.length); i++) {
    if (i < organizations.length) actorOrder.push(organizations[i]!);
    if (i < agencies.length) actorOrder.push(agencies[i]!);
  }

  function* documents(): Generator<GraphDocument> {
    const rand = random(cfg.seed);
    const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
    const source: SourceRecord = { id: sourceId, kind: "synthetic", title: `Synthetic cooperation network, scale ${scale}, seed ${cfg.seed}`, publisher: "coopgraph benchmark" };

    const nodes: NodeRecord[] = [];
    const rels: RelationshipRecord[] = [];
    cfg.themes.forEach(([slug, name, nameEs]) => nodes.push({ id: `theme:${slug}`, type: "Theme", name, nameEs, sources: cite }));
    agencies.forEach((id, i) => {
      const country = pick(countries);
      const [es, en, acr] = pick(AGENCY_FORMS);
      const place = countryNames.get(country) ?? country;
      nodes.push({ id, type: "Agency", name: `${en} ${i} of ${countryNamesEn.get(country) ?? country}`, officialName: `${es} N.º ${i} de ${place}`, officialNameLanguage: "es",
        acronyms: [`${acr}${country}${i}`], aliases: [], agencyType: "prosecution-service", jurisdiction: rand() < 0.3 ? "national" : "subnational", sources: cite });
      rels.push({ type: "BASED_IN", from: id, to: `country:${country}`, sources: cite });
    });
    organizations.forEach((id, i) => {
      const [es, en, kind] = pick(ORG_FORMS);
      nodes.push({ id, type: "Organization", name: `${en} ${i}`, officialName: `${es} ${i}`, officialNameLanguage: "es",
        acronyms: [`${en.split(" ").map((w) => w[0]).join("")}${i}`], aliases: [], organizationType: kind, sources: cite });
      if (rand() < 0.6) rels.push({ type: "BASED_IN", from: id, to: `country:${pick(countries)}`, sources: cite });
    });
    const agencyPick = zipf(agencies.length, 0.8, rand);
    for (let i = 0; i < size.people; i++) {
      const id = `person:syn-${i}`;
      nodes.push({ id, type: "Person", name: `${pick(FIRST)} ${pick(LAST)} ${pick(LAST)} (${i})`, sources: cite });
      rels.push({ type: "HOLDS_POSITION", from: id, to: agencies[agencyPick()]!, title: pick(["Fiscal General", "Fiscal Adjunto", "Fiscal Regional", "Director de Cooperación"]), sources: cite });
    }
    yield { sources: [source], nodes, relationships: rels };

    const actorPick = zipf(actorOrder.length, 1.0, rand);
    const funderPick = zipf(hubs.length + organizations.length, 1.1, rand);
    const chunk = 2000;
    for (let start = 0; start < size.projects; start += chunk) {
      const pNodes: NodeRecord[] = [];
      const pRels: RelationshipRecord[] = [];
      for (let i = start; i < Math.min(start + chunk, size.projects); i++) {
        const id = `project:syn-${i}`;
        const [themeSlug, , themeEs] = pick(cfg.themes);
        const country = pick(countries);
        const startYear = 2000 + Math.floor(rand() * 27);
        const endYear = Math.min(2026, startYear + Math.floor(rand() * 4));
        const month = String(1 + Math.floor(rand() * 12)).padStart(2, "0");
        const kind = pick(cfg.projectKinds);
        pNodes.push({ id, type: "Project", name: `${themeEs}: programa ${i} en ${countryNames.get(country) ?? country}`, kind,
          startYear, endYear, startDate: `${startYear}-${month}-01`, sources: cite });
        pRels.push({ type: "ABOUT", from: id, to: `theme:${themeSlug}`, sources: cite });
        if (rand() < 0.5) pRels.push({ type: "ABOUT", from: id, to: `theme:${pick(cfg.themes)[0]}`, sources: cite });
        pRels.push({ type: "TAKES_PLACE_IN", from: id, to: `country:${country}`, sources: cite });
        if (rand() < 0.3) pRels.push({ type: "TAKES_PLACE_IN", from: id, to: `country:${pick(countries)}`, sources: cite });
        const participants = new Set<string>();
        const want = 2 + Math.floor(rand() * 6);
        while (participants.size < want) participants.add(actorOrder[actorPick()]!);
        [...participants].forEach((actor, k) => pRels.push({ type: "PARTICIPATES_IN", from: actor, to: id, role: k === 0 ? "lead" : pick(cfg.roles), sources: cite }));
        const flows = Math.floor(rand() * 2.2);
        for (let f = 0; f < flows; f++) {
          const fid = `funding:syn-${i}-${f}`;
          const funderIndex = funderPick();
          const funder = funderIndex < hubs.length ? hubs[funderIndex]! : organizations[funderIndex - hubs.length]!;
          const known = rand() < 0.9;
          pNodes.push({ id: fid, type: "Funding", kind: "synthetic", flowType: pick(["grant", "disbursement", "commitment"]),
            amount: known ? `${Math.floor(rand() * 5_000_000)}.${String(Math.floor(rand() * 100)).padStart(2, "0")}` : null,
            currency: known ? pick(cfg.currencies) : null, date: `${startYear}-${month}-15`, sources: cite });
          pRels.push({ type: "FUNDED", from: funder, to: fid, sources: cite }, { type: "FUNDS", from: fid, to: id, sources: cite });
        }
      }
      yield { nodes: pNodes, relationships: pRels };
    }
  }

  return {
    scale, sourceId, documents,
    sample: {
      hubOrganization: "organization:unodc", country: "AR", theme: "theme:cybercrime",
      midActors: [actorOrder[60]!, actorOrder[140]!], region: "region:419", year: 2015,
    },
  };
}
