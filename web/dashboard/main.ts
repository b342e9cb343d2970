/** Dashboards: the timeline, funding by funder and year, the cooperation matrix; each shows its query. */
import "../shared/base.css";
import "./dashboard.css";
import { BarChart, HeatmapChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { esc, gql, playgroundLink } from "../shared/api";
import { renderHeader } from "../shared/nav";
import { fundingSeries, type FlowGroup } from "./funding";

echarts.use([BarChart, LineChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, CanvasRenderer]);
renderHeader("/dashboard/");

const TIMELINE = `query DashboardTimeline($filter: ProjectFilter) {
  timeline(filter: $filter) { year started active }
}`;
const FUNDING = `query DashboardFundingByFunderAndYear($filter: FundingFilter) {
  fundingFlows(groupBy: [FUNDER, YEAR], filter: $filter) {
    keys { dimension name value }
    flowType currency total flows unknownAmounts
  }
}`;
const MATRIX = `query DashboardCooperationMatrix($filter: ProjectFilter) {
  cooperationMatrix(level: COUNTRY, filter: $filter) { a { code name } b { code name } sharedProjects }
}`;
const THEMES = `query DashboardThemes { themes { id name } }`;

interface Filters { theme: string; from: number | null; to: number | null }
const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;
const debug = {
  ready: false, charts: {} as Record<string, unknown>, error: null as string | null,
  /** The matrix's rows as drawn: each country's name and the pixel height of its row (ECharts' own layout). */
  matrixRows: () => [] as { name: string; px: number }[],
};
Object.assign(window, { __coopgraph: debug });

const charts = {
  timeline: echarts.init($("#chart-timeline")),
  funding: echarts.init($("#chart-funding")),
  matrix: echarts.init($("#chart-matrix")),
};
window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));

function readFilters(): Filters {
  const p = new URLSearchParams(location.search);
  const year = (v: string | null) => (v && /^\d{4}$/.test(v) ? Number(v) : null);
  return { theme: p.get("theme") ?? "", from: year(p.get("from")), to: year(p.get("to")) };
}

function projectFilter(f: Filters): Record<string, unknown> | null {
  const filter: Record<string, unknown> = {};
  if (f.theme) filter.themes = [f.theme];
  if (f.from !== null) filter.activeFrom = f.from;
  if (f.to !== null) filter.activeTo = f.to;
  return Object.keys(filter).length ? filter : null;
}

function fundingFilter(f: Filters): Record<string, unknown> | null {
  const filter: Record<string, unknown> = {};
  if (f.theme) filter.themes = [f.theme];
  if (f.from !== null) filter.fromYear = f.from;
  if (f.to !== null) filter.toYear = f.to;
  return Object.keys(filter).length ? filter : null;
}

/** The query box under a chart: the exact document and variables, copy, and open in the playground. */
function showQuery(card: string, document: string, variables: Record<string, unknown>): void {
  const box = $(`#${card} .query-box`);
  const vars = JSON.stringify(variables, null, 2);
  box.querySelector("pre")!.textContent = `${document}\n\n# variables\n${vars}`;
  box.querySelector<HTMLAnchorElement>("a.open")!.href = playgroundLink(document, variables);
  const copy = box.querySelector<HTMLButtonElement>("button.copy")!;
  copy.onclick = async () => {
    try {
      await navigator.clipboard.writeText(document);
      copy.textContent = "Copied";
    } catch {
      copy.textContent = "Select the text above to copy";
    }
    setTimeout(() => (copy.textContent = "Copy"), 2000);
  };
}

function note(card: string, html: string): void {
  $(`#${card} .note`).innerHTML = html;
}

async function drawTimeline(f: Filters): Promise<void> {
  const variables = { filter: projectFilter(f) };
  showQuery("card-timeline", TIMELINE, variables);
  const { timeline } = await gql<{ timeline: { year: number; started: number; active: number }[] }>(TIMELINE, variables);
  debug.charts.timeline = timeline;
  note("card-timeline", timeline.length ? "" : "No dated projects under these filters.");
  charts.timeline.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: ["started", "active"], top: 0, right: 10 },
    grid: { left: 40, right: 20, top: 36, bottom: 30 },
    xAxis: { type: "category", data: timeline.map((t) => String(t.year)) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "started", type: "bar", data: timeline.map((t) => t.started), itemStyle: { color: "#1f6fb2" } },
      { name: "active", type: "line", data: timeline.map((t) => t.active), itemStyle: { color: "#d9822b" } },
    ],
  }, true);
}


/** Fills a select with the values the groups hold, the most frequent first, keeping the previous choice when it is still there. */
function choices(select: HTMLSelectElement, groups: FlowGroup[], valueOf: (g: FlowGroup) => string): void {
  const previous = select.value;
  const count = (v: string) => groups.filter((g) => valueOf(g) === v).length;
  const values = [...new Set(groups.map(valueOf))].sort((a, b) => count(b) - count(a) || a.localeCompare(b));
  select.innerHTML = values.map((v) => `<option>${esc(v)}</option>`).join("");
  if (values.includes(previous)) select.value = previous;
}

const flowTypeOf = (g: FlowGroup) => g.flowType ?? "unknown";
const currencyOf = (g: FlowGroup) => g.currency ?? "unknown";

async function drawFunding(f: Filters): Promise<void> {
  const variables = { filter: fundingFilter(f) };
  showQuery("card-funding", FUNDING, variables);
  const { fundingFlows } = await gql<{ fundingFlows: FlowGroup[] }>(FUNDING, variables);
  debug.charts.funding = fundingFlows;
  // Amounts are never summed across kinds of flow (a commitment and its disbursement are often the
  // same money) nor across currencies: one kind and one currency at a time, the most frequent first.
  const flowSelect = $<HTMLSelectElement>("#flow-type");
  const currencySelect = $<HTMLSelectElement>("#currency");
  const replot = () => {
    choices(currencySelect, fundingFlows.filter((g) => flowTypeOf(g) === flowSelect.value), currencyOf);
    plotFunding(fundingFlows, flowSelect.value, currencySelect.value);
  };
  choices(flowSelect, fundingFlows, flowTypeOf);
  flowSelect.onchange = replot;
  currencySelect.onchange = () => plotFunding(fundingFlows, flowSelect.value, currencySelect.value);
  replot();
}

function plotFunding(groups: FlowGroup[], flowType: string, currency: string): void {
  const chosen = groups.filter((g) => flowTypeOf(g) === flowType && currencyOf(g) === currency);
  const unknown = chosen.reduce((n, g) => n + g.unknownAmounts, 0);
  const empty = !groups.length;
  $("#chart-funding").hidden = empty;
  for (const label of document.querySelectorAll<HTMLElement>("#card-funding .currency")) label.hidden = empty;
  if (empty) {
    note("card-funding", "No funding flows are recorded under these filters (the seed's sources state none; import IATI files to see flows).");
    charts.funding.clear();
    return;
  }
  charts.funding.resize();
  note("card-funding", unknown ? `${unknown} flows with an unknown amount are counted apart, not as zero.` : "");
  const { years, series } = fundingSeries(chosen);
  charts.funding.setOption({
    tooltip: { trigger: "axis", valueFormatter: (v: unknown) => `${Number(v).toLocaleString("en")} ${currency} (${flowType})` },
    legend: { type: "scroll", top: 0 },
    grid: { left: 70, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: years },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => Intl.NumberFormat("en", { notation: "compact" }).format(v) } },
    series: series.map((s) => ({ ...s, type: "bar" as const, stack: "total" })),
  }, true);
}

/** Pixels per country row of the matrix, and for its top and bottom margins (the rotated names below). */
const MATRIX_ROW_PX = 18;
const MATRIX_MARGINS = 160;

async function drawMatrix(f: Filters): Promise<void> {
  const variables = { filter: projectFilter(f) };
  showQuery("card-matrix", MATRIX, variables);
  const { cooperationMatrix: cells } = await gql<{ cooperationMatrix: { a: { code: string; name: string }; b: { code: string; name: string }; sharedProjects: number }[] }>(MATRIX, variables);
  debug.charts.matrix = cells;
  const totals = new Map<string, number>();
  const names = new Map<string, string>();
  for (const c of cells) {
    totals.set(c.a.code, (totals.get(c.a.code) ?? 0) + c.sharedProjects);
    names.set(c.a.code, c.a.name);
  }
  // The 40 most connected countries, most connected first.
  const codes = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([code]) => code);
  const index = new Map(codes.map((c, i) => [c, i]));
  const data = cells.filter((c) => index.has(c.a.code) && index.has(c.b.code)).map((c) => [index.get(c.a.code)!, index.get(c.b.code)!, c.sharedProjects]);
  note("card-matrix", cells.length ? (totals.size > codes.length ? `The ${codes.length} most connected of ${totals.size} countries.` : "") : "No two countries share a project under these filters.");
  const max = Math.max(1, ...data.map((d) => d[2]));
  const labels = codes.map((c) => names.get(c) ?? c);
  // A row per country tall enough for its name (the 40 rows of a large graph ran into each other in 420 px).
  $("#chart-matrix").style.height = `${Math.max(420, MATRIX_MARGINS + codes.length * MATRIX_ROW_PX)}px`;
  charts.matrix.resize();
  debug.matrixRows = () => {
    const centres = labels.map((_, i) => charts.matrix.convertToPixel({ yAxisIndex: 0 }, i));
    return labels.map((name, i) => ({ name, px: Math.abs(centres[i === centres.length - 1 ? i - 1 : i + 1]! - centres[i]!) }));
  };
  charts.matrix.setOption({
    tooltip: { formatter: (p: { value: number[] }) => `${esc(labels[p.value[0]])} – ${esc(labels[p.value[1]])}: ${p.value[2]} shared project${p.value[2] === 1 ? "" : "s"}` },
    // Room below for the rotated names (the longest, "Dominican Republic", was cut at 110 px) and right for the scale.
    grid: { left: 130, right: 70, top: 10, bottom: MATRIX_MARGINS - 10 },
    xAxis: { type: "category", data: labels, axisLabel: { rotate: 50, interval: 0 }, splitArea: { show: true } },
    yAxis: { type: "category", data: labels, inverse: true, axisLabel: { interval: 0 }, splitArea: { show: true } },
    visualMap: { min: 0, max, calculable: true, orient: "vertical", right: 0, top: "middle", inRange: { color: ["#e3eef9", "#1f6fb2", "#13263a"] }, show: max > 1 },
    series: [{ type: "heatmap", data, label: { show: codes.length <= 15 }, emphasis: { itemStyle: { borderColor: "#000", borderWidth: 1 } } }],
  }, true);
}

async function drawAll(): Promise<void> {
  debug.ready = false;
  const f = readFilters();
  $<HTMLSelectElement>("#theme").value = f.theme;
  $<HTMLInputElement>("#from").value = f.from === null ? "" : String(f.from);
  $<HTMLInputElement>("#to").value = f.to === null ? "" : String(f.to);
  const results = await Promise.allSettled([drawTimeline(f), drawFunding(f), drawMatrix(f)]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  debug.error = failed ? String(failed.reason?.message ?? failed.reason) : null;
  if (failed) note("card-timeline", `<span class="error">${esc(debug.error)}</span>`);
  debug.ready = true;
}

$("#filters").addEventListener("submit", (event) => {
  event.preventDefault();
  const p = new URLSearchParams();
  const theme = $<HTMLSelectElement>("#theme").value;
  const from = $<HTMLInputElement>("#from").value;
  const to = $<HTMLInputElement>("#to").value;
  if (theme) p.set("theme", theme);
  if (/^\d{4}$/.test(from)) p.set("from", from);
  if (/^\d{4}$/.test(to)) p.set("to", to);
  history.replaceState(null, "", `${location.pathname}${p.size ? `?${p}` : ""}`);
  void drawAll();
});

void gql<{ themes: { id: string; name: string }[] }>(THEMES).then(({ themes }) => {
  $("#theme").insertAdjacentHTML("beforeend", themes.map((t) => `<option value="${esc(t.id)}">${esc(t.name)}</option>`).join(""));
  $<HTMLSelectElement>("#theme").value = readFilters().theme;
});
void drawAll();
