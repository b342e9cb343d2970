/** The explorer in real headless Chromium over the real API and the seed. */
import fs from "node:fs";
import zlib from "node:zlib";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { writeGraph } from "../../src/ingest/graph-writer.js";
import { overlaps, rectangle, type Quad } from "../../web/explore/geometry.js";
import { discQuads, graphqlOperations, pagesUnderTest, isolatedPage, screenshot, settled } from "../support/web.js";

const site = pagesUnderTest();

interface DrawnNode { id: string; label: string; kind: string; size: number; color: string | null; visible: boolean; viewport: { x: number; y: number } | null }
interface DrawnEdge { key: string; source: string; target: string; label: string; color: string | null; size: number; visible: boolean }

const nodes = (page: Page) => page.evaluate(() => (globalThis as any).__coopgraph.nodes() as DrawnNode[]);
const edges = (page: Page) => page.evaluate(() => (globalThis as any).__coopgraph.edges() as DrawnEdge[]);
/** The boxes of the labels drawn on the canvas (sigma writes them right of each node, in its label font), with the discs. */
const labelBoxes = (page: Page) => page.evaluate(() => {
  const r = (globalThis as any).__coopgraph.renderer;
  const ctx = (globalThis as any).document.createElement("canvas").getContext("2d");
  ctx.font = `${r.getSetting("labelWeight")} ${r.getSetting("labelSize")}px ${r.getSetting("labelFont")}`;
  const size = r.getSetting("labelSize") as number;
  const { width, height } = r.getDimensions();
  return (globalThis as any).__coopgraph.nodes().filter((n: any) => n.visible && n.drawnLabel).map((n: any) => {
    const d = r.getNodeDisplayData(n.id);
    const radius = r.scaleSize(d.size);
    const left = n.viewport.x + radius + 3;
    return { id: n.id, label: n.drawnLabel as string, disc: { x: n.viewport.x, y: n.viewport.y, r: radius },
      box: { left, right: left + ctx.measureText(n.drawnLabel).width, top: n.viewport.y - size / 2 - 1, bottom: n.viewport.y + size / 2 + 1 }, canvas: { width, height } };
  }) as { id: string; label: string; disc: { x: number; y: number; r: number }; box: { left: number; right: number; top: number; bottom: number }; canvas: { width: number; height: number } }[];
});

/** Labels of `ids` that run into another's label, over another entity's disc, or out of the canvas. */
async function labelCollisions(page: Page, ids: string[]): Promise<string[]> {
  const all = (await labelBoxes(page)).filter((b) => ids.includes(b.id));
  const found: string[] = [];
  for (const a of all) {
    if (a.box.left < 0 || a.box.right > a.canvas.width || a.box.top < 0 || a.box.bottom > a.canvas.height) found.push(`${a.label} runs out of the canvas`);
    for (const b of all) {
      if (a === b) continue;
      const boxes = a.box.left < b.box.right && b.box.left < a.box.right && a.box.top < b.box.bottom && b.box.top < a.box.bottom;
      const disc = b.disc.x + b.disc.r > a.box.left && b.disc.x - b.disc.r < a.box.right && b.disc.y + b.disc.r > a.box.top && b.disc.y - b.disc.r < a.box.bottom;
      if ((boxes && a.id < b.id) || disc) found.push(`${a.label} runs into ${boxes ? "the label" : "the disc"} of ${b.label}`);
    }
  }
  return found;
}

const renders = (page: Page) => page.evaluate(() => (globalThis as any).__coopgraph.debug.renders as number);

/** Inside the canvas, at a real size: a person can see it. */
async function expectDrawn(page: Page, id: string): Promise<DrawnNode> {
  const node = (await nodes(page)).find((n) => n.id === id);
  expect(node, `${id} is on the canvas`).toBeDefined();
  const box = (await page.locator("#graph").boundingBox())!;
  expect(node!.visible).toBe(true);
  expect(node!.size).toBeGreaterThan(3);
  expect(node!.viewport!.x).toBeGreaterThan(0);
  expect(node!.viewport!.x).toBeLessThan(box.width);
  expect(node!.viewport!.y).toBeGreaterThan(0);
  expect(node!.viewport!.y).toBeLessThan(box.height);
  return node!;
}

/** The canvas is not blank where the node is: its pixels differ from the background. */
async function expectPixelsAt(page: Page, node: DrawnNode): Promise<void> {
  const box = (await page.locator("#graph").boundingBox())!;
  const shot = await page.screenshot({ clip: { x: box.x + node.viewport!.x - 3, y: box.y + node.viewport!.y - 3, width: 6, height: 6 } });
  const background = await page.screenshot({ clip: { x: box.x + 2, y: box.y + box.height - 8, width: 6, height: 6 } });
  expect(shot.equals(background)).toBe(false);
}

async function search(page: Page, text: string, expectedId: string): Promise<void> {
  const before = await renders(page);
  await page.fill("#search", text);
  await page.waitForSelector(`#search-results li[data-id="${expectedId}"]`, { timeout: 15_000 });
  await page.press("#search", "Enter");
  await settled(page, before + 1);
}

/** Types into the search box and clicks the result with that id (not the first: "Peru" finds Prosecutors from Peru too). */
async function searchAndPick(page: Page, text: string, id: string): Promise<void> {
  const before = await renders(page);
  await page.fill("#search", text);
  await page.locator(`#search-results li[data-id="${id}"]`).click({ timeout: 15_000 });
  await settled(page, before + 1);
}

/** The time bar's years as drawn: each bar's tooltip. */
const timebarYears = (page: Page) => page.locator("#timebar-chart title").allTextContents();

/** Visible edges as "source -label-> target". */
const drawnEdgeLines = async (page: Page) => (await edges(page)).filter((e) => e.visible).map((e) => `${e.source} -${e.label}-> ${e.target}`).sort();

describe("the explorer", () => {
  it("loads from the API's own assets, with no request leaving the machine, and the drawing's code only with the first entity", async () => {
    const { page, offsite, errors } = await isolatedPage(site.browser);
    const scripts = new Map<string, number>();
    page.on("response", async (response) => {
      if (/\/assets\/.+\.js$/.test(response.url())) scripts.set(new URL(response.url()).pathname, zlib.gzipSync(await response.body(), { level: 9 }).length);
    });
    const response = await page.goto(`${site.base}/explore`);
    expect(response!.status()).toBe(200);
    await settled(page);
    await page.waitForTimeout(500);
    expect(await page.title()).toBe("coopgraph explorer");
    // The first view is the search and the question: sigma and graphology (the view chunk) wait for something to draw.
    const first = [...scripts.keys()];
    expect(first.some((name) => name.includes("/view-"))).toBe(false);
    const firstGzip = [...scripts.values()].reduce((a, b) => a + b, 0);
    console.log(`[web] /explore first load: ${first.join(", ")}: ${(firstGzip / 1000).toFixed(1)} KB gzip`);
    expect(firstGzip).toBeLessThan(20_000);
    expect(await page.locator("#graph canvas").count()).toBe(0);
    await search(page, "ONUDD", "organization:unodc");
    expect([...scripts.keys()].some((name) => name.includes("/view-"))).toBe(true);
    console.log(`[web] /explore with the first graph: +${((scripts.get([...scripts.keys()].find((n) => n.includes("/view-"))!)!) / 1000).toFixed(1)} KB gzip`);
    expect(await page.locator("#graph canvas").count()).toBeGreaterThan(0);
    await expectDrawn(page, "organization:unodc");
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("finds UNODC by its Spanish acronym, draws it, and expansion brings the conferences and Peru's prosecutors", async () => {
    const { page, offsite, errors } = await isolatedPage(site.browser);
    await page.goto(`${site.base}/explore/`);
    await settled(page);
    await search(page, "ONUDD", "organization:unodc");
    const unodc = await expectDrawn(page, "organization:unodc");
    expect(unodc.label).toBe("United Nations Office on Drugs and Crime");
    expect(unodc.color).toBe("#d9822b");
    await expectPixelsAt(page, unodc);
    expect((await nodes(page)).map((n) => n.id)).not.toContain("group:prosecutors-peru");
    await screenshot(page, "explorer-search-onudd");

    // Select it (keyboard: the list of entities), then expand with E.
    await page.locator('#node-list li[data-id="organization:unodc"]').focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#details h2").innerText()).toContain("United Nations Office on Drugs and Crime");
    await expect.poll(() => page.locator("#details").innerText(), { timeout: 15_000 }).toContain("ONUDD");
    const before = await renders(page);
    await page.locator("#details button[data-act=expand]").click();
    await settled(page, before + 1);
    const peru = await expectDrawn(page, "group:prosecutors-peru");
    expect(peru.label).toBe("Prosecutors from Peru");
    await expectDrawn(page, "project:cybercrime-conferences");
    const participation = (await edges(page)).find((e) => e.source === "group:prosecutors-peru" && e.target === "project:cybercrime-conferences");
    expect(participation?.label).toBe("participant");
    expect(participation?.visible).toBe(true);
    // The side panel shows the fact's source with its quote.
    expect(await page.locator("#details").innerText()).toContain("conducted jointly with the United Nations Office on Drugs and Crime (UNODC)");
    await screenshot(page, "explorer-expanded");
    fs.copyFileSync(await screenshot(page, "explorer-expanded"), `${process.cwd()}/test-artifacts/web/explorer.png`);

    // Undo takes the expansion back; remove takes a node away.
    await page.click("#undo");
    await settled(page, before + 2);
    expect((await nodes(page)).map((n) => n.id)).not.toContain("group:prosecutors-peru");
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("highlights the 4-step path from Fiscalía de Chile to UNODC through the Buenos Aires City prosecution service, each step with role and quote", async () => {
    const { page, offsite, errors } = await isolatedPage(site.browser);
    await page.goto(`${site.base}/explore/`);
    await settled(page);
    await page.fill("#path-from", "Fiscalía de Chile");
    await page.fill("#path-to", "UNODC");
    const before = await renders(page);
    await page.click("#path-form button[type=submit]");
    await settled(page, before + 1);
    const path = await page.evaluate(() => (globalThis as any).__coopgraph.path());
    expect(path.length).toBe(4);
    expect(path.nodes.map((n: { id: string }) => n.id)).toEqual([
      "agency:fiscalia-chile", "project:training-programs-chile", "agency:mpf-caba", "project:cybercrime-conferences", "organization:unodc",
    ]);
    const highlighted = (await edges(page)).filter((e) => e.color === "#e0301e");
    expect(highlighted).toHaveLength(4);
    expect(highlighted.every((e) => e.visible && e.size >= 4)).toBe(true);
    expect(highlighted.map((e) => e.source).sort()).toEqual(["agency:fiscalia-chile", "agency:mpf-caba", "agency:mpf-caba", "organization:unodc"]);
    for (const id of path.nodes.map((n: { id: string }) => n.id)) await expectDrawn(page, id);
    const steps = page.locator("#path-panel li.path-step");
    await expect.poll(() => steps.count()).toBe(4);
    expect(await steps.nth(0).innerText()).toContain("partner");
    expect(await steps.nth(2).innerText()).toContain("co-organizer");
    expect(await steps.nth(3).innerText()).toContain("conducted jointly with the United Nations Office on Drugs and Crime (UNODC)");
    expect(await page.locator("#path-panel h2").innerText()).toBe("Path: 4 steps");
    // The form names what each end was read as; no label of the path runs into another or over an entity.
    expect(await page.locator("#path-from").inputValue()).toBe("Chilean Public Prosecution Service");
    expect(await page.locator("#path-to").inputValue()).toBe("United Nations Office on Drugs and Crime");
    expect(await labelCollisions(page, path.nodes.map((n: { id: string }) => n.id))).toEqual([]);
    await screenshot(page, "explorer-path");
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("comes back the same from a shared URL: entities, path, filters, selection and positions", async () => {
    const { page } = await isolatedPage(site.browser);
    await page.goto(`${site.base}/explore/`);
    await settled(page);
    await search(page, "Fiscalia de la Ciudad de Buenos Aires", "agency:mpf-caba");
    await page.fill("#path-from", "Fiscalía de Chile");
    await page.fill("#path-to", "UNODC");
    let before = await renders(page);
    await page.click("#path-form button[type=submit]");
    await settled(page, before + 1);
    before = await renders(page);
    await page.locator("#kind-filter input[value=Person]").uncheck();
    await settled(page, before + 1);
    const shared = page.url();
    expect(shared).toContain("hideKind=Person");
    const original = await nodes(page);
    expect(original.find((n) => n.id === "person:juan-bautista-mahiques")?.visible).toBe(false);
    const shot = await page.locator("#graph").screenshot();

    const { page: second } = await isolatedPage(site.browser);
    await second.goto(shared);
    await settled(second);
    await second.waitForFunction(() => (globalThis as any).__coopgraph.debug.renders >= 1 && (globalThis as any).__coopgraph.path());
    const again = await nodes(second);
    expect(again.map((n) => n.id).sort()).toEqual(original.map((n) => n.id).sort());
    for (const node of original) {
      const twin = again.find((n) => n.id === node.id)!;
      expect(twin.visible).toBe(node.visible);
      expect(twin.viewport!.x).toBeCloseTo(node.viewport!.x, 0);
      expect(twin.viewport!.y).toBeCloseTo(node.viewport!.y, 0);
    }
    expect(await second.locator("#kind-filter input[value=Person]").isChecked()).toBe(false);
    const secondShot = await second.locator("#graph").screenshot();
    expect(secondShot.equals(shot)).toBe(true);
    await screenshot(second, "explorer-reloaded");
    await page.context().close();
    await second.context().close();
  });

  it("filters projects by theme and by years, removes with the keyboard, and exports PNG and GEXF of the same view", async () => {
    const { page, offsite } = await isolatedPage(site.browser);
    const projectsShown = async () => (await nodes(page)).filter((n) => n.kind === "Project" && n.visible).map((n) => n.id).sort();
    await page.goto(`${site.base}/explore/?e=agency:mpf-caba`);
    await settled(page);
    expect(await projectsShown()).toHaveLength(5);
    // The seed's projects run 2020-2021: from 2022 on, none is left.
    await page.goto(`${site.base}/explore/?e=agency:mpf-caba&from=2022`);
    await settled(page);
    expect(await projectsShown()).toEqual([]);
    expect((await nodes(page)).find((n) => n.id === "agency:mpf-caba")?.visible).toBe(true);
    await page.goto(`${site.base}/explore/?e=agency:mpf-caba&theme=theme:cybercrime`);
    await settled(page);
    expect(await projectsShown()).toEqual(["project:cybercrime-conferences"]);
    expect(await page.locator("#themes").evaluate((s: any) => [...s.selectedOptions].map((o: any) => o.value))).toEqual(["theme:cybercrime"]);

    // GEXF of the same view: the export endpoint with the same anchor and theme.
    const gexfHref = await page.locator("#export-gexf").getAttribute("href");
    expect(gexfHref).toBe("/export?format=gexf&involving-any=agency%3Ampf-caba&theme=theme%3Acybercrime");
    const gexf = await (await fetch(`${site.base}${gexfHref}`)).text();
    expect(gexf).toContain("<gexf");
    expect(gexf).toContain("Cybercrime Conferences");
    expect(gexf).not.toContain("DMI project on open drug markets");
    // A view searched from a project exports that project's network, not the whole graph.
    await page.goto(`${site.base}/explore/?e=project:cybercrime-conferences`);
    await settled(page);
    const projectHref = await page.locator("#export-gexf").getAttribute("href");
    expect(projectHref).toBe("/export?format=gexf&involving-any=project%3Acybercrime-conferences");
    const projectGexf = await (await fetch(`${site.base}${projectHref}`)).text();
    expect(projectGexf).toContain("Cybercrime Conferences");
    expect(projectGexf).toContain("Prosecutors from Peru");
    expect(projectGexf).not.toContain("DMI project on open drug markets");
    await page.goto(`${site.base}/explore/?e=agency:mpf-caba&theme=theme:cybercrime`);
    await settled(page);
    // PNG of the canvas as drawn.
    const download = page.waitForEvent("download");
    await page.click("#export-png");
    const png = fs.readFileSync((await (await download).path())!);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.length).toBeGreaterThan(5000);

    // Select the conferences in the list, Delete removes them from the view.
    const before = await renders(page);
    await page.locator('#node-list li[data-id="project:cybercrime-conferences"]').focus();
    await page.keyboard.press("Enter");
    await settled(page, before + 1);
    await page.keyboard.press("Delete");
    await settled(page, before + 2);
    expect((await nodes(page)).map((n) => n.id)).not.toContain("project:cybercrime-conferences");
    expect(page.url()).toContain("x=project%3Acybercrime-conferences");
    expect(offsite).toEqual([]);
    await page.context().close();
  });

  it("answers hostile URLs and unknown entities with a message, not a broken page", async () => {
    const { page, errors } = await isolatedPage(site.browser);
    await page.goto(`${site.base}/explore/?e=organization:does-not-exist&pathFrom=%3Cscript%3E&pathTo=UNODC&pin=bad&from=20x0`);
    await settled(page);
    expect(await page.locator("#status").innerText()).toMatch(/Error|not/i);
    expect(await page.locator("script").count()).toBeLessThan(3);
    expect(errors.filter((e) => !e.includes("Failed to load resource"))).toEqual([]);
    // Path traversal and unknown files under the web prefix are refused.
    for (const bad of ["/assets/../../package.json", "/assets/%2e%2e/%2e%2e/package.json", "/explore/../../package.json", "/assets/nope.js"]) {
      const res = await fetch(`${site.base}${bad}`);
      expect(res.status, bad).toBe(404);
    }
    await page.context().close();
  });

  it("asks which programs involved UNODC and Peru: the summary, the reading and its operation, and the answer's entities drawn and highlighted; Undo takes them out", async () => {
    const { page, offsite, errors } = await isolatedPage(site.browser);
    const asked: unknown[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/graphql") && r.postDataJSON()?.operationName === "ExplorerAsk") asked.push(r.postDataJSON());
    });
    await page.goto(`${site.base}/explore/`);
    await settled(page);
    // Keyboard only: the labelled box, Enter asks.
    await page.getByLabel("Ask a question").fill("Which programs involved UNODC and Peru?");
    const before = await renders(page);
    await page.getByLabel("Ask a question").press("Enter");
    await settled(page, before + 1);
    expect(asked).toEqual([{ operationName: "ExplorerAsk", query: expect.stringContaining("ask(question: $question, language: $language)"),
      variables: { question: "Which programs involved UNODC and Peru?", language: null } }]);

    const summary = await page.locator("#ask-panel .ask-summary").innerText();
    expect(summary).toMatch(/^1 project: Cybercrime Conferences/);
    expect(await page.locator("#ask-panel .ask-reading").innerText()).toMatch(/Read as:/);
    expect(await page.locator("#ask-panel .ask-names").innerText()).toContain("United Nations Office on Drugs and Crime");
    expect(await page.locator("#ask-panel pre.query").textContent()).toContain("involvingAll");
    const open = await page.locator("#ask-panel a.open").getAttribute("href");
    expect(new URL(open!, site.base).searchParams.get("query")).toContain("projects(");

    // The answer is in the network: the project with its participants, UNODC among them, ringed and labelled.
    const project = await expectDrawn(page, "project:cybercrime-conferences");
    await expectPixelsAt(page, project);
    const unodc = await expectDrawn(page, "organization:unodc");
    expect(unodc.label).toBe("United Nations Office on Drugs and Crime");
    const drawn = await page.evaluate(() => (globalThis as any).__coopgraph.renderer.getNodeDisplayData("project:cybercrime-conferences"));
    expect(drawn.highlighted).toBe(true);
    expect(drawn.forceLabel).toBe(true);
    const state = await page.evaluate(() => (globalThis as any).__coopgraph.state());
    expect(state.ask.answer).toEqual(expect.arrayContaining(["project:cybercrime-conferences", "organization:unodc"]));
    // Peru is not a participant: the country joins the view too, since the question names it.
    expect(state.seeds.map((x: { id: string }) => x.id)).toEqual(["project:cybercrime-conferences", "country:PE"]);
    const peru = await expectDrawn(page, "country:PE");
    // ...and is not left alone: the prosecutors from Peru, participants in the conferences, are based in
    // Peru. That edge, their participation and UNODC's are drawn dark and labelled, the prosecutors in
    // their colour: the picture says why Peru matched.
    const drawnEdges = await edges(page);
    const answerEdges = drawnEdges.filter((e) => e.color === "#46566a" && e.visible).map((e) => `${e.source} -${e.label}-> ${e.target}`).sort();
    expect(answerEdges).toEqual([
      "group:prosecutors-peru -based in-> country:PE",
      "group:prosecutors-peru -participant-> project:cybercrime-conferences",
      "organization:unodc -co-organizer-> project:cybercrime-conferences",
    ]);
    const reached = new Set(["country:PE"]);
    for (let grew = true; grew;) {
      grew = false;
      for (const e of drawnEdges.filter((x) => x.visible)) {
        for (const [a, b] of [[e.source, e.target], [e.target, e.source]]) {
          if (reached.has(a) && !reached.has(b)) {
            reached.add(b);
            grew = true;
          }
        }
      }
    }
    expect([...reached].sort()).toEqual((await nodes(page)).filter((n) => n.visible).map((n) => n.id).sort());
    const bridge = await expectDrawn(page, "group:prosecutors-peru");
    expect(bridge.color).toBe("#16a085");
    // Laid out next to each other, not across the canvas.
    expect(Math.hypot(peru.viewport!.x - bridge.viewport!.x, peru.viewport!.y - bridge.viewport!.y)).toBeLessThan(250);
    expect(await page.locator("#ask-panel .ask-links").innerText()).toBe("Peru comes in through Prosecutors from Peru (based in Peru; participant in Cybercrime Conferences)");
    expect(await labelCollisions(page, [...state.ask.answer, "group:prosecutors-peru"])).toEqual([]);
    // Entities that did not answer and join nothing to it fade.
    const faded = (await nodes(page)).filter((n) => !state.ask.answer.includes(n.id) && n.id !== "group:prosecutors-peru");
    expect(faded.map((n) => n.id).sort()).toEqual(["agency:mpf-caba", "event:iap27-sig-heads-of-prosecution-services", "group:prosecutors-costa-rica", "group:prosecutors-panama"]);
    expect(faded.every((n) => n.color === "#c9d0d8")).toBe(true);
    expect(await page.locator("#graph").getAttribute("aria-label")).toContain("answering “Which programs involved UNODC and Peru?” are highlighted (Peru through Prosecutors from Peru)");
    expect(page.url()).toContain("ask=Which+programs");
    await screenshot(page, "explorer-ask-unodc-peru");

    const shared = page.url();
    // Undo (Ctrl+Z outside the box) takes the answer out again.
    await page.locator("#graph").click({ position: { x: 5, y: 5 } });
    const beforeUndo = await renders(page);
    await page.keyboard.press("Control+z");
    await settled(page, beforeUndo + 1);
    expect((await nodes(page)).map((n) => n.id)).not.toContain("project:cybercrime-conferences");
    expect(await page.locator("#ask-panel").isHidden()).toBe(true);

    // The link that was shared before the undo brings the answer back: the panel and the highlight.
    await page.goto(shared);
    await settled(page);
    await expect.poll(() => page.locator("#ask-panel .ask-summary").innerText()).toMatch(/^1 project: Cybercrime Conferences/);
    const back = await page.evaluate(() => (globalThis as any).__coopgraph.renderer.getNodeDisplayData("project:cybercrime-conferences"));
    expect(back.highlighted).toBe(true);
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("asks how the Chilean prosecution service is connected to UNODC (in Spanish too) and draws the path", async () => {
    const { page, offsite, errors } = await isolatedPage(site.browser);
    await page.goto(`${site.base}/explore/`);
    await settled(page);
    await page.fill("#ask-question", "¿Cómo se conecta la Fiscalía de Chile con la ONUDD?");
    const before = await renders(page);
    await page.click("#ask-submit");
    await settled(page, before + 1);
    expect(await page.locator("#ask-panel .ask-summary").innerText()).toMatch(/^Conectados en 4 pasos/);
    const path = await page.evaluate(() => (globalThis as any).__coopgraph.path());
    expect(path.nodes.map((n: { id: string }) => n.id)).toEqual([
      "agency:fiscalia-chile", "project:training-programs-chile", "agency:mpf-caba", "project:cybercrime-conferences", "organization:unodc",
    ]);
    for (const id of path.nodes.map((n: { id: string }) => n.id)) await expectDrawn(page, id);
    expect((await edges(page)).filter((e) => e.color === "#e0301e")).toHaveLength(4);
    await screenshot(page, "explorer-ask-path");
    // The same in English, as the example under the box reads it.
    await page.fill("#ask-question", "How is the Chilean prosecution service connected to UNODC?");
    const again = await renders(page);
    await page.press("#ask-question", "Enter");
    await settled(page, again + 1);
    expect(await page.locator("#ask-panel .ask-summary").innerText()).toMatch(/^Connected in 4 steps: Chilean Public Prosecution Service → /);
    const english = await page.evaluate(() => (globalThis as any).__coopgraph.path());
    expect(english.length).toBe(4);
    expect(await labelCollisions(page, english.nodes.map((n: { id: string }) => n.id))).toEqual([]);
    // The path form shows the two entities by name (the question was read into their ids)...
    expect(await page.locator("#path-from").inputValue()).toBe("Chilean Public Prosecution Service");
    expect(await page.locator("#path-to").inputValue()).toBe("United Nations Office on Drugs and Crime");
    expect(await page.evaluate(() => (globalThis as any).__coopgraph.state().path)).toEqual({ from: "agency:fiscalia-chile", to: "organization:unodc" });
    // ...and Find path with those names keeps the ids they stand for.
    const resubmit = await renders(page);
    await page.click("#path-form button[type=submit]");
    await settled(page, resubmit + 1);
    expect(page.url()).toContain("pathFrom=agency%3Afiscalia-chile&pathTo=organization%3Aunodc");
    expect((await page.evaluate(() => (globalThis as any).__coopgraph.path())).length).toBe(4);
    await screenshot(page, "explorer-ask-path-en");
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("says when it cannot read a question, with the unknown word and questions it understands, and draws nothing", async () => {
    const { page, offsite, errors } = await isolatedPage(site.browser);
    await page.goto(`${site.base}/explore/`);
    await settled(page);
    const rendersBefore = await renders(page);
    await page.fill("#ask-question", "What is the weather in Lima?");
    await page.press("#ask-question", "Enter");
    await page.waitForSelector("#ask-panel .ask-not-understood");
    expect(await page.locator("#ask-panel .ask-not-understood").innerText()).toMatch(/^Not understood: /);
    expect(await page.locator("#ask-panel").innerText()).toContain("weather");
    expect(await page.locator("#ask-panel .ask-examples button").count()).toBeGreaterThanOrEqual(3);
    expect(await renders(page)).toBe(rendersBefore);
    expect(await nodes(page)).toEqual([]);
    await screenshot(page, "explorer-ask-not-understood");

    // A blank question is the API's coded error... and is never sent: the box asks for text. Over 500
    // characters the API answers BAD_USER_INPUT, shown with its code.
    await page.locator("#ask-question").evaluate((box) => ((box as unknown as { maxLength: number }).maxLength = 1000));
    await page.fill("#ask-question", "x".repeat(600));
    await page.press("#ask-question", "Enter");
    await expect.poll(() => page.locator("#ask-panel .ask-error").innerText()).toMatch(/^BAD_USER_INPUT: /);

    // An example is one click (or Enter) away, and is answered.
    await page.fill("#ask-question", "What is the weather in Lima?");
    await page.press("#ask-question", "Enter");
    await page.waitForSelector("#ask-panel .ask-not-understood");
    const before = await renders(page);
    await page.locator("#ask-panel .ask-examples button", { hasText: "Which programs involved UNODC and Peru?" }).click();
    await settled(page, before + 1);
    expect(await page.locator("#ask-panel .ask-summary").innerText()).toContain("Cybercrime Conferences");
    await expectDrawn(page, "project:cybercrime-conferences");
    expect(offsite).toEqual([]);
    expect(errors.filter((e) => !e.includes("Failed to load resource"))).toEqual([]);
    await page.context().close();
  });

  it("lets the analyst pick when a name fits two entities (IDB), and answers with the one picked", async () => {
    const source = "source:test-ask-ambiguity";
    await writeGraph(site.db, {
      sources: [{ id: source, kind: "test", title: "test fixture" }],
      nodes: [{ id: "organization:isdb", type: "Organization", name: "Islamic Development Bank", acronyms: ["IsDB", "IDB"], sources: [{ source, quote: "IsDB is also called IDB" }] }],
    });
    site.server.referenceCache.invalidate();
    try {
      const { page, offsite, errors } = await isolatedPage(site.browser);
      await page.goto(`${site.base}/explore/`);
      await settled(page);
      await page.fill("#ask-question", "Which projects involved the IDB?");
      await page.press("#ask-question", "Enter");
      await page.waitForSelector("#ask-panel .ask-candidates");
      expect(await page.locator("#ask-panel .ask-not-understood").innerText()).toContain("IDB");
      const choices = page.locator("#ask-panel .ask-candidates button");
      expect((await choices.allInnerTexts()).map((t) => t.replace(/^Organization\s*/, "").trim()).sort()).toEqual(["Inter-American Development Bank", "Islamic Development Bank"]);
      const before = await renders(page);
      await choices.filter({ hasText: "Inter-American" }).focus();
      await page.keyboard.press("Enter");
      await settled(page, before + 1);
      expect(await page.locator("#ask-question").inputValue()).toBe("Which projects involved the organization:idb?");
      expect(await page.locator("#ask-panel .ask-summary").innerText()).toContain("DMI");
      await expectDrawn(page, "project:dmi-open-drug-markets");
      await expectDrawn(page, "organization:idb");
      // The layout put the bank right of the project, on its name: it is moved clear.
      expect(await labelCollisions(page, ["project:dmi-open-drug-markets", "organization:idb"])).toEqual([]);
      await screenshot(page, "explorer-ask-ambiguous-picked");
      expect(offsite).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    } finally {
      await site.db.write("MATCH (n) WHERE n.id IN ['organization:isdb', $source] DETACH DELETE n", { source });
      site.server.referenceCache.invalidate();
    }
  });
  it("draws what involves a country searched alone (Peru, then Chile): its actors and projects, linked and labelled; the time bar counts them", async () => {
    const { page, offsite, errors } = await isolatedPage(site.browser);
    const operations = graphqlOperations(page);
    await page.goto(`${site.base}/explore/`);
    await settled(page);
    await searchAndPick(page, "Peru", "country:PE");
    expect(operations).toContain("ExplorerCountryInvolvement");
    // The seed's only actor based in Peru, and the project it takes part in.
    expect((await nodes(page)).map((n) => n.id).sort()).toEqual(["country:PE", "group:prosecutors-peru", "project:cybercrime-conferences"]);
    expect(await drawnEdgeLines(page)).toEqual([
      "group:prosecutors-peru -based in-> country:PE",
      "group:prosecutors-peru -participant-> project:cybercrime-conferences",
    ]);
    for (const [id, label] of [["country:PE", "Peru"], ["group:prosecutors-peru", "Prosecutors from Peru"], ["project:cybercrime-conferences", "Cybercrime Conferences"]]) {
      const node = await expectDrawn(page, id);
      expect((await nodes(page)).find((n) => n.id === id)).toMatchObject({ drawnLabel: label });
      await expectPixelsAt(page, node);
    }
    expect(await labelCollisions(page, ["country:PE", "group:prosecutors-peru", "project:cybercrime-conferences"])).toEqual([]);
    expect(await page.locator("#status").innerText()).toBe("3 entities, 2 relationships");
    expect(await timebarYears(page)).toEqual(["2020: 1 active, 1 started", "2021: 1 active, 0 started"]);
    await screenshot(page, "explorer-country-peru");

    // Chile joins with the Chilean prosecution service and its training programs.
    await searchAndPick(page, "Chile", "country:CL");
    const ids = (await nodes(page)).map((n) => n.id).sort();
    expect(ids).toEqual(["agency:fiscalia-chile", "country:CL", "country:PE", "group:prosecutors-peru", "project:cybercrime-conferences", "project:training-programs-chile"]);
    expect(await drawnEdgeLines(page)).toEqual([
      "agency:fiscalia-chile -based in-> country:CL",
      "agency:fiscalia-chile -partner-> project:training-programs-chile",
      "group:prosecutors-peru -based in-> country:PE",
      "group:prosecutors-peru -participant-> project:cybercrime-conferences",
    ]);
    for (const id of ids) await expectDrawn(page, id);
    expect(await labelCollisions(page, ids)).toEqual([]);
    expect(await timebarYears(page)).toEqual(["2020: 2 active, 2 started", "2021: 2 active, 0 started"]);
    expect(await page.locator("#year-label").innerText()).toBe("2020–2021");
    await screenshot(page, "explorer-country-peru-chile");

    // Expanding Peru reaches the conferences' other participants.
    await page.locator('#node-list li[data-id="country:PE"]').click();
    await settled(page);
    const before = await renders(page);
    await page.locator("#details button[data-act=expand]").click();
    await settled(page, before + 1);
    const expanded = (await nodes(page)).map((n) => n.id);
    expect(expanded).toEqual(expect.arrayContaining(["organization:unodc", "agency:mpf-caba", "group:prosecutors-costa-rica", "group:prosecutors-panama"]));
    expect(page.url()).toContain("e=country%3APE%402");
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("shows the years of the projects in view on the time bar when only projects were asked for", async () => {
    const { page, errors } = await isolatedPage(site.browser);
    await page.goto(`${site.base}/explore/?e=project:cybercrime-conferences&e=project:dmi-open-drug-markets`);
    await settled(page);
    expect(await page.locator("#timebar-chart").textContent()).not.toContain("No dated projects");
    expect(await timebarYears(page)).toEqual(["2020: 2 active, 2 started", "2021: 2 active, 0 started"]);
    expect(await page.locator("#timebar-chart rect").count()).toBe(2);
    expect(await page.locator("#year-from").isDisabled()).toBe(false);
    expect([await page.locator("#year-from").getAttribute("min"), await page.locator("#year-to").getAttribute("max")]).toEqual(["2020", "2021"]);
    expect(await page.locator("#year-label").innerText()).toBe("2020–2021");
    // With every other kind hidden too: the projects alone are what is drawn, and their years still show.
    await page.goto(`${site.base}/explore/?e=project:cybercrime-conferences&e=project:dmi-open-drug-markets&hideKind=Agency&hideKind=Organization&hideKind=Group&hideKind=Person&hideKind=Event`);
    await settled(page);
    expect((await nodes(page)).filter((n) => n.visible).map((n) => n.id).sort()).toEqual(["project:cybercrime-conferences", "project:dmi-open-drug-markets"]);
    expect(await timebarYears(page)).toEqual(["2020: 2 active, 2 started", "2021: 2 active, 0 started"]);
    await screenshot(page, "explorer-timebar-projects");
    // An entity without dated projects says so.
    await page.goto(`${site.base}/explore/?e=country:BR`);
    await settled(page);
    expect(await page.locator("#timebar-chart").textContent()).toBe("No dated projects in view.");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("draws what involves a region searched alone (Latin America): its busiest projects, the actors from there in them, their countries and the sub-regions joining them to it", async () => {
    const { page, offsite, errors } = await isolatedPage(site.browser);
    const operations = graphqlOperations(page);
    await page.goto(`${site.base}/explore/`);
    await settled(page);
    await searchAndPick(page, "Latin America", "region:419");
    expect(operations).toContain("ExplorerRegionInvolvement");
    const drawn = (await nodes(page)).filter((n) => n.visible);
    const ids = drawn.map((n) => n.id);
    // Not the region alone: the projects the seed places in Latin America, and who from there takes part.
    expect(ids).toEqual(expect.arrayContaining(["region:419", "project:cybercrime-conferences", "project:training-programs-chile",
      "group:prosecutors-peru", "agency:fiscalia-chile", "agency:mpf-caba", "country:PE", "country:CL", "country:AR", "region:005"]));
    // Nobody from outside the region (UNODC is based elsewhere).
    expect(ids).not.toContain("organization:unodc");
    // Every entity drawn reaches the region through drawn edges: Peru in South America in Latin America.
    const lines = await drawnEdgeLines(page);
    expect(lines).toEqual(expect.arrayContaining(["country:PE -in region-> region:005", "region:005 -in region-> region:419", "group:prosecutors-peru -based in-> country:PE",
      "group:prosecutors-peru -participant-> project:cybercrime-conferences"]));
    const reached = new Set(["region:419"]);
    const visibleEdges = (await edges(page)).filter((e) => e.visible);
    for (let grew = true; grew;) {
      grew = false;
      for (const e of visibleEdges) {
        for (const [a, b] of [[e.source, e.target], [e.target, e.source]]) {
          if (reached.has(a) && !reached.has(b)) {
            reached.add(b);
            grew = true;
          }
        }
      }
    }
    expect(ids.filter((id) => !reached.has(id))).toEqual([]);
    for (const id of ids) await expectDrawn(page, id);
    expect(await labelCollisions(page, ids)).toEqual([]);
    // The seed has fewer than 25 of each: nothing is said to be left out.
    expect(await page.locator("#status").innerText()).toMatch(/^\d+ entities, \d+ relationships$/);
    await screenshot(page, "explorer-region-419");
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("keeps edge labels off names, discs and each other (UNODC expanded twice and the Buenos Aires City prosecution service)", async () => {
    const { page, errors } = await isolatedPage(site.browser);
    await page.goto(`${site.base}/explore/?e=organization:unodc%403&e=agency:mpf-caba`);
    await settled(page);
    await page.waitForTimeout(400);
    const frame = await page.evaluate(() => (globalThis as any).__coopgraph.labels()) as { drawn: { key: string; quad: Quad }[]; skipped: string[]; names: { key: string; quad: Quad }[] };
    // This view has edge labels that would sit on a name or on another edge label: they are left out, the others drawn.
    expect(frame.skipped.length).toBeGreaterThan(0);
    expect(frame.drawn.length).toBeGreaterThan(3);
    const boxes = await labelBoxes(page);
    const names = boxes.map((b) => ({ id: b.id, quad: rectangle(b.box.left, b.box.top, b.box.right, b.box.bottom) }));
    const discs = (await discQuads(page)).filter((d) => d.visible);
    const found: string[] = [];
    for (const label of frame.drawn) {
      const [source, , target] = label.key.split("|");
      for (const n of names) if (overlaps(label.quad, n.quad)) found.push(`${label.key} on the name of ${n.id}`);
      for (const d of discs) if (d.id !== source && d.id !== target && overlaps(label.quad, d.quad)) found.push(`${label.key} on the disc of ${d.id}`);
      for (const other of frame.drawn) if (other.key < label.key && overlaps(label.quad, other.quad)) found.push(`${label.key} on ${other.key}`);
    }
    expect(found).toEqual([]);
    await screenshot(page, "explorer-edge-labels");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("keeps a node dropped on a phone where it was dropped, and the drawing turned as it was", async () => {
    const { page, errors } = await isolatedPage(site.browser, { width: 390, height: 844 });
    await page.goto(`${site.base}/explore/?e=country:PE&e=country:CL`);
    await settled(page);
    // Peru and Chile are laid out wider than high: on a phone the drawing is turned a quarter.
    expect(await page.evaluate(() => (globalThis as any).__coopgraph.turned())).toBe(true);
    await screenshot(page, "explorer-phone-before-pin");
    const before = await nodes(page);
    const box = (await page.locator("#graph").boundingBox())!;
    const moved = before.find((n) => n.id === "project:cybercrime-conferences")!;
    const from = { x: box.x + moved.viewport!.x, y: box.y + moved.viewport!.y };
    const to = { x: from.x + 30, y: from.y + 40 };
    const rendersBefore = await renders(page);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let i = 1; i <= 5; i++) await page.mouse.move(from.x + (to.x - from.x) * i / 5, from.y + (to.y - from.y) * i / 5);
    await page.mouse.up();
    await settled(page, rendersBefore + 1);
    expect(Object.keys(await page.evaluate(() => (globalThis as any).__coopgraph.state().pinned))).toEqual(["project:cybercrime-conferences"]);
    // Still turned, and the rest of the drawing where it was (laid out again around the pin, not turned back).
    expect(await page.evaluate(() => (globalThis as any).__coopgraph.turned())).toBe(true);
    const after = await nodes(page);
    const shift = before.filter((n) => n.id !== moved.id).map((n) => {
      const twin = after.find((m) => m.id === n.id)!;
      return Math.hypot(twin.viewport!.x - n.viewport!.x, twin.viewport!.y - n.viewport!.y);
    });
    const median = [...shift].sort((a, b) => a - b)[Math.floor(shift.length / 2)];
    expect(median).toBeLessThan(60);
    // The pinned node stays near where it was dropped (the drawing is framed again, so a little off).
    const pinned = after.find((n) => n.id === moved.id)!;
    expect(Math.hypot(box.x + pinned.viewport!.x - to.x, box.y + pinned.viewport!.y - to.y)).toBeLessThan(60);
    for (const node of after) await expectDrawn(page, node.id);
    expect(await labelCollisions(page, after.map((n) => n.id))).toEqual([]);
    await screenshot(page, "explorer-phone-pinned");
    // The same URL on a desktop: pinned in the unturned layout, so nothing lands off the canvas.
    const { page: desk } = await isolatedPage(site.browser);
    await desk.goto(page.url());
    await settled(desk);
    expect(await desk.evaluate(() => (globalThis as any).__coopgraph.turned())).toBe(false);
    for (const node of await nodes(desk)) await expectDrawn(desk, node.id);
    await screenshot(desk, "explorer-phone-pinned-on-desktop");
    expect(errors).toEqual([]);
    await page.context().close();
    await desk.context().close();
  });

  for (const viewport of [{ width: 1400, height: 850 }, { width: 1024, height: 768 }, { width: 390, height: 844 }]) {
    it(`frames the network at ${viewport.width}x${viewport.height}: inside the canvas, names clear of each other, nothing laid over it`, async () => {
      const { page, errors } = await isolatedPage(site.browser, viewport);
      const views = {
        caba: "?e=agency:mpf-caba",
        ask: "?e=project:cybercrime-conferences&e=country:PE&ask=Which+programs+involved+UNODC+and+Peru%3F&hl=project:cybercrime-conferences&hl=organization:unodc&hl=country:PE",
        path: "?pathFrom=agency:fiscalia-chile&pathTo=organization:unodc",
        peru: "?e=country:PE&e=country:CL",
        region: "?e=region:419",
      };
      for (const [name, query] of Object.entries(views)) {
        await page.goto(`${site.base}/explore/${query}`);
        await settled(page);
        await screenshot(page, `explorer-${name}-${viewport.width}x${viewport.height}`);
        console.log(`[web] ${name} at ${viewport.width}x${viewport.height}: turned ${await page.evaluate(() => (globalThis as any).__coopgraph.turned())}`);
        const canvas = (await page.locator("#graph").boundingBox())!;
        // The canvas has room: most of the width, a good part of the screen's height.
        expect(canvas.width, name).toBeGreaterThan(viewport.width * (viewport.width < 600 ? 0.95 : 0.45));
        expect(canvas.height, name).toBeGreaterThan(viewport.height * 0.45);
        const drawn = (await nodes(page)).filter((n) => n.visible);
        for (const node of drawn) await expectDrawn(page, node.id);
        // Every name drawn, clear of the others and inside the canvas.
        expect(await labelCollisions(page, drawn.map((n) => n.id)), name).toEqual([]);
        const labelled = (await labelBoxes(page)).map((b) => b.id);
        expect(labelled.length, name).toBeGreaterThanOrEqual(Math.min(drawn.length, 5));
        // Framed: the drawing spans most of the canvas one way or the other (not a corner, not a dot).
        const boxes = await labelBoxes(page);
        const spanX = Math.max(...boxes.map((b) => b.box.right)) - Math.min(...boxes.map((b) => b.disc.x - b.disc.r));
        const spanY = Math.max(...boxes.map((b) => b.disc.y + b.disc.r)) - Math.min(...boxes.map((b) => b.disc.y - b.disc.r));
        expect(Math.max(spanX / canvas.width, spanY / canvas.height), name).toBeGreaterThan(0.6);
        // What the analyst sees at each entity is the canvas: no legend, status, time bar or panel on it.
        const onTop = await page.evaluate((points) => points.map(([x, y]) => Boolean((globalThis as any).document.elementFromPoint(x, y)?.closest("#graph"))),
          drawn.map((n) => [canvas.x + n.viewport!.x, canvas.y + n.viewport!.y]));
        expect(onTop.every(Boolean), name).toBe(true);
      }
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});
