/** The dashboard in real headless Chromium: three charts from named GraphQL operations, each showing its query. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/config.js";
import { writeGraph } from "../../src/ingest/graph-writer.js";
import { graphqlOperations, pagesUnderTest, isolatedPage, screenshot, settled } from "../support/web.js";

const site = pagesUnderTest();

describe("the dashboard", () => {
  it("draws the timeline, funding and matrix charts through named operations, offline", async () => {
    const { page, offsite, errors } = await isolatedPage(site.browser);
    const operations = graphqlOperations(page);
    await page.goto(`${site.base}/dashboard/`);
    await settled(page);
    expect(operations.sort()).toEqual(["DashboardCooperationMatrix", "DashboardFundingByFunderAndYear", "DashboardThemes", "DashboardTimeline"]);
    const charts = await page.evaluate(() => (globalThis as any).__coopgraph.charts);
    expect(charts.timeline).toEqual([{ year: 2020, started: 5, active: 5 }, { year: 2021, started: 0, active: 5 }]);
    expect(charts.funding).toEqual([]);
    expect(charts.matrix).toHaveLength(16);
    // The charts drew something (ECharts canvases), and the empty funding chart says why.
    for (const id of ["#chart-timeline", "#chart-matrix"]) expect(await page.locator(`${id} canvas`).count()).toBeGreaterThan(0);
    expect(await page.locator("#card-funding .note").innerText()).toContain("No funding flows");
    // Each chart shows the query behind it and links to the playground with it.
    await page.locator("#card-timeline summary").click();
    expect(await page.locator("#card-timeline pre.query").innerText()).toContain("query DashboardTimeline");
    const link = await page.locator("#card-matrix a.open").getAttribute("href");
    expect(new URL(link!, site.base).searchParams.get("query")).toContain("cooperationMatrix(level: COUNTRY");
    // ECharts animates a chart in for about a second: a screenshot taken at once shows a bar barely begun.
    await page.waitForTimeout(1500);
    await screenshot(page, "dashboard");
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("opens a chart's query in the offline playground, ready to run", async () => {
    const { page, offsite } = await isolatedPage(site.browser);
    await page.goto(`${site.base}/dashboard/`);
    await settled(page);
    const href = await page.locator("#card-timeline a.open").getAttribute("href");
    await page.goto(new URL(href!, site.base).href);
    await page.waitForSelector(".graphiql-execute-button", { timeout: 30_000 });
    await expect.poll(() => page.locator(".graphiql-query-editor").innerText()).toContain("query DashboardTimeline");
    await page.click(".graphiql-execute-button");
    await expect.poll(() => page.locator(".graphiql-response").innerText(), { timeout: 20_000 }).toContain("\"active\": 5");
    expect(offsite).toEqual([]);
    await page.context().close();
  });

  it("filters by theme and years, kept in the URL", async () => {
    const { page } = await isolatedPage(site.browser);
    await page.goto(`${site.base}/dashboard/?theme=theme:drug-markets&from=2021`);
    await settled(page);
    const charts = await page.evaluate(() => (globalThis as any).__coopgraph.charts);
    // From 2021: the 2020-2021 drug-markets project counts in 2021 only (a 2020 bar would count only the projects still active in 2021).
    expect(charts.timeline.map((t: { year: number }) => t.year)).toEqual([2021]);
    expect(charts.timeline[0]).toMatchObject({ year: 2021, active: 1, started: 0 });
    expect(await page.locator("#theme").inputValue()).toBe("theme:drug-markets");
    await page.context().close();
  });

  // Last in this file: it adds 40 countries to the seed's graph and takes them away again.
  it("gives each of a large graph's 40 matrix countries a row tall enough for its name", async () => {
    const codes = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "seed", "reference", "countries.json"), "utf8")) as { countries: { code: string }[] })
      .countries.map((c) => c.code).filter((c) => /^[B-D]/.test(c)).slice(0, 40);
    expect(codes).toHaveLength(40);
    const cite = [{ source: "source:test-dashboard-matrix", quote: "dashboard matrix fixture" }];
    await writeGraph(site.db, {
      sources: [{ id: "source:test-dashboard-matrix", kind: "test", title: "dashboard matrix fixture" }],
      nodes: [{ id: "project:matrix-40", type: "Project", name: "Matrix forty", startYear: 2020, sources: cite },
        ...codes.map((c) => ({ id: `group:matrix-${c}`, type: "Group", name: `Matrix ${c}`, sources: cite }))],
      relationships: codes.flatMap((c) => [
        { type: "PARTICIPATES_IN", from: `group:matrix-${c}`, to: "project:matrix-40", role: "partner", sources: cite },
        { type: "BASED_IN", from: `group:matrix-${c}`, to: `country:${c}`, sources: cite }]),
    });
    try {
      const { page, errors } = await isolatedPage(site.browser);
      await page.goto(`${site.base}/dashboard/`);
      await settled(page);
      const rows = await page.evaluate(() => (globalThis as any).__coopgraph.matrixRows() as { name: string; px: number }[]);
      expect(rows).toHaveLength(40);
      // ECharts' axis names are 12 px: a row under 16 px runs them into each other (420 px gave 6.5).
      expect(rows.filter((r) => r.px < 16)).toEqual([]);
      expect(await page.locator("#card-matrix .note").innerText()).toMatch(/The 40 most connected of 4\d countries/);
      // The rotated names under the matrix, whole (the page scrolls inside its main area).
      await page.locator("#card-matrix details").scrollIntoViewIfNeeded();
      await page.waitForTimeout(1500);
      await screenshot(page, "dashboard-matrix-40");
      expect(errors).toEqual([]);
      await page.context().close();
    } finally {
      await site.db.write("MATCH (n) WHERE n.id STARTS WITH 'group:matrix-' OR n.id = 'project:matrix-40' OR n.id = 'source:test-dashboard-matrix' DETACH DELETE n");
    }
  });
});
