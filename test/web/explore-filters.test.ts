/**
 * The explorer's theme and year filters, in real headless Chromium over the real API: they are asked
 * about the projects drawn, so a drawn project that passes stays drawn however it was reached (a
 * related project, the 1001st project of a hub, a program's parts), and what could not be checked
 * is said in the status line.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retractAggregates } from "../../src/db/aggregates.js";
import { runRows } from "../../src/db/database.js";
import { writeGraph } from "../../src/ingest/graph-writer.js";
import { activeIn } from "../../web/explore/filters.js";
import { isolatedPage, pagesUnderTest, screenshot, settled } from "../support/web.js";

const site = pagesUnderTest();

const SOURCE = "source:test-explorer-filters";
const THEME = "theme:filters-probe";
const cite = [{ source: SOURCE, quote: "explorer filters fixture" }];
const rel = (type: string, from: string, to: string, props: Record<string, unknown> = {}) => ({ type, from, to, sources: cite, ...props });
const project = (id: string, name: string, startYear: number, endYear: number) =>
  ({ id, type: "Project", kind: "project", name, startYear, endYear, sources: cite });
const pad = (i: number) => String(i).padStart(4, "0");

/** 1000 projects of one hub, named before the hub's last one; the odd ones active 2021-2022, the even ones 2019-2020. */
const BULK = Array.from({ length: 1000 }, (_, i) => `project:filters-bulk-${pad(i)}`);
const bulkYears = (id: string) => (Number(id.slice(-4)) % 2 ? [2021, 2022] : [2019, 2020]);
/** The first 250 of them are parts of one program. */
const PARTS = BULK.slice(0, 250);
/** Years of every shape a project may carry: no start, no end, none, an end before the start. */
const ODD_YEARS: [string, number | null, number | null][] = [
  ["project:filters-y-end-only", null, 2021], ["project:filters-y-start-only", 2020, null],
  ["project:filters-y-none", null, null], ["project:filters-y-backwards", 2018, 2016], ["project:filters-y-span", 2016, 2019],
];
const PROJECTS = [...BULK, "project:filters-zz", "project:filters-f0", "project:filters-f1", "project:filters-f2", "project:filters-prog", ...ODD_YEARS.map(([id]) => id)];

interface DrawnNode { id: string; kind: string; visible: boolean }
const nodes = (page: Page) => page.evaluate(() => (globalThis as any).__coopgraph.nodes() as DrawnNode[]);
const status = (page: Page) => page.locator("#status").innerText();
const projects = async (page: Page, visible: boolean) =>
  (await nodes(page)).filter((n) => n.kind === "Project" && n.visible === visible).map((n) => n.id).sort();

/** The ids of the theme requests (linksAmong over ABOUT) the page sends from now on. */
function themeRequests(page: Page): string[][] {
  const asked: string[][] = [];
  page.on("request", (r) => {
    const body = r.url().endsWith("/graphql") ? r.postDataJSON() : null;
    if (body?.operationName === "ExplorerThemeLinks") asked.push([...body.variables.ids].sort());
  });
  return asked;
}

async function open(page: Page, query: string): Promise<void> {
  await page.goto(`${site.base}/explore/${query}`);
  await settled(page);
}

async function deleteFixture(): Promise<void> {
  await site.db.writeTransaction(async (tx) => {
    await retractAggregates((cypher, params) => runRows(tx, cypher, params), { projectIds: PROJECTS });
    await tx.run("MATCH (n) WHERE n.id STARTS WITH 'project:filters-' OR n.id STARTS WITH 'organization:filters-' OR n.id IN [$theme, $source] DETACH DELETE n",
      { theme: THEME, source: SOURCE });
  });
  site.server.referenceCache.invalidate();
}

describe("the explorer's theme and year filters", () => {
  beforeAll(async () => {
    await writeGraph(site.db, {
      sources: [{ id: SOURCE, kind: "test", title: "explorer filters fixture" }],
      nodes: [
        { id: THEME, type: "Theme", name: "Filters probe", sources: cite },
        ...["lead", "other", "hub"].map((slug) => ({ id: `organization:filters-${slug}`, type: "Organization", name: `Filters ${slug}`, sources: cite })),
        ...BULK.map((id) => project(id, `Filters bulk ${id.slice(-4)}`, bulkYears(id)[0]!, bulkYears(id)[1]!)),
        project("project:filters-zz", "Filters zz last", 2021, 2021),
        project("project:filters-f0", "Filters program", 2019, 2023),
        project("project:filters-f1", "Filters related", 2021, 2022),
        project("project:filters-f2", "Filters related off theme", 2015, 2016),
        project("project:filters-prog", "Filters program with parts", 2021, 2021),
        ...ODD_YEARS.map(([id, startYear, endYear]) => ({ id, type: "Project", kind: "project", name: `Filters ${id.slice(18)}`, startYear, endYear, sources: cite })),
      ],
      relationships: [
        ...[...BULK, "project:filters-zz"].map((id) => rel("PARTICIPATES_IN", "organization:filters-hub", id, { role: "partner" })),
        ...PROJECTS.filter((id) => id !== "project:filters-f2").map((id) => rel("ABOUT", id, THEME)),
        rel("PARTICIPATES_IN", "organization:filters-lead", "project:filters-f0", { role: "lead" }),
        rel("PARTICIPATES_IN", "organization:filters-other", "project:filters-f1", { role: "lead" }),
        rel("RELATED_TO", "project:filters-f0", "project:filters-f1", { relation: "sibling" }),
        rel("RELATED_TO", "project:filters-f0", "project:filters-f2", { relation: "sibling" }),
        ...PARTS.map((id) => rel("PART_OF", id, "project:filters-prog")),
      ],
    });
    site.server.referenceCache.invalidate();
  }, 180_000);

  afterAll(deleteFixture, 120_000);

  it("decides the years of a drawn project as the API's activeFrom and activeTo do, for years of every shape", async () => {
    const ids = ODD_YEARS.map(([id]) => id);
    const years = [null, 2015, 2016, 2017, 2019, 2020, 2021, 2022];
    const differences: string[] = [];
    for (const from of years) {
      for (const to of years) {
        if (from !== null && to !== null && from > to) continue;
        const filter = { involvingAny: ids, ...(from !== null ? { activeFrom: from } : {}), ...(to !== null ? { activeTo: to } : {}) };
        const response = await fetch(`${site.base}/graphql`, {
          method: "POST", headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "query Years($filter: ProjectFilter) { projects(filter: $filter, first: 100) { edges { node { id } } } }", variables: { filter } }),
        });
        const body = await response.json() as { data: { projects: { edges: { node: { id: string } }[] } } };
        const api = body.data.projects.edges.map((e) => e.node.id).sort();
        const page = ODD_YEARS.filter(([, startYear, endYear]) => activeIn({ startYear, endYear }, from, to)).map(([id]) => id).sort();
        if (JSON.stringify(api) !== JSON.stringify(page)) differences.push(`${from}-${to}: API ${api.join(",")}; page ${page.join(",")}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it("counts on the time bar, in each year, exactly the projects the year filter keeps for that year, and says how many end before they start", async () => {
    const { page, errors } = await isolatedPage(site.browser);
    const view = "?e=project:filters-y-backwards&e=project:filters-y-span&e=project:filters-y-start-only";
    await open(page, view);
    await screenshot(page, "explorer-filters-timebar");
    // 2016-2019 and 2020 alone; the project of 2018 that ends in 2016 is in no year, as the filter decides it.
    const bar = await page.locator("#timebar-chart title").allTextContents();
    expect(bar).toEqual(["2016: 1 active, 1 started", "2017: 1 active, 0 started", "2018: 1 active, 0 started", "2019: 1 active, 0 started", "2020: 1 active, 1 started"]);
    expect(await page.locator("#year-note").innerText()).toBe("1 project ends before it starts: in no year");
    for (const entry of bar) {
      const [year, active] = entry.split(/: | active/);
      await open(page, `${view}&from=${year}&to=${year}`);
      expect((await projects(page, true)).length, entry).toBe(Number(active));
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("keeps a related project that passes, though it involves none of the actors in view", async () => {
    const { page, errors } = await isolatedPage(site.browser);
    await open(page, "?e=project:filters-f0");
    expect(await projects(page, true)).toEqual(["project:filters-f0", "project:filters-f1", "project:filters-f2"]);
    await screenshot(page, "explorer-filters-related-none");
    const asked = themeRequests(page);
    // The related project f1 is about the theme; f2 is not. f1's only actor is not drawn.
    await open(page, `?e=project:filters-f0&theme=${THEME}`);
    await screenshot(page, "explorer-filters-related-theme");
    expect(await projects(page, true)).toEqual(["project:filters-f0", "project:filters-f1"]);
    expect(await projects(page, false)).toEqual(["project:filters-f2"]);
    expect(await status(page)).toBe("3 entities, 3 relationships");
    // A theme named in a typed URL is read as the API reads it.
    await open(page, "?e=project:filters-f0&theme=Filters%20probe");
    expect(await projects(page, true)).toEqual(["project:filters-f0", "project:filters-f1"]);
    // Years: f1 runs 2021-2022, f2 2015-2016.
    await open(page, "?e=project:filters-f0&from=2021");
    expect(await projects(page, true)).toEqual(["project:filters-f0", "project:filters-f1"]);
    expect(await projects(page, false)).toEqual(["project:filters-f2"]);
    await open(page, "?e=project:filters-f0&to=2016");
    expect(await projects(page, true)).toEqual(["project:filters-f2"]);
    // Themes and years together: f0 (2019-2023) and f2 (2015-2016) are active by 2020, f1 starts in 2021; f2 is not about the theme.
    await open(page, `?e=project:filters-f0&theme=${THEME}&to=2020`);
    expect(await projects(page, true)).toEqual(["project:filters-f0"]);
    // The themes are asked about the drawn projects themselves (those in the years); the years need no request.
    const all = ["project:filters-f0", "project:filters-f1", "project:filters-f2", THEME];
    expect(asked).toEqual([all, all, ["project:filters-f0", "project:filters-f2", THEME]]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("keeps the 1001st project of a hub that passes the filter, and a program's parts", async () => {
    const { page, errors } = await isolatedPage(site.browser);
    // 1001 projects of the hub pass the theme; this one comes last by name.
    await open(page, `?e=project:filters-zz&theme=${THEME}`);
    await screenshot(page, "explorer-filters-hub-last");
    expect(await projects(page, true)).toEqual(["project:filters-zz"]);
    expect(await status(page)).toBe("2 entities, 1 relationships");
    // The program and its 250 parts, all about the theme: no actor in view involves any of them (the
    // old filter asked about the view's actors, places and themes, and read 1000 projects by name).
    await open(page, `?e=project:filters-prog&theme=${THEME}`);
    await screenshot(page, "explorer-filters-program-parts");
    expect(await projects(page, false)).toEqual([]);
    expect(await projects(page, true)).toEqual(["project:filters-prog", ...PARTS].sort());
    expect(await status(page)).toBe("251 entities, 250 relationships");
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("filters a hub's 499 drawn projects by years and themes: exactly those outside the years are hidden", async () => {
    const { page, errors } = await isolatedPage(site.browser);
    const asked = themeRequests(page);
    await open(page, "?e=organization:filters-hub&from=2021");
    const drawn = (await nodes(page)).filter((n) => n.kind === "Project");
    expect(drawn).toHaveLength(499);
    const expected = drawn.map((n) => n.id).filter((id) => id === "project:filters-zz" || bulkYears(id)[1]! >= 2021).sort();
    expect(expected.length).toBeGreaterThan(100);
    expect(expected.length).toBeLessThan(499);
    expect(await projects(page, true)).toEqual(expected);
    // The status counts what is shown: the hub and the projects in the years.
    expect(await status(page)).toBe(`${expected.length + 1} entities, 499 relationships (Filters hub: the 500 nearest entities, 502 more left out)`);
    await screenshot(page, "explorer-filters-hub-years");
    expect(asked).toEqual([]);
    // With the theme too (every one of them is about it): one request, about the projects in the years.
    await open(page, `?e=organization:filters-hub&from=2021&theme=${THEME}`);
    expect(await projects(page, true)).toEqual(expected);
    expect(asked).toEqual([[...expected, THEME].sort()]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("says how many drawn projects could not be checked against the themes when a request fails", async () => {
    const { page, errors } = await isolatedPage(site.browser);
    // The API turns the theme request down, as its rate limit would.
    await page.route("**/graphql", (route) => route.request().postDataJSON()?.operationName === "ExplorerThemeLinks"
      ? route.fulfill({ status: 429, contentType: "application/json", body: JSON.stringify({ errors: [{ message: "too many requests: the limit is 600 per minute; retry in 12 s", extensions: { code: "RATE_LIMITED" } }] }) })
      : route.continue());
    await open(page, `?e=project:filters-f0&theme=${THEME}`);
    await screenshot(page, "explorer-filters-unchecked");
    expect(await projects(page, true)).toEqual([]);
    expect(await status(page)).toBe("1 entities, 3 relationships (3 projects not checked against the themes, hidden (too many requests: the limit is 600 per minute; retry in 12 s))");
    // The years need no request: without the theme, they still filter.
    await open(page, "?e=project:filters-f0&from=2021");
    expect(await projects(page, true)).toEqual(["project:filters-f0", "project:filters-f1"]);
    expect(errors.filter((e) => !e.includes("429"))).toEqual([]);
    await page.context().close();
  });
});
