/**
 * Turns what an analyst types ("UNODC", "Perú", "BID", "country:PE", "pe") into entities.
 * A reference is an id, an ISO country code, an IATI organisation identifier (XM-DAC-41114) or
 * activity identifier, or a name, official name, acronym or alias (English or Spanish), compared
 * ignoring case and accents. All references of a request are resolved in one query: ids, codes and
 * IATI identifiers through their indexes, names through the full-text index; exact matches are
 * then picked in code.
 */
import { ErrorCode, userError } from "../shared/errors.js";
import { NAMED_TYPES, nodeTypeOfId, type NodeType, NODE_TYPE_OF } from "../../model/model.js";
import { normalizeName } from "../../model/names.js";
import type { QueryRunner } from "../shared/query-runner.js";
import { entitiesByIatiKey, mergedAway } from "../../ingest/index.js";

export interface ResolvedEntity {
  reference: string;
  id: string;
  name: string;
  /** The Spanish name, for the entities that have one (places, themes). */
  nameEs?: string | null;
  type: NodeType;
  matchedBy: string;
}

/** An entity; or the exact matches that made it fail (none: unknown, several: ambiguous) and every candidate seen. */
export type LookupOutcome = { entity: ResolvedEntity } | { failure: Candidate[]; seen: Candidate[] };

export interface Candidate {
  id: string;
  name: string;
  type: NodeType;
  code?: string | null;
  officialName?: string | null;
  nameEs?: string | null;
  acronyms?: string[] | null;
  aliases?: string[] | null;
  score?: number;
  /** How the query found it: "iati" by its IATI identifier (Actor.iatiRef, Project.iatiIdentifier). */
  via?: string;
}

export function spanishName(c: Candidate): { nameEs?: string } {
  return c.nameEs ? { nameEs: c.nameEs } : {};
}

/**
 * IATI identifiers are an agency prefix and a code ("XM-DAC-41114", "GB-GOV-1", "00006",
 * "XM-DAC-41114-PROJECT-00126825"): no spaces, at least one digit or dash. Only such references
 * are looked up by identifier, each through its range index (actor_iati_ref, project_iati_identifier).
 */
export function couldBeIatiIdentifier(reference: string): boolean {
  return reference.length <= 200 && /^[A-Za-z0-9][A-Za-z0-9._\-/:]*$/.test(reference) && /[0-9-]/.test(reference) && !nodeTypeOfId(reference);
}

/** Lucene treats these as syntax; a phrase query needs only quotes and backslashes escaped. */
function phrase(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

const MAX_TERM_LENGTH = 64;
const MAX_FUZZY_TERM_LENGTH = 32;
/** The longest reference accepted: longer text is not a name, and is refused before any query. */
export const MAX_REFERENCE_LENGTH = 300;
/** Names in one list (a filter's countries, its actors, ...): each costs a full-text lookup. */
export const MAX_REFERENCES = 50;
/** Ids in one list: each is an index seek (the explorer's filter sends up to 100 of them). */
export const MAX_REFERENCE_IDS = 1000;

/** A forgiving query for suggestions and search: exact terms first, then prefixes, then one typo. */
export function fuzzyQuery(text: string): string {
  // Lucene builds an automaton per fuzzy term and refuses long ones ("input automaton is too
  // large"): no name has words that long, so long terms are cut and get no typo tolerance.
  const terms = normalizeName(text).split(" ").filter(Boolean).slice(0, 8).map((t) => t.slice(0, MAX_TERM_LENGTH));
  if (!terms.length) return "";
  // Sought in the names' field alone: unqualified, a term is sought in every field of the index,
  // the entity's kind too (searchKind), and "agency" would find every agency.
  return `names:(${terms.map((t) => {
    const typo = t.length >= 4 && t.length <= MAX_FUZZY_TERM_LENGTH ? ` OR ${t}~${t.length >= 8 ? 2 : 1}` : "";
    return `(${t}^4 OR ${t}*^2${typo})`;
  }).join(" AND ")})`;
}

function matchedBy(candidate: Candidate, key: string, codes = true): string | null {
  const checks: [string, (string | null | undefined)[]][] = [
    ["code", codes ? [candidate.code] : []],
    ["name", [candidate.name, candidate.nameEs]],
    ["official name", [candidate.officialName]],
    ["acronym", candidate.acronyms ?? []],
    ["alias", candidate.aliases ?? []],
  ];
  for (const [how, names] of checks) {
    if (names.some((n) => n && normalizeName(n) === key)) return how;
  }
  return null;
}

const CANDIDATE = (n: string) => `${n} { .id, .name, .code, .officialName, .nameEs, .acronyms, .aliases,
  type: ${NODE_TYPE_OF(n)}, score: score, via: via }`;

/**
 * One round trip for every reference of a request; each branch is an index seek (ids and codes:
 * uniqueness constraints; IATI identifiers: range indexes; names: the full-text index).
 */
export const RESOLVE_QUERY = `
      CALL () {
        UNWIND $ids AS ref
        CALL (ref) {
          MATCH (n:Actor {id: ref}) RETURN n UNION MATCH (n:Project {id: ref}) RETURN n UNION MATCH (n:Event {id: ref}) RETURN n
          UNION MATCH (n:Country {id: ref}) RETURN n UNION MATCH (n:Region {id: ref}) RETURN n UNION MATCH (n:Theme {id: ref}) RETURN n }
        RETURN ref, n, 0.0 AS score, 'id' AS via
        UNION
        UNWIND $codes AS ref
        MATCH (n:Country {code: toUpper(ref)}) RETURN ref, n, 0.0 AS score, 'code' AS via
        UNION
        UNWIND $iati AS ref
        CALL (ref) {
          MATCH (n:Actor) WHERE n.iatiRef IN ref.variants RETURN n
          UNION MATCH (n:Project) WHERE n.iatiIdentifier IN ref.variants RETURN n }
        RETURN ref.text AS ref, n, 0.0 AS score, 'iati' AS via
        UNION
        UNWIND $texts AS ref
        CALL db.index.fulltext.queryNodes('entity_search', ref.q, {limit: 50}) YIELD node AS n, score
        RETURN ref.text AS ref, n, score, 'text' AS via
      }
      RETURN ref, collect(${CANDIDATE("n")}) AS candidates`;

/**
 * Resolutions are cached for a minute: dashboards repeat the same references, and ids and names
 * change only through writes. The cache is an instance: the server keeps one for its lifetime,
 * shared by its requests, and the writes it runs invalidate it once they have committed. Another
 * API process sees a write's effect on resolution within the minute.
 */
export class ReferenceCache {
  private readonly entries = new Map<string, { entity: ResolvedEntity; expires: number }>();
  /** Raised by every invalidation: a resolution read before one must not be cached after it. */
  private invalidations = 0;

  constructor(private readonly ttlMs = 60_000, private readonly maxEntries = 10_000) {}

  /** Take before reading the graph; `set` then drops what an invalidation made stale meanwhile. */
  get generation(): number {
    return this.invalidations;
  }

  get(reference: string, allowed?: ReadonlySet<NodeType>): ResolvedEntity | undefined {
    const hit = this.entries.get(cacheKey(reference, allowed));
    return hit && hit.expires > Date.now() ? hit.entity : undefined;
  }

  set(reference: string, allowed: ReadonlySet<NodeType> | undefined, entity: ResolvedEntity, generation = this.invalidations): void {
    if (generation !== this.invalidations) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(cacheKey(reference, allowed), { entity, expires: Date.now() + this.ttlMs });
  }

  /** Call after a write has committed: before, a concurrent read would cache the old state again. */
  invalidate(): void {
    this.invalidations += 1;
    this.entries.clear();
  }
}

function cacheKey(reference: string, allowed?: ReadonlySet<NodeType>): string {
  return `${allowed ? [...allowed].sort().join(",") : "*"}|${reference}`;
}

export class ReferenceRepository {
  constructor(private readonly run: QueryRunner, private readonly cache = new ReferenceCache()) {}

  /** Resolves every reference, or throws one error naming each that failed. */
  async resolveAll(references: string[], allowed?: ReadonlySet<NodeType>): Promise<ResolvedEntity[]> {
    const names = references.filter((r) => !nodeTypeOfId(r.trim())).length;
    if (names > MAX_REFERENCES || references.length > MAX_REFERENCE_IDS) {
      const limit = names > MAX_REFERENCES ? MAX_REFERENCES : MAX_REFERENCE_IDS;
      throw userError(`at most ${MAX_REFERENCES} names and ${MAX_REFERENCE_IDS} references in one list; this one has ${names} names of ${references.length}`,
        ErrorCode.LIMIT_EXCEEDED, { limit });
    }
    const wanted = references.map((r) => r.trim());
    const hits = wanted.map((r) => this.cache.get(r, allowed));
    if (hits.every((h): h is ResolvedEntity => h !== undefined)) return hits;
    const generation = this.cache.generation;
    const resolved = await this.resolveUncached(wanted, allowed);
    resolved.forEach((entity, i) => this.cache.set(wanted[i]!, allowed, entity, generation));
    return resolved;
  }

  private async resolveUncached(references: string[], allowed?: ReadonlySet<NodeType>): Promise<ResolvedEntity[]> {
    const unique = [...new Set(references.map((r) => r.trim()))];
    if (!unique.length) return [];
    const empty = unique.find((r) => !normalizeName(r));
    if (empty !== undefined) throw userError(`"${empty}" is not a reference: give an id, a name, an acronym or a country code`);
    const long = unique.find((r) => r.length > MAX_REFERENCE_LENGTH);
    if (long !== undefined) throw userError(`a reference is at most ${MAX_REFERENCE_LENGTH} characters; this one has ${long.length} ("${long.slice(0, 40)}…")`);
    const outcomes = await this.lookup(unique, allowed);
    const failures: { reference: string; candidates: Candidate[] }[] = [];
    for (const reference of unique) {
      const outcome = outcomes.get(reference)!;
      if ("failure" in outcome) failures.push({ reference, candidates: outcome.failure });
    }
    if (failures.length) await this.throwFor(failures, allowed);
    return references.map((r) => (outcomes.get(r.trim()) as { entity: ResolvedEntity }).entity);
  }

  /**
   * Resolves without throwing: each reference gets its entity, or the candidates that made it fail
   * (none: unknown; several: ambiguous). `codes: false` leaves two-letter words alone (free text).
   */
  async lookup(references: string[], allowed?: ReadonlySet<NodeType>, opts: { codes?: boolean } = {}): Promise<Map<string, LookupOutcome>> {
    const mayBeCode = (r: string) => opts.codes !== false && /^[A-Za-z]{2}$/.test(r);
    const unique = [...new Set(references)].filter((r) => normalizeName(r));
    const outcomes = new Map<string, LookupOutcome>();
    if (!unique.length) return outcomes;
    const rows = await this.run(RESOLVE_QUERY, {
      ids: unique.filter((r) => nodeTypeOfId(r)),
      codes: unique.filter(mayBeCode),
      iati: unique.filter(couldBeIatiIdentifier).map((text) => ({ text, variants: [...new Set([text, text.toUpperCase()])] })),
      texts: unique.filter((r) => !nodeTypeOfId(r)).map((text) => ({ text, q: phrase(normalizeName(text)) })),
    });
    const candidatesOf = new Map(rows.map((r) => [r.ref as string, r.candidates as Candidate[]]));
    for (const reference of unique) outcomes.set(reference, this.pick(reference, candidatesOf.get(reference) ?? [], allowed, opts.codes !== false));
    const unknown = unique.filter((r) => { const o = outcomes.get(r)!; return "failure" in o && !o.failure.length; });
    for (const [reference, entity] of await this.mergedInto(unknown, allowed)) outcomes.set(reference, { entity });
    return outcomes;
  }

  /**
   * References to entities merged away (entity resolution), by id or IATI identifier, found where
   * they live now: an analyst's saved query naming "10159" or "organization:iati:00006" keeps
   * working after the merge. Read only for references nothing else matched.
   */
  private async mergedInto(references: string[], allowed?: ReadonlySet<NodeType>): Promise<Map<string, ResolvedEntity>> {
    const ids = references.filter((r) => nodeTypeOfId(r));
    const keys = references.filter((r) => !nodeTypeOfId(r) && couldBeIatiIdentifier(r));
    if (!ids.length && !keys.length) return new Map();
    const now = new Map<string, { id: string; how: string }>();
    for (const [id, current] of await mergedAway(this.run, ids)) now.set(id, { id: current, how: "id (merged)" });
    const variants = keys.flatMap((k) => [k, k.toUpperCase()]);
    for (const key of ["iatiRef", "iatiIdentifier"] as const) {
      const found = await entitiesByIatiKey(this.run, key, variants);
      for (const k of keys) {
        const hit = found.get(k) ?? found.get(k.toUpperCase());
        if (hit?.merged && !now.has(k)) now.set(k, { id: hit.id, how: "IATI identifier (merged)" });
      }
    }
    if (!now.size) return new Map();
    const rows = await this.run(RESOLVE_QUERY, { ids: [...new Set([...now.values()].map((n) => n.id))], codes: [], iati: [], texts: [] });
    const entityOf = new Map(rows.map((r) => [r.ref as string, (r.candidates as Candidate[])[0]]));
    const out = new Map<string, ResolvedEntity>();
    for (const [reference, { id, how }] of now) {
      const c = entityOf.get(id);
      if (c && NAMED_TYPES.has(c.type) && (!allowed || allowed.has(c.type))) out.set(reference, { reference, id: c.id, name: c.name, ...spanishName(c), type: c.type, matchedBy: how });
    }
    return out;
  }

  /** For each word, the entities whose names come within one typo of it (full-text fuzzy terms). */
  async fuzzyCandidates(words: string[], allowed?: ReadonlySet<NodeType>): Promise<Map<string, Candidate[]>> {
    const queries = [...new Set(words)].map((word) => ({ word, q: fuzzyQuery(word) })).filter((w) => w.q);
    if (!queries.length) return new Map();
    const rows = await this.run(`
      UNWIND $queries AS w
      CALL db.index.fulltext.queryNodes('entity_search', w.q, {limit: 10}) YIELD node AS n, score
      WITH w, n, score, 'fuzzy' AS via
      RETURN w.word AS word, collect(${CANDIDATE("n")}) AS candidates`, { queries });
    return new Map(rows.map((r) => [r.word as string, (r.candidates as Candidate[])
      .filter((c) => NAMED_TYPES.has(c.type) && (!allowed || allowed.has(c.type)))]));
  }

  private pick(reference: string, candidates: Candidate[], allowed?: ReadonlySet<NodeType>, codes = true): LookupOutcome {
    const permitted = candidates.filter((c) => NAMED_TYPES.has(c.type) && (!allowed || allowed.has(c.type)));
    const asId = permitted.find((c) => c.id === reference);
    if (asId) return { entity: { reference, id: asId.id, name: asId.name, ...spanishName(asId), type: asId.type, matchedBy: "id" } };
    // An IATI identifier is exact and unique by design: it wins over names that happen to spell it.
    const byIati = [...new Map(permitted.filter((c) => c.via === "iati").map((c) => [c.id, c])).values()];
    if (byIati.length === 1) {
      const [c] = byIati;
      return { entity: { reference, id: c!.id, name: c!.name, type: c!.type, matchedBy: "IATI identifier" } };
    }
    if (byIati.length > 1) return { failure: byIati, seen: permitted };
    const key = normalizeName(reference);
    const exact = new Map<string, { candidate: Candidate; how: string }>();
    for (const candidate of permitted) {
      // Free text (codes: false): "AI" spelt by Anguilla's code alone is not Anguilla.
      const how = matchedBy(candidate, key, codes);
      if (how && !exact.has(candidate.id)) exact.set(candidate.id, { candidate, how });
    }
    // A country code ("PE") wins over an acronym that happens to spell it.
    const matches = [...exact.values()];
    const byCode = matches.filter((m) => m.how === "code");
    const chosen = byCode.length === 1 ? byCode : matches;
    if (chosen.length === 1) {
      const { candidate, how } = chosen[0]!;
      return { entity: { reference, id: candidate.id, name: candidate.name, ...spanishName(candidate), type: candidate.type, matchedBy: how } };
    }
    return { failure: chosen.map((m) => m.candidate), seen: permitted };
  }

  private async throwFor(failures: { reference: string; candidates: Candidate[] }[], allowed?: ReadonlySet<NodeType>): Promise<never> {
    const first = failures[0]!;
    const describe = (c: { id: string; name: string; type: string }) => ({ id: c.id, name: c.name, type: c.type });
    if (first.candidates.length > 1) {
      const candidates = first.candidates.map(describe);
      throw userError(
        `"${first.reference}" is ambiguous: it names ${candidates.map((c) => `${c.name} (${c.id})`).join(", ")}; use an id`,
        ErrorCode.AMBIGUOUS_REFERENCE, { reference: first.reference, candidates },
      );
    }
    const suggestions = (await this.suggest(first.reference, allowed)).map(describe);
    const hint = suggestions.length ? `; closest known names: ${suggestions.map((s) => `${s.name} (${s.id})`).join(", ")}` : "";
    throw userError(`no actor, place, theme, project or event is known as "${first.reference}"${hint}`,
      ErrorCode.REFERENCE_NOT_FOUND, { reference: first.reference, suggestions, unresolved: failures.map((f) => f.reference) });
  }

  /** The closest names, for an error message: typo-tolerant full-text search. */
  async suggest(reference: string, allowed?: ReadonlySet<NodeType>, limit = 5): Promise<Candidate[]> {
    const q = fuzzyQuery(reference);
    if (!q) return [];
    const rows = await this.run(`
      CALL db.index.fulltext.queryNodes('entity_search', $q, {limit: 20}) YIELD node AS n, score
      WITH n, score, 'text' AS via
      RETURN ${CANDIDATE("n")} AS candidate`, { q });
    return rows.map((r) => r.candidate as Candidate)
      .filter((c) => NAMED_TYPES.has(c.type) && (!allowed || allowed.has(c.type)))
      .slice(0, limit);
  }
}
