/** The side panel: the selected entity's properties and the sources of every fact, and the path's steps. */
import { esc, gql, kindColor } from "../shared/api";
import type { ViewNode, ViewPath } from "./data";
import { ACTOR, COUNTRY, EVENT, PROJECT, REGION, THEME_DETAILS } from "./queries";
import { edgeLabel } from "./data";

interface Citation { quote: string; source: { title: string; kind?: string } }
interface Named { id: string; name: string }
interface Dated { startYear?: number | null; endYear?: number | null }
interface ActorDetails extends Named {
  __typename: string; acronyms: string[]; aliases: string[]; officialName: string | null; basedIn: { name: string }[];
  jurisdiction?: string | null; jurisdictionArea?: string | null; organizationType?: string | null; iatiRef?: string | null;
  sources: Citation[]; participations: { edges: { node: { role: string; project: Named & Dated; sources: Citation[] } }[] };
}
interface ProjectDetails extends Named, Dated {
  kind: string; description: string | null; themes: { name: string }[]; involvedCountries: { name: string }[];
  sources: Citation[]; participants: { role: string; actor: Named; sources: Citation[] }[];
}
interface PlaceDetails extends Named { code?: string; nameEs?: string | null; sources: Citation[] }
interface EventDetails extends Named { kind: string; startDate: string | null; endDate: string | null; sources: Citation[]; speakers: { role: string; actor: Named }[] }

function citations(sources: Citation[] | undefined): string {
  if (!sources?.length) return `<p class="muted small">No source recorded.</p>`;
  return sources.map((c) => `<blockquote>${esc(c.quote)}</blockquote><div class="source-title">${esc(c.source.title)}${c.source.kind ? ` (${esc(c.source.kind)})` : ""}</div>`).join("");
}

function properties(rows: [string, unknown][]): string {
  const shown = rows.filter(([, v]) => v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0));
  return `<dl>${shown.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(Array.isArray(v) ? v.join(", ") : v)}</dd>`).join("")}</dl>`;
}

function years(p: { startYear?: number | null; endYear?: number | null }): string {
  if (!p.startYear) return "";
  return p.endYear && p.endYear !== p.startYear ? ` (${p.startYear}–${p.endYear})` : ` (${p.startYear})`;
}

async function detailsHtml(node: ViewNode): Promise<string> {
  const vars = { id: node.id };
  switch (node.kind) {
    case "Agency": case "Organization": case "Person": case "Group": {
      const { actor: a } = await gql<{ actor: ActorDetails | null }>(ACTOR, vars);
      if (!a) return `<p>Not found.</p>`;
      const facts = a.participations.edges.map(({ node: p }) =>
        `<div class="fact"><span class="role">${esc(p.role)}</span> in <a href="#" data-select="${esc(p.project.id)}">${esc(p.project.name)}</a>${years(p.project)}${citations(p.sources)}</div>`).join("");
      return properties([["Kind", a.__typename], ["Official name", a.officialName], ["Acronyms", a.acronyms], ["Also known as", a.aliases],
        ["Based in", a.basedIn.map((c) => c.name)], ["Jurisdiction", a.jurisdiction && `${a.jurisdiction}${a.jurisdictionArea ? `, ${a.jurisdictionArea}` : ""}`],
        ["Type", a.organizationType], ["IATI ref", a.iatiRef], ["Id", a.id]])
        + `<h3>Sources</h3>${citations(a.sources)}` + (facts ? `<h3>Participations</h3>${facts}` : "");
    }
    case "Project": {
      const { project: p } = await gql<{ project: ProjectDetails | null }>(PROJECT, vars);
      if (!p) return `<p>Not found.</p>`;
      const facts = p.participants.map((x) =>
        `<div class="fact"><a href="#" data-select="${esc(x.actor.id)}">${esc(x.actor.name)}</a> <span class="role">${esc(x.role)}</span>${citations(x.sources)}</div>`).join("");
      return properties([["Kind", p.kind], ["Years", years(p).replace(/[()]/g, "").trim()], ["Themes", p.themes.map((t) => t.name)],
        ["Countries", p.involvedCountries.map((c) => c.name)], ["Description", p.description], ["Id", p.id]])
        + `<h3>Sources</h3>${citations(p.sources)}` + (facts ? `<h3>Participants</h3>${facts}` : "");
    }
    case "Country": {
      const { country: c } = await gql<{ country: PlaceDetails | null }>(COUNTRY, vars);
      return c ? properties([["ISO code", c.code], ["Spanish", c.nameEs], ["Id", c.id]]) + `<h3>Sources</h3>${citations(c.sources)}` : "<p>Not found.</p>";
    }
    case "Region": {
      const { region: r } = await gql<{ region: PlaceDetails | null }>(REGION, vars);
      return r ? properties([["Id", r.id]]) + `<h3>Sources</h3>${citations(r.sources)}` : "<p>Not found.</p>";
    }
    case "Event": {
      const { event: e } = await gql<{ event: EventDetails | null }>(EVENT, vars);
      if (!e) return "<p>Not found.</p>";
      const speakers = e.speakers.map((s) => `<li><a href="#" data-select="${esc(s.actor.id)}">${esc(s.actor.name)}</a> (${esc(s.role)})</li>`).join("");
      return properties([["Kind", e.kind], ["Dates", [e.startDate, e.endDate].filter(Boolean).join(" – ")], ["Id", e.id]])
        + `<h3>Sources</h3>${citations(e.sources)}` + (speakers ? `<h3>Speakers</h3><ul>${speakers}</ul>` : "");
    }
    case "Theme": {
      const { themes } = await gql<{ themes: PlaceDetails[] }>(THEME_DETAILS);
      const t = themes.find((x) => x.id === node.id);
      return t ? properties([["Spanish", t.nameEs], ["Id", t.id]]) + `<h3>Sources</h3>${citations(t.sources)}` : "<p>Not found.</p>";
    }
    default:
      return properties([["Id", node.id]]);
  }
}

export interface PanelActions { expand(id: string): void; remove(id: string): void; togglePin(id: string): void; isPinned(id: string): boolean }

export async function renderDetails(target: HTMLElement, node: ViewNode | null, actions: PanelActions): Promise<void> {
  if (!node) {
    target.innerHTML = `<p class="muted">Select an entity (click it, or pick it in the list below) to see its properties and sources.</p>`;
    return;
  }
  const header = `<h2><span class="swatch" style="background:${kindColor(node.kind)}"></span> ${esc(node.label)}</h2>
    <div class="panel-actions">
      <button type="button" data-act="expand" aria-keyshortcuts="E">Expand</button>
      <button type="button" data-act="remove" aria-keyshortcuts="Delete">Remove</button>
      <button type="button" data-act="pin" aria-keyshortcuts="P" aria-pressed="${actions.isPinned(node.id)}">${actions.isPinned(node.id) ? "Unpin" : "Pin"}</button>
    </div>`;
  target.innerHTML = `${header}<p class="muted">Loading…</p>`;
  target.dataset.node = node.id;
  let body: string;
  try {
    body = await detailsHtml(node);
  } catch (err) {
    body = `<p class="error">${esc((err as Error).message)}</p>`;
  }
  if (target.dataset.node !== node.id) return;
  target.innerHTML = header + body;
  target.querySelector('[data-act="expand"]')?.addEventListener("click", () => actions.expand(node.id));
  target.querySelector('[data-act="remove"]')?.addEventListener("click", () => actions.remove(node.id));
  target.querySelector('[data-act="pin"]')?.addEventListener("click", () => actions.togglePin(node.id));
}

export function renderPath(target: HTMLElement, path: ViewPath | null, error: string | null): void {
  if (error) {
    target.innerHTML = `<h2>Path</h2><p class="error">${esc(error)}</p>`;
    return;
  }
  if (!path) {
    target.innerHTML = "";
    return;
  }
  const steps = path.steps.map((s) => `<li class="path-step">
      <strong>${esc(s.from.label)}</strong> → <span class="role">${esc(edgeLabel(s))}</span> → <strong>${esc(s.to.label)}</strong>
      ${citations(s.sources)}
    </li>`).join("");
  target.innerHTML = `<h2>Path: ${path.length} step${path.length === 1 ? "" : "s"}</h2><ol aria-label="Path steps">${steps}</ol>`;
}
