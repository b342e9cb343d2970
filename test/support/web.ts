/** Browser-test helpers for the web pages: a fresh build, pages that cannot reach outside, screenshots. */
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { PROJECT_ROOT } from "../../src/config/config.js";
import { afterAll, beforeAll } from "vitest";
import { ensureWebBuild } from "../../src/web/web-assets.js";
import type { Quad } from "../../web/explore/geometry.js";
import { startTestServer, type TestServer } from "./api.js";
import { launchBrowser } from "./browser.js";
import { testDatabase } from "./db.js";

export const ARTIFACTS = path.join(PROJECT_ROOT, "test-artifacts", "web");

/** Builds web/dist when it is missing or stale (a fresh clone has none). */
export async function buildWeb(): Promise<void> {
  await ensureWebBuild((line) => console.log(`[web] ${line}`));
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/** The operation names of the GraphQL requests `page` sends from now on, in order. */
export function graphqlOperations(page: Page): string[] {
  const operations: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/graphql")) operations.push(request.postDataJSON()?.operationName);
  });
  return operations;
}

/**
 * A page whose every request is checked: loopback goes through, anything else is aborted and
 * recorded in `offsite` (the test then fails on it). data: and blob: URLs never leave the machine.
 */
export async function isolatedPage(browser: Browser, viewport = { width: 1400, height: 850 }): Promise<{ page: Page; offsite: string[]; errors: string[] }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const offsite: string[] = [];
  const errors: string[] = [];
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.protocol === "blob:" || LOOPBACK.test(url.hostname)) return route.continue();
    offsite.push(url.href);
    return route.abort("blockedbyclient");
  });
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  return { page, offsite, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Waits until the page's debug handle says the last render finished. */
export async function settled(page: Page, renders?: number): Promise<void> {
  await page.waitForFunction((min) => {
    const d = (globalThis as any).__coopgraph?.debug ?? (globalThis as any).__coopgraph;
    return d?.ready === true && (min === undefined || d.renders >= min);
  }, renders, { timeout: 30_000 });
}

/**
 * The pages under test, for one test file: web/dist built if needed, a real API server over the
 * test database, and one headless Chromium; closed after the file. `base` is the server's origin.
 * The playground is served from src/, so its tests pass `{ buildPages: false }`.
 */
export function pagesUnderTest({ buildPages = true } = {}): { readonly browser: Browser; readonly base: string; readonly db: ReturnType<typeof testDatabase>; readonly server: TestServer } {
  const db = testDatabase();
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (buildPages) await buildWeb();
    server = await startTestServer(db);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db.close();
  });
  return {
    get browser() { return browser!; },
    get base() { return server!.url.replace(/\/$/, ""); },
    db,
    get server() { return server!; },
  };
}

/** Every drawn entity's disc on the explorer's canvas, as a square in viewport pixels (read from the renderer). */
export function discQuads(page: Page): Promise<{ id: string; visible: boolean; quad: Quad }[]> {
  return page.evaluate(() => {
    const r = (globalThis as any).__coopgraph.renderer;
    if (!r) return [];
    return r.getGraph().mapNodes((id: string) => {
      const d = r.getNodeDisplayData(id);
      const { x, y } = r.framedGraphToViewport(d);
      const s = r.scaleSize(d.size);
      return { id, visible: !d.hidden, quad: [[x - s, y - s], [x + s, y - s], [x + s, y + s], [x - s, y + s]] };
    });
  });
}
