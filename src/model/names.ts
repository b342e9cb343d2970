import { createHash } from "node:crypto";

/**
 * How names are compared: case, accents and punctuation never matter ("Fiscalía" = "fiscalia",
 * "EE. UU." = "ee uu"). Used for reference resolution, sort keys and the full-text `names` field.
 */
export function normalizeName(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** An id-friendly form of a name: "Fiscalía de Chile" -> "fiscalia-de-chile" (may be empty), cut to `max` characters. */
export function slug(text: string, max = 80): string {
  return text.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, max);
}

export interface Named {
  name: string;
  officialName?: string | null;
  nameEs?: string | null;
  acronyms?: string[] | null;
  aliases?: string[] | null;
  code?: string | null;
}

/** Every name an analyst may type for an entity, original spelling, without duplicates. */
export function allNames(entity: Named): string[] {
  const names = [entity.name, entity.officialName, entity.nameEs, entity.code, ...(entity.acronyms ?? []), ...(entity.aliases ?? [])];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of names) {
    if (!name) continue;
    const key = normalizeName(name);
    if (key && !seen.has(key)) {
      seen.add(key);
      out.push(name);
    }
  }
  return out;
}

/** Properties derived from the names: `nameKey` for sorting and `names` for the full-text index. */
export function nameProperties(entity: Named): { nameKey: string; names: string } {
  return { nameKey: normalizeName(entity.name), names: allNames(entity).join(" | ") };
}

/** Longest slug an id takes as it is; a longer one is cut and told apart by a digest of the whole. */
const MAX_ID_SLUG = 80;

/**
 * The slug of an id derived from a name or a key; never empty. So that a write never lands on
 * another entity, two names get different ids unless they compare as the same name:
 * - slugs that share their first 80 characters are cut to 67 and end in a digest of the whole slug;
 * - a name with letters or digits a slug cannot spell ("国家检察院", "Генеральная прокуратура",
 *   "Ministry of Justice (Україна)") ends in a digest of the name as names compare: their slugs
 *   alone were "unnamed" or "ministry-of-justice" for all of them.
 * Other slugs of 80 characters or fewer are as they always were.
 */
export function idSlug(text: string): string {
  const whole = slug(text, Infinity) || "unnamed";
  const spelt = normalizeName(text);
  const lossy = /[^a-z0-9 ]/.test(spelt);
  if (whole.length <= MAX_ID_SLUG && !lossy) return whole;
  const digest = createHash("sha256").update(lossy ? spelt : whole).digest("hex").slice(0, 12);
  return `${whole.slice(0, MAX_ID_SLUG - 13).replace(/-+$/, "")}-${digest}`;
}

/** The id slug before digests: cut at 80 characters, other scripts dropped (ids written before kept this form). */
export function legacyIdSlug(text: string): string {
  return slug(text, MAX_ID_SLUG) || "unnamed";
}
