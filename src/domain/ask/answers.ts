/** Turns an operation's result into the answer's summary, items and citations. */
import type { Language } from "./text.js";
import type { Operation } from "./operations.js";
import { groupBy } from "../../model/collections.js";

export interface Item { id: string; name: string; type: string; detail: string | null }
export interface Citation { about: string; quote: string; sourceId: string; sourceTitle: string | null }
export interface Answer { summary: string; count: number | null; items: Item[] }

// The operation's result is walked as plain JSON: its shape is the operation's, fixed in operations.ts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

function t(language: Language, en: string, es: string): string {
  return language === "es" ? es : en;
}

function years(p: Obj): string | null {
  if (p.startYear == null && p.endYear == null) return null;
  return p.startYear === p.endYear ? String(p.startYear) : `${p.startYear ?? "?"}-${p.endYear ?? "?"}`;
}

/** The first names, and how many more; `capped`: the list stopped at the page size, so there may be more still. */
function list(items: Item[], language: Language, max = 5, capped = false): string {
  const shown = items.slice(0, max).map((i) => i.name).join("; ");
  const more = items.length - max;
  if (more <= 0) return shown;
  return `${shown}; ${capped ? t(language, `and at least ${more} more`, `y al menos ${more} más`) : t(language, `and ${more} more`, `y ${more} más`)}`;
}

function distinct(items: Item[]): Item[] {
  return [...new Map(items.map((i) => [i.id, i])).values()];
}

function projectItem(p: Obj): Item {
  const roles = (p.participants ?? []).map((x: Obj) => `${x.actor.name} (${x.role})`).join(", ");
  return { id: p.id, name: p.name, type: "Project", detail: [years(p), roles].filter(Boolean).join(" · ") || null };
}

function speakerItems(event: Obj): Item[] {
  const roles: Obj[] = [...(event.speakers ?? []), ...(event.sessions ?? []).flatMap((s: Obj) => s.speakers ?? [])];
  return distinct(roles.map((r) => ({
    id: r.actor.id, name: r.actor.name, type: "Actor",
    detail: [r.role, ...(r.actor.positions ?? []).map((p: Obj) => `${p.title}, ${p.organization?.name ?? ""}`)].join(" · "),
  })));
}

/** `capped`: the operation asked for a page and got a full one, so the count is a floor, said as such (count null). */
function countOrList(op: Operation, language: Language, items: Item[], none: [string, string], some: [string, string], capped = false): Answer {
  if (!items.length) return { summary: t(language, ...none), count: 0, items };
  const head = t(language, ...some);
  const many = capped ? t(language, `At least ${items.length}`, `Al menos ${items.length}`) : String(items.length);
  return { summary: `${op.count ? many : head}: ${list(items, language, 5, capped)}`, count: capped ? null : items.length, items };
}

export function answerOf(op: Operation, data: Obj, language: Language): Answer {
  switch (op.intent) {
    case "PROJECTS":
    case "FUNDED_BY": {
      const total = Number(data.projects.totalCount);
      const items = (data.projects.edges ?? []).map((e: Obj) => projectItem(e.node));
      if (op.count) return { summary: t(language, `${total} project${total === 1 ? "" : "s"}`, `${total} proyecto${total === 1 ? "" : "s"}`), count: total, items };
      if (!total) return { summary: t(language, "No project matches.", "Ningún proyecto coincide."), count: 0, items };
      return { summary: t(language, `${total} project${total === 1 ? "" : "s"}: ${list(items, language)}`, `${total} proyecto${total === 1 ? "" : "s"}: ${list(items, language)}`), count: total, items };
    }
    case "PARTNERS": {
      const items = (data.partners as Obj[]).map((p) => ({ id: p.actor.id, name: p.actor.name, type: "Actor",
        detail: t(language, `${p.sharedProjects} shared project${p.sharedProjects === 1 ? "" : "s"}`, `${p.sharedProjects} proyecto${p.sharedProjects === 1 ? "" : "s"} en común`) +
          (p.firstYear != null ? `, ${p.firstYear}-${p.lastYear}` : "") }));
      const capped = typeof op.variables.first === "number" && items.length >= op.variables.first;
      return countOrList(op, language, items, ["No partner is recorded.", "No hay socios registrados."], ["Partners", "Socios"], capped);
    }
    case "FUNDERS_OF_PROJECT": {
      const p = data.project as Obj;
      const funders: Item[] = distinct([
        ...(p.funders ?? []).map((a: Obj) => ({ id: a.id, name: a.name, type: "Actor", detail: "funder" })),
      ]);
      const supporters: Item[] = (p.participants ?? []).filter((x: Obj) => x.role === "supporter" && !funders.some((f) => f.id === x.actor.id))
        .map((x: Obj) => ({ id: x.actor.id, name: x.actor.name, type: "Actor", detail: "supporter" }));
      if (funders.length) return { summary: t(language, `${p.name} was funded by ${list(funders, language)}.`, `${p.name} fue financiado por ${list(funders, language)}.`), count: funders.length, items: [...funders, ...supporters] };
      const support = supporters.length ? t(language, ` The sources state support (not funding) from ${list(supporters, language)}.`, ` Las fuentes indican apoyo (no financiamiento) de ${list(supporters, language)}.`) : "";
      return { summary: t(language, `No funding of ${p.name} is recorded.`, `No hay financiamiento registrado para ${p.name}.`) + support, count: 0, items: supporters };
    }
    case "FUNDERS_OF_ACTOR": {
      const a = data.actor as Obj;
      // Every funder (fundingReceived, which carries the citations, stops at 500 flows).
      const items = distinct((a.funders as Obj[]).map((f) => ({ id: f.id, name: f.name, type: "Actor", detail: "funder" })));
      return countOrList(op, language, items, [`No funding of ${a.name} is recorded.`, `No hay financiamiento registrado para ${a.name}.`], [`${a.name} is funded by`, `${a.name} es financiado por`]);
    }
    case "PATH": {
      const paths = data.paths as Obj[];
      if (!paths.length) {
        const hops = Number(op.variables.maxHops);
        return { summary: t(language, `No path of at most ${hops} steps connects them.`, `Ningún camino de ${hops} pasos o menos los conecta.`), count: 0, items: [] };
      }
      const path = paths[0]!;
      const items: Item[] = path.nodes.map((n: Obj) => ({ id: n.id, name: n.label, type: n.kind, detail: null }));
      const steps = path.steps.map((s: Obj) => `${s.from.label} -[${s.type}${s.role ? ` ${s.role}` : ""}]- ${s.to.label}`).join("; ");
      return { summary: t(language, `Connected in ${path.length} step${path.length === 1 ? "" : "s"}: ${steps}`, `Conectados en ${path.length} paso${path.length === 1 ? "" : "s"}: ${steps}`), count: path.length, items };
    }
    case "WHEN_PROJECT": {
      const p = data.project as Obj;
      const span = p.startDate || p.endDate ? `${p.startDate ?? "?"} – ${p.endDate ?? "?"}` : years(p);
      return { summary: span ? t(language, `${p.name} ran ${span}.`, `${p.name} se realizó en ${span}.`) : t(language, `No dates are recorded for ${p.name}.`, `No hay fechas registradas para ${p.name}.`),
        count: null, items: [{ id: p.id, name: p.name, type: "Project", detail: span }] };
    }
    case "WHEN_EVENT": {
      const e = data.event as Obj;
      const dated = e.startDate ? e : e.partOf?.startDate ? e.partOf : null;
      const span = dated ? `${dated.startDate}${dated.endDate && dated.endDate !== dated.startDate ? ` – ${dated.endDate}` : ""}` : null;
      return { summary: span ? t(language, `${e.name}: ${span}.`, `${e.name}: ${span}.`) : t(language, `No dates are recorded for ${e.name}.`, `No hay fechas registradas para ${e.name}.`),
        count: null, items: [{ id: e.id, name: e.name, type: "Event", detail: span }] };
    }
    case "SPEAKERS":
      return countOrList(op, language, speakerItems(data.event), ["No speaker is recorded.", "No hay oradores registrados."], ["Speakers", "Oradores"]);
    case "PARTICIPANTS": {
      const p = data.project as Obj;
      // One participation per role: an actor in two roles is one participant, with both roles.
      const items = [...groupBy(p.participants as Obj[], (x) => x.actor.id).values()]
        .map((roles) => ({ id: roles[0].actor.id, name: roles[0].actor.name, type: "Actor", detail: roles.map((x) => x.role).join(", ") }));
      return countOrList(op, language, items, ["No participant is recorded.", "No hay participantes registrados."], [`Took part in ${p.name}`, `Participaron en ${p.name}`]);
    }
    case "EVENT_PROJECTS": {
      const e = data.event as Obj;
      const items = distinct([...(e.projects ?? []), ...(e.sessions ?? []).flatMap((s: Obj) => s.projects ?? [])].map(projectItem));
      return countOrList(op, language, items, ["No project was presented there.", "No se presentó ningún proyecto allí."], [`Presented at ${e.name}`, `Presentados en ${e.name}`]);
    }
  }
}

/** Every `sources` list in the result, with what it is about (an entity id, or a relationship). */
export function citationsOf(data: unknown): Citation[] {
  const out = new Map<string, Citation>();
  const visit = (value: unknown, parent: Obj | null) => {
    if (Array.isArray(value)) return value.forEach((v) => visit(v, parent));
    if (!value || typeof value !== "object") return;
    const obj = value as Obj;
    if (Array.isArray(obj.sources)) {
      const about = obj.id ?? (obj.actor && parent?.id ? `${obj.actor.id} ${obj.role ?? ""} ${parent.id}`.replace(/\s+/g, " ")
        : obj.from && obj.to ? `${obj.from.id} ${obj.type} ${obj.to.id}` : obj.actor?.id ?? parent?.id ?? "");
      for (const s of obj.sources as Obj[]) {
        const c = { about, quote: s.quote, sourceId: s.source.id, sourceTitle: s.source.title ?? null };
        out.set(`${c.about}|${c.sourceId}|${c.quote}`, c);
      }
    }
    for (const [key, child] of Object.entries(obj)) if (key !== "sources") visit(child, obj.id ? obj : parent);
  };
  visit(data, null);
  return [...out.values()];
}
