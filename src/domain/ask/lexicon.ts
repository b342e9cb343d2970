/**
 * The words the interpreter understands besides names, in English and Spanish. Cue words are
 * compared by their Snowball stems (computed here by the same stemmers as the question's words),
 * so inflections need not be listed; except the cues in WHOLE_WORD, whose stems meet another
 * cue's ("financiador" and "financió" both stem to "financi"). A word that is neither a name, a cue, nor in FILLER makes
 * the question "not understood": the interpreter never drops a word it cannot read.
 */
import { normalizeName } from "../../model/names.js";
import { stem, type Language, type Word } from "./text.js";

export type Cue =
  | "project" | "involve" | "and" | "or" | "count" | "who" | "what" | "fund" | "funder" | "by"
  | "partner" | "work" | "with" | "path" | "when" | "spoke" | "speaker" | "participant" | "presented" | "support"
  | "between" | "from" | "to" | "since" | "until" | "in";

const CUES: Record<Cue, { en: string[]; es: string[] }> = {
  project: { en: ["project", "projects", "program", "programs", "programme", "programmes", "activity", "activities", "initiative", "initiatives"],
    es: ["proyecto", "proyectos", "programa", "programas", "actividad", "actividades", "iniciativa", "iniciativas"] },
  involve: { en: ["involve", "involved", "involving", "include", "included", "including", "participate", "participated", "feature", "featured", "join", "joined"],
    es: ["involucrar", "involucraron", "involucra", "involucran", "involucró", "involucrado", "involucrados", "incluyeron", "incluye", "incluyen", "participó", "participaron", "participa", "participan", "participar"] },
  and: { en: ["and", "both"], es: ["y", "e", "ambos", "ambas"] },
  or: { en: ["or", "either", "any"], es: ["o", "u", "cualquiera"] },
  count: { en: ["many", "number", "count"], es: ["cuantos", "cuantas", "cuántos", "cuántas", "numero", "número", "cantidad"] },
  who: { en: ["who", "whom"], es: ["quien", "quienes", "quién", "quiénes"] },
  what: { en: ["what", "which"], es: ["que", "qué", "cual", "cuales", "cuál", "cuáles"] },
  fund: { en: ["fund", "funds", "funded", "funding", "finance", "financed", "financing", "pay", "paid", "sponsor", "sponsored", "bankroll"],
    es: ["financiar", "financió", "financia", "financian", "financiaron", "financiado", "financiados", "financiada", "financiadas", "financiamiento", "financiación", "pagó", "pagaron", "patrocinó", "patrocinaron"] },
  funder: { en: ["funder", "funders", "donor", "donors", "financier", "financiers"],
    es: ["financiador", "financiadores", "financista", "financistas", "donante", "donantes", "patrocinador", "patrocinadores"] },
  by: { en: ["by"], es: ["por"] },
  partner: { en: ["partner", "partners", "partnered", "collaborate", "collaborated", "collaborator", "collaborators", "counterpart", "counterparts", "ally", "allies"],
    es: ["socio", "socios", "aliado", "aliados", "colaboró", "colaboraron", "colabora", "colaborador", "colaboradores", "contraparte", "contrapartes"] },
  work: { en: ["work", "worked", "works", "cooperate", "cooperated", "cooperates"], es: ["trabajó", "trabajaron", "trabaja", "trabajan", "cooperó", "cooperaron", "coopera"] },
  with: { en: ["with"], es: ["con"] },
  path: { en: ["path", "paths", "connected", "connect", "connects", "connection", "link", "linked", "links", "route"],
    es: ["camino", "caminos", "conecta", "conectan", "conectado", "conectada", "conexión", "vincula", "vinculado", "vinculada", "vínculo", "relaciona", "relacionado", "relacionada", "ruta"] },
  when: { en: ["when", "dates", "date", "period"], es: ["cuando", "cuándo", "fechas", "fecha", "período", "periodo"] },
  spoke: { en: ["spoke", "speak", "spoken", "talked", "addressed"], es: ["habló", "hablaron", "habla", "expuso", "expusieron", "disertó"] },
  speaker: { en: ["speaker", "speakers", "panelist", "panelists"], es: ["orador", "oradores", "ponente", "ponentes", "expositor", "expositores", "disertante", "disertantes"] },
  participant: { en: ["participants", "members", "took", "part", "involved"], es: ["participantes", "integrantes", "miembros"] },
  presented: { en: ["presented", "present", "shown", "showcased"], es: ["presentado", "presentados", "presentaron", "presentó", "expuesto", "expuestos"] },
  support: { en: ["support", "supported", "supporting", "supports", "backed", "supporter", "supporters"], es: ["apoyó", "apoyaron", "apoya", "apoyan", "apoyo", "apoyado", "apoyados", "respaldó"] },
  between: { en: ["between"], es: ["entre"] },
  from: { en: ["from", "after"], es: ["desde", "de", "después"] },
  to: { en: ["to", "until", "till", "through", "before"], es: ["a", "hasta", "antes"] },
  since: { en: ["since", "after"], es: ["desde", "después"] },
  until: { en: ["until", "till", "before"], es: ["hasta", "antes"] },
  in: { en: ["in", "during", "on", "at", "about", "regarding", "concerning"], es: ["en", "durante", "sobre", "acerca"] },
};

/** Words that carry no meaning of their own here (articles, auxiliaries, politeness, generic nouns). */
const FILLER = {
  en: `a an the of for to in on at by as is are was were be been being do does did done has have had having it its their
    there this that these those me us show list give find tell please all every some projects's s
    took take taken takes part run ran running held hold happen happened happening place occur occurred active
    cooperation international year years time times total so far ever also both any each kind kinds type
    organization organisation organizations agency agencies actor actors country countries region regions theme themes topic topics
    conference event events session sessions funding money get got receive received receives get gets how many much deal deals dealt concern concerned
    are were name named called`,
  es: `el la los las lo un una unos unas de del al a en por para con se su sus es son fue fueron ser sido era eran
    hay hubo ha han había habían tiene tienen tuvo tuvieron este esta estos estas ese esa esos esas aquel muestra muestrame
    muéstrame mostrar dime lista listar todos todas todo toda algun algún alguna algunos cada favor por
    cooperación cooperacion internacional año años vez veces total
    organización organizacion organizaciones agencia agencias actor actores país pais países paises región region regiones tema temas
    conferencia evento eventos sesión sesion sesiones financiamiento dinero recibió recibio recibe reciben recibieron
    cómo como cuánto cuanto llevó llevo cabo realizó realizo realizaron tuvo lugar desarrolló desarrollo ejecutó ejecuto ejecutaron
    trata tratan trataron tratado llamado llamada`,
};

function stemSet(list: string[], language: Language): Set<string> {
  return new Set(list.map((w) => stem(normalizeName(w), language)));
}

/** Cues read from the words as listed: the funder nouns, whose stems are the funding verbs' in Spanish. */
const WHOLE_WORD = new Set<Cue>(["funder"]);

const CUE_STEMS = Object.fromEntries((Object.keys(CUES) as Cue[]).filter((cue) => !WHOLE_WORD.has(cue)).map((cue) => [cue, {
  en: stemSet(CUES[cue].en, "en"), es: stemSet(CUES[cue].es, "es"),
}])) as Record<Cue, { en: Set<string>; es: Set<string> }>;

const CUE_WORDS = new Map([...WHOLE_WORD].map((cue) => [cue, new Set([...CUES[cue].en, ...CUES[cue].es].map(normalizeName))]));

const FILLER_STEMS = { en: stemSet(FILLER.en.split(/\s+/).filter(Boolean), "en"), es: stemSet(FILLER.es.split(/\s+/).filter(Boolean), "es") };

/** The cues a word gives, in either language. */
export function cuesOf(word: Word): Cue[] {
  const byStem = (Object.keys(CUE_STEMS) as Cue[]).filter((cue) => CUE_STEMS[cue].en.has(word.stemEn) || CUE_STEMS[cue].es.has(word.stemEs));
  return [...byStem, ...[...CUE_WORDS].filter(([, list]) => list.has(word.text)).map(([cue]) => cue)];
}

export function isFiller(word: Word): boolean {
  return FILLER_STEMS.en.has(word.stemEn) || FILLER_STEMS.es.has(word.stemEs);
}

/** Words that are neither the start nor the end of a name ("the UNODC", "la ONUDD"). */
const EDGE_WORDS = new Set(["the", "a", "an", "of", "and", "or", "in", "on", "at", "to", "by", "with", "for", "from", "el", "la", "los", "las", "un", "una",
  "de", "del", "al", "y", "e", "o", "u", "en", "con", "por", "para", "entre", "sobre"]);

export function canEdgeAName(word: Word): boolean {
  return !EDGE_WORDS.has(word.text) && !word.number;
}

const SPANISH_MARKERS = new Set(["que", "quien", "quienes", "cual", "cuales", "cuantos", "cuantas", "cuando", "el", "la", "los", "las", "y", "del", "con",
  "en", "proyectos", "programas", "entre", "sobre", "se", "fue", "hay", "como", "donde", "por", "una", "un", "al", "socios"]);
const ENGLISH_MARKERS = new Set(["what", "which", "who", "when", "how", "the", "and", "of", "did", "does", "is", "are", "was", "projects", "programs",
  "with", "between", "in", "on", "by", "many", "partners", "funded", "spoke", "involved"]);

/** English or Spanish, from the question's own words; Spanish punctuation (¿ ¡) decides at once. */
export function detectLanguage(question: string, list: Word[]): Language {
  if (/[¿¡ñ]/i.test(question)) return "es";
  let es = 0;
  let en = 0;
  for (const w of list) {
    if (SPANISH_MARKERS.has(w.text)) es++;
    if (ENGLISH_MARKERS.has(w.text)) en++;
  }
  return es > en ? "es" : "en";
}
