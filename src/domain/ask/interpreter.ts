/**
 * From the words of a question and the entities named in it to one GraphQL operation, or to a
 * clear "not understood". Pure: no database, so every rule is testable on its own.
 */
import { COOPERATION_TYPES, defaultPathTypes, type NodeType, type RelationshipType } from "../../model/model.js";
import { cuesOf, type Cue } from "./lexicon.js";
import type { Intent, Operation } from "./operations.js";
import { QUERIES } from "./operations.js";
import type { Language, Word } from "./text.js";

export interface MentionedEntity {
  id: string;
  name: string;
  nameEs?: string | null;
  type: NodeType;
}

export interface Reading {
  words: Word[];
  /** Indexes of the words that belong to names or identifiers. */
  named: ReadonlySet<number>;
  entities: MentionedEntity[];
  language: Language;
}

export type Interpretation = { operation: Operation } | { problem: string };

const ACTOR = new Set<NodeType>(["Agency", "Organization", "Person", "Group"]);
const PATH_HOPS = 6;

/** The relationships a path between these entities follows beyond cooperation (what attaches a place or theme). */
function attaching(ends: MentionedEntity[]): RelationshipType[] {
  return defaultPathTypes(ends.map((e) => e.type)).filter((type) => !COOPERATION_TYPES.includes(type));
}
const PAGE = 50;

function t(language: Language, en: string, es: string): string {
  return language === "es" ? es : en;
}

function names(list: MentionedEntity[]): string {
  return list.map((e) => e.name).join(", ");
}

/** Years the question limits itself to: "between 2020 and 2021", "desde 2019", "in 2020", "after 2019" (from 2020), "2020-2021". */
export function yearRange(words: Word[]): { activeFrom?: number; activeTo?: number } {
  const years = words.flatMap((w, i) => (isYear(w) ? [{ i, year: Number(w.text) }] : []));
  if (!years.length) return {};
  // "after 2019" and "before 2018" leave the year out; "since", "from", "until", "through" keep it.
  const lead = (i: number) => [words[i - 2]?.text, words[i - 1]?.text].join(" ");
  const after = (i: number) => /\b(after|despues|despues de)$/.test(lead(i));
  const before = (i: number) => /\b(before|antes|antes de)$/.test(lead(i));
  if (years.length >= 2) {
    const [first, second] = years[0]!.year <= years[1]!.year ? [years[0]!, years[1]!] : [years[1]!, years[0]!];
    return { activeFrom: first.year + (after(first.i) ? 1 : 0), activeTo: second.year - (before(second.i) ? 1 : 0) };
  }
  const { i, year } = years[0]!;
  if (after(i)) return { activeFrom: year + 1 };
  if (/\b(since|from|desde)$/.test(lead(i))) return { activeFrom: year };
  if (before(i)) return { activeTo: year - 1 };
  if (/\b(until|till|through|hasta)$/.test(lead(i))) return { activeTo: year };
  return { activeFrom: year, activeTo: year };
}

const isYear = (w: Word) => w.number && /^(19|20)\d\d$/.test(w.text);

/** Whether an "and" of the question joins names: one that is not the "and" of "between 2019 and 2021". */
function joinedByAnd(reading: Reading): boolean {
  const ands = reading.words.filter((w, i) => !reading.named.has(i) && cuesOf(w).includes("and")).length;
  const years = reading.words.filter(isYear).length;
  return ands - (years >= 2 ? 1 : 0) > 0;
}

/**
 * Whether the actors named are the ones that fund ("What did UNDP fund?", "Projects funded by UNDP",
 * "¿Qué financió el PNUD?", "Who did UNDP fund?") rather than the ones funded ("Who funds UNDP?",
 * "¿Quién financia al PNUD?", "the funders of UNDP"). "By"/"por" names the funder; a funder noun
 * asks for funders; "who" asks for funders unless the name comes before the verb, as the subject of
 * "who did UNDP fund", or Spanish marks "who" as the object ("¿A quién financió el PNUD?").
 */
function namesTheFunder(reading: Reading, cues: Set<Cue>): boolean {
  if (cues.has("by")) return true;
  if (cues.has("funder")) return false;
  if (!cues.has("who")) return true;
  const words = reading.words;
  const free = (i: number) => !reading.named.has(i);
  const whoAsObject = words.some((w, i) => free(i) && cuesOf(w).includes("who") && i > 0 && words[i - 1]!.text === "a" && free(i - 1));
  if (whoAsObject) return true;
  const verb = words.findIndex((w, i) => free(i) && cuesOf(w).includes("fund"));
  const firstName = words.findIndex((_, i) => !free(i));
  return firstName >= 0 && verb >= 0 && firstName < verb;
}

function cueSet(reading: Reading): Set<Cue> {
  const cues = new Set<Cue>();
  reading.words.forEach((w, i) => {
    if (!reading.named.has(i)) for (const cue of cuesOf(w)) cues.add(cue);
  });
  return cues;
}

function op(intent: Intent, count: boolean, description: string, variables: Record<string, unknown>): Interpretation {
  return { operation: { intent, count, description, query: QUERIES[intent](count), variables } };
}

/** Reads the intent; the first rule that fits wins, in an order that puts the most specific first. */
export function interpret(question: Reading): Interpretation {
  // Descriptions name each entity in the question's language: "Perú", "Ciberdelito" in Spanish.
  const reading = question.language === "es" ? { ...question, entities: question.entities.map((e) => ({ ...e, name: e.nameEs || e.name })) } : question;
  const cues = cueSet(reading);
  const lang = reading.language;
  const es = reading.entities;
  const of = (types: ReadonlySet<NodeType> | NodeType) => es.filter((e) => (typeof types === "string" ? e.type === types : types.has(e.type)));
  const actors = of(ACTOR);
  const projects = of("Project");
  const events = of("Event");
  const years = yearRange(reading.words);
  const count = cues.has("count");
  const has = (...list: Cue[]) => list.some((c) => cues.has(c));

  if (has("path")) {
    if (es.length !== 2) return { problem: t(lang, `a path needs two entities; the question names ${es.length}`, `un camino necesita dos entidades; la pregunta nombra ${es.length}`) };
    const through = attaching(es);
    return op("PATH", false, t(lang, `How ${es[0]!.name} is connected to ${es[1]!.name}`, `Cómo se conecta ${es[0]!.name} con ${es[1]!.name}`)
      + (through.length ? t(lang, ` (cooperation relationships and ${through.join(", ")})`, ` (relaciones de cooperación y ${through.join(", ")})`) : ""),
      { from: es[0]!.id, to: es[1]!.id, maxHops: PATH_HOPS, relationshipTypes: through.length ? [...COOPERATION_TYPES, ...through] : null });
  }
  if (events.length === 1 && es.length === 1) {
    const event = events[0]!;
    if (has("when")) return op("WHEN_EVENT", false, t(lang, `When ${event.name} took place`, `Cuándo tuvo lugar ${event.name}`), { event: event.id });
    if (has("speaker", "spoke") || (has("presented") && has("who"))) {
      return op("SPEAKERS", count, t(lang, `Who spoke at ${event.name}`, `Quién habló en ${event.name}`), { event: event.id });
    }
    if (has("project", "presented", "what")) {
      return op("EVENT_PROJECTS", count, t(lang, `Projects presented at ${event.name}`, `Proyectos presentados en ${event.name}`), { event: event.id });
    }
  }
  if (projects.length === 1 && es.length === 1) {
    const project = projects[0]!;
    if (has("when")) return op("WHEN_PROJECT", false, t(lang, `When ${project.name} ran`, `Cuándo se realizó ${project.name}`), { project: project.id });
    if (has("fund", "funder")) return op("FUNDERS_OF_PROJECT", count, t(lang, `Who funded ${project.name}`, `Quién financió ${project.name}`), { project: project.id });
    if (has("who", "participant", "involve", "partner")) {
      return op("PARTICIPANTS", count, t(lang, `Who took part in ${project.name}`, `Quién participó en ${project.name}`), { project: project.id });
    }
  }
  if (has("fund", "funder") && actors.length >= 1) {
    const fundedBy = namesTheFunder(reading, cues);
    if (!fundedBy && actors.length === 1 && es.length === 1) {
      return op("FUNDERS_OF_ACTOR", count, t(lang, `Who funds ${actors[0]!.name}`, `Quién financia a ${actors[0]!.name}`), { actor: actors[0]!.id });
    }
    if (fundedBy) return projectsOperation(reading, cues, years, count, actors);
  }
  if ((has("partner") || (has("who") && has("work", "with"))) && actors.length === 1) {
    const others = es.filter((e) => e !== actors[0]);
    if (others.some((e) => e.type !== "Theme")) return { problem: t(lang, "partners can be narrowed by themes and years only", "los socios solo se filtran por temas y años") };
    const filter = { ...(others.length ? { themes: others.map((e) => e.id) } : {}), ...years };
    const narrowed = [...(others.length ? [t(lang, `on ${names(others)}`, `sobre ${names(others)}`)] : []), ...activeIn(years, lang, "partners")];
    return op("PARTNERS", count, [t(lang, `Partners of ${actors[0]!.name}`, `Socios de ${actors[0]!.name}`), ...narrowed].join(" "),
      { actor: actors[0]!.id, ...(Object.keys(filter).length ? { filter } : {}), first: PAGE });
  }
  if (has("support") && actors.length >= 1) return projectsOperation(reading, cues, years, count, [], ["supporter"]);
  if (has("project", "involve", "count") || (es.length && es.every((e) => e.type !== "Project" && e.type !== "Event") && !has("who", "when", "fund", "funder", "spoke", "speaker", "path"))) {
    return projectsOperation(reading, cues, years, count, []);
  }
  return { problem: t(lang, "no question form fits these words", "ninguna forma de pregunta conocida encaja con estas palabras") };
}

/** The years of a question, said of projects ("active in 2021") or of partners ("in shared projects active in 2021"). */
function activeIn({ activeFrom: from, activeTo: to }: { activeFrom?: number; activeTo?: number }, lang: Language, of: "projects" | "partners"): string[] {
  if (from === undefined && to === undefined) return [];
  const span = from !== undefined && from === to ? t(lang, `in ${from}`, `en ${from}`) : `${from ?? "…"}-${to ?? "…"}`;
  return [of === "projects" ? t(lang, `active ${span}`, `activos ${span}`) : t(lang, `in shared projects active ${span}`, `en proyectos en común activos ${span}`)];
}

function projectsOperation(reading: Reading, cues: Set<Cue>, years: { activeFrom?: number; activeTo?: number }, count: boolean, funders: MentionedEntity[],
  roles: string[] = []): Interpretation {
  const lang = reading.language;
  const rest = reading.entities.filter((e) => !funders.includes(e));
  const unfit = rest.filter((e) => e.type === "Project" || e.type === "Event");
  if (unfit.length) {
    return { problem: t(lang, `projects cannot be filtered by ${names(unfit)}`, `los proyectos no se pueden filtrar por ${names(unfit)}`) };
  }
  const involved = rest.filter((e) => ACTOR.has(e.type) || e.type === "Country");
  const regions = rest.filter((e) => e.type === "Region");
  const themes = rest.filter((e) => e.type === "Theme");
  const any = cues.has("or") && !cues.has("and") && involved.length > 1;
  // "On cybercrime and training": projects on both, as "and" between actors means all of them. Only
  // when the question names nothing else an "and" could join (actors, other places, a year range).
  const allOf = (list: MentionedEntity[]) => list.length > 1 && list.length === reading.entities.length && joinedByAnd(reading) && !cues.has("or");
  const [allThemes, allRegions] = [allOf(themes), allOf(regions)];
  const filter: Record<string, unknown> = {};
  const everyOne = [...(any ? [] : involved), ...(allThemes ? themes : []), ...(allRegions ? regions : [])];
  if (any) filter.involvingAny = involved.map((e) => e.id);
  if (everyOne.length) filter.involvingAll = everyOne.map((e) => e.id);
  // "Funded by UNDP and USAID": by both (fundersAll); "by UNDP or USAID": by either (funders).
  const anyFunder = funders.length > 1 && cues.has("or") && !joinedByAnd(reading);
  if (funders.length) filter[funders.length > 1 && !anyFunder ? "fundersAll" : "funders"] = funders.map((e) => e.id);
  if (regions.length && !allRegions) filter.regions = regions.map((e) => e.id);
  if (themes.length && !allThemes) filter.themes = themes.map((e) => e.id);
  if (roles.length) filter.roles = roles;
  Object.assign(filter, years);
  if (!Object.keys(filter).length && !count) {
    return { problem: t(lang, "which projects? name an actor, a place, a theme or years", "¿qué proyectos? nombre un actor, un lugar, un tema o años") };
  }
  const parts: string[] = [];
  if (funders.length) {
    parts.push(funders.length === 1 ? t(lang, `funded by ${names(funders)}`, `financiados por ${names(funders)}`)
      : anyFunder ? t(lang, `funded by any of ${names(funders)}`, `financiados por cualquiera de ${names(funders)}`)
        : t(lang, `funded by all of ${names(funders)}`, `financiados por todos: ${names(funders)}`));
  }
  if (involved.length) {
    parts.push(any ? t(lang, `involving any of ${names(involved)}`, `con cualquiera de ${names(involved)}`)
      : t(lang, `involving ${involved.length > 1 ? "all of " : ""}${names(involved)}`, `con ${involved.length > 1 ? "todos: " : ""}${names(involved)}`));
  }
  if (regions.length) parts.push(t(lang, `in ${allRegions ? "all of " : ""}${names(regions)}`, `en ${allRegions ? "todos: " : ""}${names(regions)}`));
  if (themes.length) parts.push(t(lang, `on ${allThemes ? "all of " : ""}${names(themes)}`, `sobre ${allThemes ? "todos: " : ""}${names(themes)}`));
  if (roles.length) parts.push(t(lang, `in the role ${roles.join(", ")}`, `con el rol ${roles.join(", ")}`));
  parts.push(...activeIn(years, lang, "projects"));
  const head = count ? t(lang, "How many projects", "Cuántos proyectos") : t(lang, "Projects", "Proyectos");
  const intent: Intent = funders.length ? "FUNDED_BY" : "PROJECTS";
  return op(intent, count, [head, ...parts].join(" "), count ? { filter } : { filter, first: PAGE });
}
