/** The regional cooperation map in real headless Chromium: offline atlas, arcs from cooperationMatrix. */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { pagesUnderTest, isolatedPage, screenshot, settled } from "../support/web.js";

const site = pagesUnderTest();

const arcs = (page: Page) => page.evaluate(() => (globalThis as any).__coopgraph.arcs as { a: string; b: string; shared: number }[]);

describe("the cooperation map", () => {
  it("draws the world offline and the Argentina-Peru arc, weighted by shared projects", async () => {
    const { page, offsite, errors } = await isolatedPage(site.browser);
    const atlas = page.waitForResponse((r) => r.url().includes("/assets/countries-110m"));
    await page.goto(`${site.base}/map/`);
    expect((await atlas).status()).toBe(200);
    await settled(page);
    expect(await page.locator("#map path.country").count()).toBeGreaterThan(150);
    const arc = page.locator('#map path.arc[data-a="AR"][data-b="PE"]');
    await expect.poll(() => arc.count()).toBe(1);
    expect(await arc.getAttribute("data-shared")).toBe("1");
    const box = (await arc.boundingBox())!;
    // Buenos Aires to Lima spans a real stretch of the drawn map.
    expect(box.width * box.height).toBeGreaterThan(100);
    expect(await arc.locator("title").textContent()).toBe("Argentina – Peru: 1 shared project");
    // AR-US share two projects: a thicker arc.
    const us = page.locator('#map path.arc[data-a="AR"][data-b="US"]');
    expect(Number(await us.getAttribute("stroke-width"))).toBeGreaterThan(Number(await arc.getAttribute("stroke-width")));
    expect((await arcs(page)).map((x) => `${x.a}-${x.b}`).sort()).toEqual(["AR-CL", "AR-CR", "AR-PA", "AR-PE", "AR-US", "CR-PA", "CR-PE", "PA-PE"]);
    // Names as drawn (their boxes measured in the page) run into no other (Costa Rica and Panama sit
    // close) and cover no dot but their own.
    const drawn = await page.$$eval("#map text.place-label", (els) => els.map((e) => {
      const b = (e as unknown as { getBBox(): { x: number; y: number; width: number; height: number } }).getBBox();
      return { name: e.textContent, left: b.x, right: b.x + b.width, top: b.y, bottom: b.y + b.height };
    }));
    const dots = await page.$$eval("#map circle.dot", (els) => els.map((e) => ({ x: Number(e.getAttribute("cx")), y: Number(e.getAttribute("cy")) })));
    type Box = (typeof drawn)[number];
    const meets = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    expect(drawn.flatMap((a, i) => drawn.slice(i + 1).filter((b) => meets(a, b)).map((b) => `${a.name}/${b.name}`))).toEqual([]);
    expect(drawn.flatMap((a) => dots.filter((d) => d.x > a.left && d.x < a.right && d.y > a.top && d.y < a.bottom).map((d) => `${a.name} on ${d.x},${d.y}`))).toEqual([]);
    expect(drawn.map((l) => l.name)).toEqual(expect.arrayContaining(["Argentina", "Peru", "United States", "Costa Rica", "Panama"]));
    await screenshot(page, "map");
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("lists a country's projects and partners on click, and keeps filters in a URL that reloads the same", async () => {
    const { page, offsite } = await isolatedPage(site.browser);
    await page.goto(`${site.base}/map/`);
    await settled(page);
    // Keyboard: Tab reaches the countries that cooperate; Enter opens one.
    await page.locator('#map path.country[data-code="PE"]').focus();
    await page.keyboard.press("Enter");
    await page.waitForSelector("#country-panel h2", { timeout: 10_000 });
    expect(await page.locator("#country-panel h2").innerText()).toBe("Peru");
    await page.waitForSelector("#country-projects", { timeout: 10_000 });
    expect(await page.locator("#country-projects").innerText()).toContain("Cybercrime Conferences");
    const panel = await page.locator("#country-panel").innerText();
    expect(panel).toContain("Argentina: 1 shared project");
    expect(panel).toContain("Prosecutors from Peru (participant)");
    expect(panel).toContain("United Nations Office on Drugs and Crime (co-organizer)");
    await screenshot(page, "map-peru");

    // Latin America, cybercrime, 2021: only the conference countries remain, the US arc goes.
    await page.selectOption("#region", { label: "Latin America and the Caribbean" });
    await page.selectOption("#theme", { label: "Cybercrime" });
    await page.fill("#from", "2021");
    await page.click("#filters button[type=submit]");
    await settled(page);
    await expect.poll(async () => (await arcs(page)).map((x) => `${x.a}-${x.b}`).sort()).toEqual(["AR-CR", "AR-PA", "AR-PE", "CR-PA", "CR-PE", "PA-PE"]);
    const shared = page.url();
    expect(shared).toContain("country=PE");

    const { page: again } = await isolatedPage(site.browser);
    await again.goto(shared);
    await settled(again);
    expect((await arcs(again)).map((x) => `${x.a}-${x.b}`).sort()).toEqual(["AR-CR", "AR-PA", "AR-PE", "CR-PA", "CR-PE", "PA-PE"]);
    await again.waitForSelector("#country-projects", { timeout: 10_000 });
    expect(await again.locator("#country-panel h2").innerText()).toBe("Peru");
    expect(await again.locator("#region").inputValue()).toBe("Latin America and the Caribbean");
    await screenshot(again, "map-latin-america");
    expect(offsite).toEqual([]);
    await page.context().close();
    await again.context().close();
  });
});
