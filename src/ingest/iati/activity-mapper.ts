/**
 * One IATI 2.03 <iati-activity> to graph records: the activity as a Project, participating
 * organisations with their roles, recipient countries and regions, sectors as themes, dates,
 * budgets and transactions as Funding flows, related activities. Every fact cites a Source for the
 * activity (file, identifier, publisher) with the XML it comes from as its quote.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { IATI_ROLE_CODES } from "../../model/model.js";
import { isCalendarDate } from "../../model/dates.js";
import { idSlug, normalizeName } from "../../model/names.js";
import { referencePlaceNames } from "../readers/seed-reader.js";
import type { NodeRecord, Provenance, Rejection, RelationshipRecord, SourceRecord } from "../graph-writer.js";
import { normalizeDecimal } from "../../model/decimal.js";
import { m49RegionCodes } from "../readers/seed-reader.js";
import { xml, type XmlElement } from "./xml-stream.js";
import {
  ACTIVITY_STATUS, DAC_REGION_IN_M49, DAC_SECTORS, ORGANISATION_TYPES, RELATED_ACTIVITY_TYPES, SECTOR_VOCABULARIES, TRANSACTION_TYPES,
} from "./codelists.js";

export const IATI_CODELISTS_SOURCE: SourceRecord = {
  id: "source:iati-codelists",
  kind: "reference",
  title: "IATI code lists 2.03: sectors, regions, organisation types",
  publisher: "International Aid Transparency Initiative",
  url: "https://iatistandard.org/en/iati-standard/203/codelists/",
};

export interface MappedActivity {
  identifier: string;
  projectId: string;
  sourceId: string;
  line: number;
  sources: SourceRecord[];
  nodes: NodeRecord[];
  relationships: RelationshipRecord[];
  rejections: Rejection[];
  /** Parts kept with a problem noted (a transaction without an amount). */
  warnings: Rejection[];
  /** Fingerprint of everything above: an unchanged activity is skipped on re-import. */
  hash: string;
}

export interface FileContext {
  file: string;
}

/** Narratives escaped twice at the source ("&amp;amp;") arrive as "&amp;": decode one more level. */
export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (whole, entity: string) => {
    switch (entity) {
      case "amp": return "&";
      case "lt": return "<";
      case "gt": return ">";
      case "quot": return "\"";
      case "apos": return "'";
      default: {
        const code = entity.startsWith("#x") ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
        // Not every number is a character: beyond U+10FFFF (or a lone surrogate) keep the text as it is.
        return Number.isInteger(code) && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
      }
    }
  }).replace(/\s+/g, " ").trim();
}

interface Narrative { text: string; language: string }

function narratives(el: XmlElement | undefined, defaultLanguage: string): Narrative[] {
  if (!el) return [];
  return xml.all(el, "narrative")
    .map((n) => ({ text: decodeEntities(n.text), language: (n.attrs["xml:lang"] ?? defaultLanguage).toLowerCase() }))
    .filter((n) => n.text);
}

/** English first, then the activity's own language, then whatever comes first. */
function preferred(list: Narrative[], activityLanguage: string): Narrative | undefined {
  return list.find((n) => n.language === "en") ?? list.find((n) => n.language === activityLanguage) ?? list[0];
}

/** The date part of an IATI iso-date ("2020-03-01T00:00:00" too); null when the calendar has no such date. */
function isoDate(raw: string | undefined): string | null {
  const date = /^(\d{4}-\d{2}-\d{2})/.exec(raw?.trim() ?? "")?.[1];
  return isCalendarDate(date) ? date : null;
}

/** The element as it reads in the file, attributes without namespaced extras: the quote of a fact. */
function quoteOf(el: XmlElement, language: string): string {
  const attrs = Object.entries(el.attrs)
    .filter(([k]) => !k.includes(":") || k === "xml:lang")
    .map(([k, v]) => ` ${k}="${v}"`).join("");
  const text = preferred(narratives(el, language), language)?.text ?? xml.text(el);
  return `<${el.name}${attrs}>${text}</${el.name}>`;
}

function idPart(value: string): string {
  return value.trim().replace(/\s+/g, "_");
}

function hash(value: unknown): string {
  return createHash("sha1").update(JSON.stringify(value)).digest("hex");
}

export const activityProjectId = (identifier: string) => `project:iati:${idPart(identifier)}`;

/** Organisations without an IATI ref are known by their name's slug (src/ingest/import-pipeline.ts keeps ids written before). */
export const IATI_NAME_PREFIX = "organization:iati-name:";

/**
 * The acronym a publisher wrote into an organisation's name, "World Health Organization (WHO)" or
 * "USAID - U.S. Agency for International Development", so that questions and references can use it.
 * Not a place's code or name ("UK - Ministry of Defence", "Palladium International Ltd (UK)"):
 * every such organisation would make "UK" ambiguous.
 */
export function acronymsInName(name: string): string[] {
  const found = [ACRONYM_AFTER.exec(name)?.[1], ACRONYM_BEFORE.exec(name)?.[1]];
  const places = referencePlaceNames();
  return [...new Set(found.filter((a): a is string => a !== undefined && !places.has(normalizeName(a))))];
}

const ACRONYM_AFTER = /\((\p{Lu}[\p{Lu}\p{N}&]{1,11})\)\s*$/u;
const ACRONYM_BEFORE = /^(\p{Lu}[\p{Lu}\p{N}&]{1,11})\s+[-–]\s+\S/u;

/** An organisation from IATI: by its ref when it has one (so XM-DAC-41114 finds the seed's UNDP), else by name. */
function organisation(el: XmlElement, language: string, cite: Provenance[]): NodeRecord | null {
  const ref = (el.attrs.ref ?? "").trim();
  const name = preferred(narratives(el, language), language)?.text;
  if (!ref && !name) return null;
  const typeCode = el.attrs.type?.trim();
  const acronyms = name ? acronymsInName(name) : [];
  return {
    id: ref ? `organization:iati:${idPart(ref)}` : `${IATI_NAME_PREFIX}${idSlug(name!)}`,
    type: "Organization",
    ...(ref ? { iatiRef: ref } : {}),
    createOnly: {
      name: name ?? ref,
      ...(acronyms.length ? { acronyms } : {}),
      ...(typeCode ? { organizationType: ORGANISATION_TYPES[typeCode] ?? `iati-type-${typeCode}`, iatiOrganizationType: typeCode } : {}),
    },
    provenanceOnCreate: true,
    sources: cite,
  };
}

/** What the sections of one activity share: its ids, language, citations, and the records they add. */
interface ActivityScope {
  identifier: string;
  projectId: string;
  sourceId: string;
  language: string;
  defaultCurrency: string | null;
  nodes: NodeRecord[];
  relationships: RelationshipRecord[];
  rejections: Rejection[];
  warnings: Rejection[];
  /** The element as the quote of a fact stated by this activity. */
  cite: (element: XmlElement) => Provenance[];
  /** Where an element sits, for a rejection. */
  at: (element: XmlElement) => string;
  /** A funding id unique within the activity, stable across imports. */
  fundingId: (parts: unknown[]) => string;
}

export function mapActivity(el: XmlElement, ctx: FileContext): MappedActivity | Rejection {
  const file = path.basename(ctx.file);
  const identifier = xml.text(xml.child(el, "iati-identifier"));
  if (!identifier) return { position: `${file} line ${el.line}`, reason: "activity has no iati-identifier" };
  const language = (el.attrs["xml:lang"] ?? "en").toLowerCase();
  const sourceId = `source:iati:${idPart(identifier)}`;
  const scope: ActivityScope = {
    identifier, projectId: activityProjectId(identifier), sourceId, language,
    defaultCurrency: el.attrs["default-currency"]?.trim().toUpperCase() || null,
    nodes: [], relationships: [], rejections: [], warnings: [],
    cite: (element) => [{ source: sourceId, quote: quoteOf(element, language) }],
    at: (element) => `${file} line ${element.line} (${identifier})`,
    fundingId: fundingIds(identifier),
  };
  const source = activitySource(el, scope, file);
  mapProject(el, scope);
  mapOrganisations(el, scope);
  mapPlaces(el, scope);
  mapSectors(el, scope);
  mapBudgets(el, scope);
  mapTransactions(el, scope);
  mapRelatedActivities(el, scope);
  const records = { sources: [source], nodes: dedupeNodes(scope.nodes), relationships: scope.relationships };
  // The file's name is where the facts were read, not one of them: the same activity under another
  // name (an upload is named upload-<time>) is unchanged.
  return {
    identifier, projectId: scope.projectId, sourceId, line: el.line, ...records, rejections: scope.rejections, warnings: scope.warnings,
    hash: hash({ ...records, sources: [{ ...source, document: undefined }] }),
  };
}

function fundingIds(identifier: string): (parts: unknown[]) => string {
  const seen = new Map<string, number>();
  return (parts) => {
    const key = hash(parts).slice(0, 12);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return `funding:iati:${idPart(identifier)}:${key}${n > 1 ? `-${n}` : ""}`;
  };
}

/** The Source every fact of the activity cites: file, identifier, publisher. */
function activitySource(el: XmlElement, scope: ActivityScope, file: string): SourceRecord {
  const reporting = xml.child(el, "reporting-org");
  const { identifier } = scope;
  return {
    id: scope.sourceId, kind: "iati-activity", title: `IATI activity ${identifier}`, identifier,
    document: file, publisher: preferred(narratives(reporting, scope.language), scope.language)?.text ?? null,
    publisherRef: reporting?.attrs.ref ?? null,
    url: `https://d-portal.org/q.html?aid=${encodeURIComponent(identifier)}`,
  };
}

/** The activity itself, as a Project: titles, description, status, dates, publisher. */
function mapProject(el: XmlElement, scope: ActivityScope): void {
  const { identifier, language } = scope;
  const reporting = xml.child(el, "reporting-org");
  const titleElement = xml.child(el, "title");
  const titles = narratives(titleElement, language);
  const title = preferred(titles, language);
  const dates: Record<string, string | null> = {};
  for (const d of xml.all(el, "activity-date")) dates[d.attrs.type ?? ""] = isoDate(d.attrs["iso-date"]);
  const description = preferred(narratives(xml.all(el, "description").find((d) => (d.attrs.type ?? "1") === "1"), language), language);
  const status = xml.child(el, "activity-status")?.attrs.code;
  scope.nodes.push({
    id: scope.projectId, type: "Project", name: title?.text ?? identifier, kind: "iati-activity",
    nameLanguage: title?.language ?? null,
    titleTexts: titles.map((t) => t.text), titleLanguages: titles.map((t) => t.language),
    aliases: titles.filter((t) => t !== title).map((t) => t.text),
    description: description?.text ?? null,
    iatiIdentifier: identifier, status: status ? ACTIVITY_STATUS[status] ?? status : null,
    plannedStartDate: dates["1"] ?? null, actualStartDate: dates["2"] ?? null,
    plannedEndDate: dates["3"] ?? null, actualEndDate: dates["4"] ?? null,
    startDate: dates["2"] ?? dates["1"] ?? null, endDate: dates["4"] ?? dates["3"] ?? null,
    defaultCurrency: scope.defaultCurrency, reportingOrgRef: reporting?.attrs.ref ?? null,
    reportingOrgName: preferred(narratives(reporting, language), language)?.text ?? null,
    lastUpdated: el.attrs["last-updated-datetime"] ?? null, humanitarian: isTrue(el.attrs.humanitarian),
    stub: false,
    sources: titleElement ? scope.cite(titleElement) : [{ source: scope.sourceId, quote: `<iati-identifier>${identifier}</iati-identifier>` }],
  });
}

/** Participating organisations, each role its own relationship. */
function mapOrganisations(el: XmlElement, scope: ActivityScope): void {
  for (const p of xml.all(el, "participating-org")) {
    const role = IATI_ROLE_CODES[p.attrs.role?.trim() ?? ""];
    const org = organisation(p, scope.language, scope.cite(p));
    if (!role) { scope.rejections.push({ position: scope.at(p), reason: `participating-org role "${p.attrs.role ?? ""}" is not 1-4` }); continue; }
    if (!org) { scope.rejections.push({ position: scope.at(p), reason: "participating-org has neither a ref nor a name" }); continue; }
    scope.nodes.push(org);
    scope.relationships.push({ type: "PARTICIPATES_IN", from: org.id, to: scope.projectId, role, iatiRole: p.attrs.role!.trim(), sources: scope.cite(p) });
  }
}

/** Where: recipient countries and regions, with their percentages. */
function mapPlaces(el: XmlElement, scope: ActivityScope): void {
  const { language, projectId } = scope;
  for (const c of xml.all(el, "recipient-country")) {
    const code = (c.attrs.code ?? "").trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(code)) { scope.rejections.push({ position: scope.at(c), reason: `recipient-country code "${c.attrs.code ?? ""}" is not ISO 3166-1 alpha-2` }); continue; }
    const name = preferred(narratives(c, language), language)?.text ?? code;
    scope.nodes.push({ id: `country:${code}`, type: "Country", createOnly: { code, name, nameEs: name }, provenanceOnCreate: true,
      sources: [{ source: IATI_CODELISTS_SOURCE.id, quote: `country ${code}` }] });
    scope.relationships.push({ type: "TAKES_PLACE_IN", from: projectId, to: `country:${code}`, percentage: numberOrNull(c.attrs.percentage), sources: scope.cite(c) });
  }
  for (const r of xml.all(el, "recipient-region")) {
    const code = (r.attrs.code ?? "").trim();
    const vocabulary = r.attrs.vocabulary?.trim() || "1";
    if (!code) { scope.rejections.push({ position: scope.at(r), reason: "recipient-region has no code" }); continue; }
    // Vocabulary 2 is UN M49: its regions are the reference nodes themselves ("5" is region:005).
    const m49Code = vocabulary === "2" && /^\d{1,3}$/.test(code) ? code.padStart(3, "0") : null;
    if (m49Code && m49RegionCodes().has(m49Code)) {
      scope.relationships.push({ type: "TAKES_PLACE_IN", from: projectId, to: `region:${m49Code}`, percentage: numberOrNull(r.attrs.percentage), sources: scope.cite(r) });
      continue;
    }
    const id = vocabulary === "1" ? `region:dac-${idPart(code)}` : `region:iati-v${idPart(vocabulary)}-${idPart(code)}`;
    const name = preferred(narratives(r, language), language)?.text ?? (vocabulary === "1" ? `DAC region ${code}` : `Region ${code} (vocabulary ${vocabulary})`);
    scope.nodes.push({ id, type: "Region", createOnly: { code, name, vocabulary: vocabulary === "1" ? "oecd-dac" : vocabulary }, provenanceOnCreate: true,
      sources: [{ source: IATI_CODELISTS_SOURCE.id, quote: `region ${code} (vocabulary ${vocabulary})` }] });
    scope.relationships.push({ type: "TAKES_PLACE_IN", from: projectId, to: id, percentage: numberOrNull(r.attrs.percentage), sources: scope.cite(r) });
    const m49 = vocabulary === "1" ? DAC_REGION_IN_M49[code] : undefined;
    if (m49) {
      scope.relationships.push({ type: "IN_REGION", from: id, to: `region:${m49}`,
        sources: [{ source: IATI_CODELISTS_SOURCE.id, quote: `DAC region ${code} lies in UN M49 region ${m49}` }] });
    }
  }
}

/** What: sectors as themes (DAC sectors by their code-list names). */
function mapSectors(el: XmlElement, scope: ActivityScope): void {
  for (const s of xml.all(el, "sector")) {
    const code = (s.attrs.code ?? "").trim();
    const vocabulary = s.attrs.vocabulary?.trim() || "1";
    if (!code) { scope.rejections.push({ position: scope.at(s), reason: "sector has no code" }); continue; }
    const known = SECTOR_VOCABULARIES[vocabulary];
    const id = known ? `theme:${known.prefix}-${idPart(code)}` : `theme:iati-v${idPart(vocabulary)}-${idPart(code)}`;
    const given = preferred(narratives(s, scope.language), scope.language)?.text;
    const name = (vocabulary === "1" ? DAC_SECTORS[code] : undefined) ?? given ?? `${known?.label ?? `Sector (vocabulary ${vocabulary})`} ${code}`;
    scope.nodes.push({ id, type: "Theme", createOnly: { name, code, vocabulary }, provenanceOnCreate: true,
      sources: [{ source: IATI_CODELISTS_SOURCE.id, quote: `sector ${code} (vocabulary ${vocabulary})` }] });
    scope.relationships.push({ type: "ABOUT", from: scope.projectId, to: id, percentage: numberOrNull(s.attrs.percentage), sources: scope.cite(s) });
  }
}

/**
 * Budgets as Funding flows of kind budget, over their period. In IATI 2.03 a revised budget (type 2)
 * replaces the original (type 1, or no type) of the same period: that original is not written, or
 * the two would be added together. A revised budget whose value cannot be read replaces nothing.
 */
function mapBudgets(el: XmlElement, scope: ActivityScope): void {
  const budgets = [];
  for (const b of xml.all(el, "budget")) {
    const value = xml.child(b, "value");
    const amount = value ? normalizeDecimal(value.text) : null;
    if (!value || amount === null) { scope.rejections.push({ position: scope.at(b), reason: `budget value "${value?.text.trim() ?? ""}" is not a decimal number` }); continue; }
    const periodStart = isoDate(xml.child(b, "period-start")?.attrs["iso-date"]);
    const periodEnd = isoDate(xml.child(b, "period-end")?.attrs["iso-date"]);
    budgets.push({ b, value, amount, periodStart, periodEnd, period: `${periodStart}..${periodEnd}`, revised: b.attrs.type?.trim() === "2" });
  }
  const revisedPeriods = new Set(budgets.filter((x) => x.revised).map((x) => x.period));
  for (const { b, value, amount, periodStart, periodEnd, period } of budgets) {
    if ((b.attrs.type?.trim() || "1") === "1" && revisedPeriods.has(period)) continue;
    const currency = (value.attrs.currency?.trim().toUpperCase() || scope.defaultCurrency);
    const id = scope.fundingId(["budget", b.attrs.type, periodStart, periodEnd, amount, currency]);
    scope.nodes.push({ id, type: "Funding", kind: "budget", flowType: "budget", amount, currency, date: periodStart, periodEnd,
      budgetType: b.attrs.type ?? null, budgetStatus: b.attrs.status ?? null, valueDate: isoDate(value.attrs["value-date"]),
      sources: [{ source: scope.sourceId, quote: `<budget type="${b.attrs.type ?? ""}">${periodStart ?? ""}..${periodEnd ?? ""}: ${value.text.trim()} ${currency ?? ""}</budget>` }] });
    scope.relationships.push({ type: "FUNDS", from: id, to: scope.projectId, sources: scope.cite(b) });
  }
}

/**
 * Transactions as Funding flows, with their provider (FUNDED) and receiver (RECEIVED_BY). IATI
 * requires a value, but published files hold empty ones (`<value currency="CZK" value-date="..."/>`):
 * the flow, who funded whom and when, is still stated, so it is kept with an unknown amount (null,
 * never 0) and a warning. A value that is not a number is rejected: misread, it would be a wrong amount.
 */
function mapTransactions(el: XmlElement, scope: ActivityScope): void {
  for (const t of xml.all(el, "transaction")) {
    // Some publishers put the code in the element's text instead of its code attribute.
    const typeElement = xml.child(t, "transaction-type");
    const typeCode = (typeElement?.attrs.code ?? typeElement?.text ?? "").trim();
    const value = xml.child(t, "value");
    const stated = value?.text.trim() ?? "";
    const amount = stated ? normalizeDecimal(stated) : null;
    if (!TRANSACTION_TYPES[typeCode]) { scope.rejections.push({ position: scope.at(t), reason: `transaction-type "${typeCode}" is not 1-13` }); continue; }
    if (stated && amount === null) { scope.rejections.push({ position: scope.at(t), reason: `transaction value "${stated}" is not a decimal number` }); continue; }
    if (!stated) scope.warnings.push({ position: scope.at(t), reason: `transaction ${value ? "value is empty" : "has no value"}: kept as a flow with an unknown amount` });
    const currency = value?.attrs.currency?.trim().toUpperCase() || scope.defaultCurrency;
    if (currency && !/^[A-Z]{3}$/.test(currency)) { scope.rejections.push({ position: scope.at(t), reason: `currency "${currency}" is not an ISO 4217 code` }); continue; }
    const date = isoDate(xml.child(t, "transaction-date")?.attrs["iso-date"]) ?? isoDate(value?.attrs["value-date"]);
    const providerEl = xml.child(t, "provider-org");
    const receiverEl = xml.child(t, "receiver-org");
    const provider = providerEl ? organisation(providerEl, scope.language, scope.cite(providerEl)) : null;
    const receiver = receiverEl ? organisation(receiverEl, scope.language, scope.cite(receiverEl)) : null;
    const id = scope.fundingId([typeCode, date, amount, currency, provider?.id, receiver?.id]);
    const quote = `<transaction type="${typeCode}" date="${date ?? ""}">${stated || "(no value)"} ${currency ?? ""}` +
      `${provider ? ` from ${provider.iatiRef ?? provider.createOnly?.name}` : ""}${receiver ? ` to ${receiver.iatiRef ?? receiver.createOnly?.name}` : ""}</transaction>`;
    scope.nodes.push({ id, type: "Funding", kind: "transaction", flowType: TRANSACTION_TYPES[typeCode], transactionType: typeCode,
      amount, currency, date, valueDate: isoDate(value?.attrs["value-date"]),
      providerActivityId: providerEl?.attrs["provider-activity-id"] ?? null, receiverActivityId: receiverEl?.attrs["receiver-activity-id"] ?? null,
      sources: [{ source: scope.sourceId, quote }] });
    scope.relationships.push({ type: "FUNDS", from: id, to: scope.projectId, sources: [{ source: scope.sourceId, quote }] });
    if (provider) {
      scope.nodes.push(provider);
      scope.relationships.push({ type: "FUNDED", from: provider.id, to: id, sources: scope.cite(providerEl!) });
    }
    if (receiver) {
      scope.nodes.push(receiver);
      scope.relationships.push({ type: "RECEIVED_BY", from: id, to: receiver.id, sources: scope.cite(receiverEl!) });
    }
  }
}

/** Related activities; a target not (yet) imported becomes a stub that its own import fills in. */
function mapRelatedActivities(el: XmlElement, scope: ActivityScope): void {
  for (const r of xml.all(el, "related-activity")) {
    const ref = (r.attrs.ref ?? "").trim();
    const relation = RELATED_ACTIVITY_TYPES[r.attrs.type?.trim() ?? ""];
    if (!ref || !relation) { scope.rejections.push({ position: scope.at(r), reason: `related-activity needs a ref and a type 1-5 (got "${ref}", "${r.attrs.type ?? ""}")` }); continue; }
    const target = activityProjectId(ref);
    scope.nodes.push({ id: target, type: "Project", createOnly: { name: ref, kind: "iati-activity", iatiIdentifier: ref, stub: true },
      provenanceOnCreate: true, sources: scope.cite(r) });
    scope.relationships.push({ type: "RELATED_TO", from: scope.projectId, to: target, relation, iatiType: r.attrs.type!.trim(), sources: scope.cite(r) });
  }
}

/** xsd:boolean: "1" or "true" (publishers write both). */
function isTrue(raw: string | undefined): boolean {
  const value = raw?.trim().toLowerCase();
  return value === "1" || value === "true";
}

function numberOrNull(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === "") return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** The same organisation may appear in several roles: write it once. */
function dedupeNodes(nodes: NodeRecord[]): NodeRecord[] {
  const byId = new Map<string, NodeRecord>();
  for (const node of nodes) if (!byId.has(node.id) || node.id.startsWith("project:iati:") && !node.createOnly) byId.set(node.id, node);
  return [...byId.values()];
}
