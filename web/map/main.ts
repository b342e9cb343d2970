/** The regional cooperation map: world-atlas countries drawn with d3-geo, arcs weighted by cooperationMatrix. */
import "../shared/base.css";
import "./map.css";
import { geoNaturalEarth1, geoPath, type GeoPermissibleObjects } from "d3-geo";
import { numericToAlpha2 } from "i18n-iso-countries";
import { feature } from "topojson-client";
import type { Topology, GeometryCollection } from "topojson-specification";
import atlasUrl from "world-atlas/countries-110m.json?url";
import { esc, gql } from "../shared/api";
import { boxesMeet, type Box } from "../shared/boxes";
import { renderHeader } from "../shared/nav";
import { COUNTRY_PROJECTS, FILTER_OPTIONS, MATRIX } from "./queries";

renderHeader("/map/");

interface Cell { a: { code: string; name: string }; b: { code: string; name: string }; sharedProjects: number }
interface CountryShape { code: string; name: string; feature: GeoJSON.Feature }
interface ProjectRow {
  id: string; name: string; startYear: number | null; endYear: number | null;
  participants: { role: string; actor: { id: string; name: string; basedIn: { code: string; name: string }[] } }[];
}
type Participant = ProjectRow["participants"][number];
interface MapState { theme: string; region: string; from: number | null; to: number | null; country: string | null }

const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;
const svg = document.querySelector("#map") as SVGSVGElement;
const statusBox = $("#map-status");
const debug = { ready: false, arcs: [] as { a: string; b: string; shared: number }[], error: null as string | null, unplaced: [] as string[] };
Object.assign(window, { __coopgraph: debug });

function readState(): MapState {
  const p = new URLSearchParams(location.search);
  const year = (v: string | null) => (v && /^\d{4}$/.test(v) ? Number(v) : null);
  return { theme: p.get("theme") ?? "", region: p.get("region") ?? "", from: year(p.get("from")), to: year(p.get("to")), country: p.get("country") };
}

function writeState(s: MapState): void {
  const p = new URLSearchParams();
  if (s.theme) p.set("theme", s.theme);
  if (s.region) p.set("region", s.region);
  if (s.from !== null) p.set("from", String(s.from));
  if (s.to !== null) p.set("to", String(s.to));
  if (s.country) p.set("country", s.country);
  history.replaceState(null, "", `${location.pathname}${p.size ? `?${p}` : ""}`);
}

let state = readState();

function projectFilter(s: MapState): Record<string, unknown> | null {
  const filter: Record<string, unknown> = {};
  if (s.theme) filter.themes = [s.theme];
  if (s.from !== null) filter.activeFrom = s.from;
  if (s.to !== null) filter.activeTo = s.to;
  return Object.keys(filter).length ? filter : null;
}

async function loadCountries(): Promise<CountryShape[]> {
  const topology = (await (await fetch(atlasUrl)).json()) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const collection = feature(topology, topology.objects.countries) as GeoJSON.FeatureCollection<GeoJSON.Geometry, { name: string }>;
  return collection.features.map((f) => ({ code: numericToAlpha2(String(f.id ?? "")) ?? "", name: f.properties.name, feature: f }));
}

const countriesReady = loadCountries();
let cells: Cell[] = [];

async function draw(): Promise<void> {
  debug.ready = false;
  writeState(state);
  statusBox.textContent = "Loading…";
  try {
    const [countries, data] = await Promise.all([
      countriesReady,
      gql<{ cooperationMatrix: Cell[] }>(MATRIX, { filter: projectFilter(state), within: state.region || null }),
    ]);
    cells = data.cooperationMatrix;
    render(countries, cells);
    await renderCountryPanel();
    debug.error = null;
  } catch (err) {
    debug.error = (err as Error).message;
    statusBox.textContent = `Error: ${(err as Error).message}`;
  }
  debug.ready = true;
}

function render(countries: CountryShape[], matrix: Cell[]): void {
  const width = svg.clientWidth || 900;
  const height = svg.clientHeight || 500;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const totals = new Map<string, number>();
  const pairs = new Map<string, Cell>();
  for (const cell of matrix) {
    totals.set(cell.a.code, (totals.get(cell.a.code) ?? 0) + cell.sharedProjects);
    if (cell.a.code < cell.b.code) pairs.set(`${cell.a.code}-${cell.b.code}`, cell);
  }
  const active = countries.filter((c) => totals.has(c.code));
  // With a region chosen, the map zooms onto the countries that cooperate there.
  const fitTo: GeoPermissibleObjects = state.region && active.length
    ? { type: "FeatureCollection", features: active.map((c) => c.feature) }
    : { type: "Sphere" };
  const projection = geoNaturalEarth1().fitExtent([[20, 20], [width - 20, height - 20]], fitTo);
  const path = geoPath(projection);
  const centroid = new Map<string, [number, number]>();
  for (const c of active) centroid.set(c.code, mainCentroid(c.feature, path));
  const countryPaths = countries.map((c) => {
    const classes = ["country", totals.has(c.code) ? "active" : "", c.code === state.country ? "selected" : ""].join(" ");
    const label = `${c.name}${totals.has(c.code) ? `: ${totals.get(c.code)} shared project links` : ""}`;
    return `<path class="${classes}" d="${path(c.feature) ?? ""}" data-code="${esc(c.code)}" tabindex="${totals.has(c.code) ? 0 : -1}" role="button" aria-label="${esc(label)}"><title>${esc(label)}</title></path>`;
  }).join("");
  const max = Math.max(1, ...[...pairs.values()].map((p) => p.sharedProjects));
  debug.arcs = [];
  debug.unplaced = [];
  const arcs = [...pairs.values()].sort((x, y) => x.sharedProjects - y.sharedProjects).map((cell) => {
    const from = centroid.get(cell.a.code);
    const to = centroid.get(cell.b.code);
    if (!from || !to) {
      debug.unplaced.push(`${cell.a.code}-${cell.b.code}`);
      return "";
    }
    debug.arcs.push({ a: cell.a.code, b: cell.b.code, shared: cell.sharedProjects });
    const [mx, my] = [(from[0] + to[0]) / 2, (from[1] + to[1]) / 2];
    const [dx, dy] = [to[0] - from[0], to[1] - from[1]];
    const bend = 0.25;
    const d = `M${from[0]},${from[1]} Q${mx - dy * bend},${my + dx * bend} ${to[0]},${to[1]}`;
    const widthPx = 1.5 + 6 * Math.sqrt(cell.sharedProjects / max);
    const selected = state.country && (cell.a.code === state.country || cell.b.code === state.country) ? " selected" : "";
    const label = `${cell.a.name} – ${cell.b.name}: ${cell.sharedProjects} shared project${cell.sharedProjects === 1 ? "" : "s"}`;
    return `<path class="arc${selected}" d="${d}" stroke-width="${widthPx.toFixed(2)}" data-a="${cell.a.code}" data-b="${cell.b.code}" data-shared="${cell.sharedProjects}"><title>${esc(label)}</title></path>`;
  }).join("");
  // The API's names ("United States"), not the atlas's ("United States of America").
  const nameOf = (code: string) => matrix.find((cell) => cell.a.code === code)?.a.name ?? active.find((c) => c.code === code)?.name ?? code;
  const places = placeLabels([...centroid.entries()].map(([code, at]) => ({ code, at, name: nameOf(code), weight: totals.get(code) ?? 0 })));
  // Every dot, then every name: no dot drawn over a name.
  const dots = places.map(({ at: [x, y] }) => `<circle class="dot" cx="${x}" cy="${y}" r="3"></circle>`).join("")
    + places.map(({ name, label }) => (label ? `<text class="place-label" x="${label.x}" y="${label.y}" text-anchor="${label.anchor}">${esc(name)}</text>` : "")).join("");
  svg.innerHTML = `<path d="${path({ type: "Sphere" }) ?? ""}" fill="#eaf2f8"></path><g>${countryPaths}</g><g>${arcs}</g><g>${dots}</g>`;
  const arcCount = debug.arcs.length;
  statusBox.textContent = arcCount
    ? `${active.length} countries, ${arcCount} cooperating pairs${debug.unplaced.length ? ` (${debug.unplaced.length} pairs involve places too small for this map)` : ""}`
    : "No countries share projects under these filters.";
}

interface Place { code: string; at: [number, number]; name: string; weight: number }
interface PlacedLabel { x: number; y: number; anchor: "start" | "end"; box: Box }

/** Where a name may go, from its dot: right above, right below, left above, left below. */
const SPOTS: [dx: number, dy: number, anchor: "start" | "end"][] = [[5, -5, "start"], [5, 12, "start"], [-5, -5, "end"], [-5, 12, "end"]];

/** For measuring names in the labels' font (#map .place-label in map.css: 11 px, the page's family). */
const measure = document.createElement("canvas").getContext("2d");

/**
 * Names that never run into each other nor cover a dot: the countries with the most shared projects
 * first, each tried at its SPOTS in turn, and left out (its dot, tooltip and panel still name it)
 * when no spot is free. Central America and Western Europe
 * crowded here.
 */
function placeLabels(places: Place[]): (Place & { label: PlacedLabel | null })[] {
  if (measure) measure.font = `11px ${getComputedStyle(svg).fontFamily}`;
  // The dots first: a name never covers another country's dot.
  const taken: Box[] = places.map(({ at: [x, y] }) => ({ left: x - 4, right: x + 4, top: y - 4, bottom: y + 4 }));
  return [...places].sort((a, b) => b.weight - a.weight || a.code.localeCompare(b.code)).map((place) => {
    const [x, y] = place.at;
    const width = measure ? measure.measureText(place.name).width : place.name.length * 6;
    const spots: PlacedLabel[] = SPOTS.map(([dx, dy, anchor]) => {
      const [lx, ly] = [x + dx, y + dy];
      const left = anchor === "start" ? lx : lx - width;
      return { x: lx, y: ly, anchor, box: { left: left - 1, right: left + width + 1, top: ly - 10, bottom: ly + 3 } };
    });
    const label = spots.find((spot) => !taken.some((box) => boxesMeet(box, spot.box))) ?? null;
    if (label) taken.push(label.box);
    return { ...place, label };
  });
}

/** The centroid of a country's largest polygon (France's is in France, not between it and Guyana). */
function mainCentroid(f: GeoJSON.Feature, path: ReturnType<typeof geoPath>): [number, number] {
  const geometry = f.geometry;
  if (geometry.type !== "MultiPolygon") return path.centroid(f as GeoPermissibleObjects);
  let best: GeoJSON.Polygon | null = null;
  let bestArea = -1;
  for (const coordinates of geometry.coordinates) {
    const polygon: GeoJSON.Polygon = { type: "Polygon", coordinates };
    const area = path.area(polygon);
    if (area > bestArea) [best, bestArea] = [polygon, area];
  }
  return path.centroid(best!);
}

async function renderCountryPanel(): Promise<void> {
  const panel = $("#country-panel");
  if (!state.country) {
    panel.innerHTML = `<p class="muted">Select a country to list its projects and partners.</p>`;
    return;
  }
  const code = state.country;
  const partners = cells.filter((c) => c.a.code === code).sort((x, y) => y.sharedProjects - x.sharedProjects);
  const name = partners[0]?.a.name ?? code;
  panel.innerHTML = `<h2>${esc(name)}</h2><p class="muted">Loading projects…</p>`;
  const filter = { ...(projectFilter(state) ?? {}), countries: [code] };
  const { projects } = await gql<{ projects: { totalCount: number; edges: { node: ProjectRow }[] } }>(COUNTRY_PROJECTS, { filter });
  if (state.country !== code) return;
  const partnerItems = partners.map((p) => `<li><a href="#" data-country="${esc(p.b.code)}">${esc(p.b.name)}</a>: ${p.sharedProjects} shared project${p.sharedProjects === 1 ? "" : "s"}</li>`).join("");
  const projectItems = projects.edges.map(({ node: p }) => {
    const here = p.participants.filter((x) => x.actor.basedIn.some((c) => c.code === code));
    const others = p.participants.filter((x) => !x.actor.basedIn.some((c) => c.code === code));
    const years = p.startYear ? ` (${p.startYear}${p.endYear && p.endYear !== p.startYear ? `–${p.endYear}` : ""})` : "";
    // One entry per actor, with all its roles (IATI lists an agency once per role).
    const actors = (list: Participant[]) => {
      const roles = new Map<string, { name: string; roles: string[] }>();
      for (const x of list) {
        const entry = roles.get(x.actor.id) ?? { name: x.actor.name, roles: [] };
        entry.roles.push(x.role);
        roles.set(x.actor.id, entry);
      }
      return [...roles.values()].map((a) => `${esc(a.name)} <span class="muted">(${esc(a.roles.join(", "))})</span>`).join(", ");
    };
    return `<li><a href="/explore/?e=${encodeURIComponent(p.id)}">${esc(p.name)}</a>${years}
      ${here.length ? `<div class="small">From here: ${actors(here)}</div>` : ""}
      ${others.length ? `<div class="small">Partners: ${actors(others)}</div>` : ""}</li>`;
  }).join("");
  panel.innerHTML = `<h2>${esc(name)}</h2>
    <h3>Partner countries</h3>${partnerItems ? `<ul>${partnerItems}</ul>` : `<p class="muted">None under these filters.</p>`}
    <h3>Projects (${projects.totalCount})</h3>${projectItems ? `<ul id="country-projects">${projectItems}</ul>` : `<p class="muted">None under these filters.</p>`}`;
}

function selectCountry(code: string | null): void {
  state = { ...state, country: code };
  writeState(state);
  svg.querySelectorAll(".country.selected").forEach((el) => el.classList.remove("selected"));
  if (code) svg.querySelector(`.country[data-code="${CSS.escape(code)}"]`)?.classList.add("selected");
  svg.querySelectorAll(".arc").forEach((el) => el.classList.toggle("selected", Boolean(code) && (el.getAttribute("data-a") === code || el.getAttribute("data-b") === code)));
  debug.ready = false;
  void renderCountryPanel().finally(() => (debug.ready = true));
}

svg.addEventListener("click", (event) => {
  const code = (event.target as Element).closest(".country")?.getAttribute("data-code");
  if (code) selectCountry(code);
});
svg.addEventListener("keydown", (event) => {
  const code = (event.target as Element).closest(".country")?.getAttribute("data-code");
  if (code && (event.key === "Enter" || event.key === " ")) {
    event.preventDefault();
    selectCountry(code);
  }
});
$("#country-panel").addEventListener("click", (event) => {
  const code = (event.target as Element).closest("a[data-country]")?.getAttribute("data-country");
  if (!code) return;
  event.preventDefault();
  selectCountry(code);
});

const form = $<HTMLFormElement>("#filters");
function fillForm(): void {
  $<HTMLSelectElement>("#theme").value = state.theme;
  $<HTMLSelectElement>("#region").value = state.region;
  $<HTMLInputElement>("#from").value = state.from === null ? "" : String(state.from);
  $<HTMLInputElement>("#to").value = state.to === null ? "" : String(state.to);
}
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const year = (id: string) => {
    const v = $<HTMLInputElement>(id).value;
    return /^\d{4}$/.test(v) ? Number(v) : null;
  };
  state = { ...state, theme: $<HTMLSelectElement>("#theme").value, region: $<HTMLSelectElement>("#region").value, from: year("#from"), to: year("#to") };
  void draw();
});

void gql<{ themes: { id: string; name: string }[]; regions: { code: string; name: string }[] }>(FILTER_OPTIONS).then(({ themes, regions }) => {
  $("#theme").insertAdjacentHTML("beforeend", themes.map((t) => `<option value="${esc(t.id)}">${esc(t.name)}</option>`).join(""));
  const sorted = [...regions].sort((a, b) => a.name.localeCompare(b.name));
  $("#region").insertAdjacentHTML("beforeend", sorted.map((r) => `<option value="${esc(r.name)}">${esc(r.name)}</option>`).join(""));
  fillForm();
});

window.addEventListener("resize", () => void countriesReady.then((c) => render(c, cells)));
void draw();
