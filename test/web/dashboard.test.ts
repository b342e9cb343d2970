/** The dashboard in real headless Chromium: three charts from named GraphQL operations, each showing its query. */
import { describe, expect, it } from "vitest";
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
});
