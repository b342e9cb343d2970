/**
 * The explorer's caps said out loud, in real headless Chromium over the real API: "25 of N" only when
 * more exist, how many an Expand left out, and links among more entities than linksAmong takes at once;
 * a crowded view's names kept clear of each other.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeGraph } from "../../src/ingest/graph-writer.js";
import { overlaps, type Quad } from "../../web/explore/geometry.js";
import { discQuads, isolatedPage, pagesUnderTest, screenshot, settled } from "../support/web.js";

const site = pagesUnderTest();

const SOURCE = "source:test-explorer-limits";
const cite = [{ source: SOURCE, quote: "explorer limits fixture" }];
const group = (id: string) => ({ id, type: "Group", name: `Limits ${id.slice(6)}`, sources: cite });
const rel = (type: string, from: string, to: string) => ({ type, from, to, sources: cite });
const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

/**
 * Two associations with 600 member groups each, all based in Uruguay (memberships, not participations:
 * 600 participants of one project would make 180,000 partner tallies); 25 groups based in Bolivia.
 */
const HUB_A = range(600, (i) => `group:limits-a${i}`);
const HUB_B = range(600, (i) => `group:limits-b${i}`);
const BOLIVIA = range(25, (i) => `group:limits-bo${String(i).padStart(2, "0")}`);

interface DrawnNode { id: string; kind: string; visible: boolean }
interface DrawnEdge { source: string; target: string; label: string; visible: boolean }
const nodes = (page: Page) => page.evaluate(() => (globalThis as any).__coopgraph.nodes() as DrawnNode[]);
const edges = (page: Page) => page.evaluate(() => (globalThis as any).__coopgraph.edges() as DrawnEdge[]);
const renders = (page: Page) => page.evaluate(() => (globalThis as any).__coopgraph.debug.renders as number);
const status = (page: Page) => page.locator("#status").innerText();

async function open(page: Page, query: string): Promise<void> {
  await page.goto(`${site.base}/explore/${query}`);
  await settled(page);
}

describe("the explorer's caps", () => {
  beforeAll(async () => {
    await writeGraph(site.db, {
      sources: [{ id: SOURCE, kind: "test", title: "explorer limits fixture" }],
      nodes: [
        ...[...HUB_A, ...HUB_B, ...BOLIVIA].map(group),
        { id: "organization:limits-hub-a", type: "Organization", name: "Limits hub A", sources: cite },
        { id: "organization:limits-hub-b", type: "Organization", name: "Limits hub B", sources: cite },
      ],
      relationships: [
        ...HUB_A.map((id) => rel("MEMBER_OF", id, "organization:limits-hub-a")),
        ...HUB_B.map((id) => rel("MEMBER_OF", id, "organization:limits-hub-b")),
        ...[...HUB_A, ...HUB_B].map((id) => rel("BASED_IN", id, "country:UY")),
        ...BOLIVIA.map((id) => rel("BASED_IN", id, "country:BO")),
      ],
    });
    site.server.referenceCache.invalidate();
  }, 120_000);

  afterAll(async () => {
    await site.db.write("MATCH (n) WHERE n.id STARTS WITH 'group:limits-' OR n.id STARTS WITH 'organization:limits-' OR n.id = $source DETACH DELETE n", { source: SOURCE });
  });

  it("says '25 of N' for a country's actors only when more than 25 exist", async () => {
    const { page, errors } = await isolatedPage(site.browser);
    await open(page, "?e=country:BO");
    const actors = (await nodes(page)).filter((n) => n.kind === "Group").map((n) => n.id).sort();
    expect(actors).toEqual(BOLIVIA);
    // Exactly 25: all of them are drawn, and nothing is said to be left out.
    expect(await status(page)).toBe("26 entities, 25 relationships");

    await writeGraph(site.db, { sources: [{ id: SOURCE, kind: "test", title: "explorer limits fixture" }], nodes: [group("group:limits-bo25")], relationships: [rel("BASED_IN", "group:limits-bo25", "country:BO")] });
    // A fresh page: the explorer keeps answers for as long as a page lives.
    const { page: second } = await isolatedPage(site.browser);
    await open(second, "?e=country:BO");
    expect((await nodes(second)).filter((n) => n.kind === "Group")).toHaveLength(25);
    expect(await status(second)).toBe("26 entities, 25 relationships (Bolivia: only the first 25 actors based there by name, of 26 (1 left out))");
    await screenshot(second, "explorer-limits-bolivia-26");
    expect(errors).toEqual([]);
    await page.context().close();
    await second.context().close();
  });

  it("says how many entities an Expand left out when the 500-entity cap cut it", async () => {
    const { page, errors } = await isolatedPage(site.browser);
    await open(page, "?e=group:limits-a0");
    expect((await nodes(page)).map((n) => n.id).sort()).toEqual(["group:limits-a0", "organization:limits-hub-a"]);
    expect(await status(page)).toBe("2 entities, 1 relationship");
    await page.locator('#node-list li[data-id="group:limits-a0"]').click();
    await settled(page);
    const before = await renders(page);
    await page.locator("#details button[data-act=expand]").click();
    await settled(page, before + 1);
    // Two hops reach the hub and its 599 other members: 601 entities, 500 drawn, 101 left out.
    expect(await nodes(page)).toHaveLength(500);
    expect(await status(page)).toMatch(/^500 entities, 499 relationships \(Limits limits-a0 at 2 hops: the 500 nearest entities, 101 more left out\)$/);
    // A crowded view: the edge labels drawn sit on no disc but their own ends'.
    const discs = (await discQuads(page)).filter((d) => d.visible);
    const frame = await page.evaluate(() => (globalThis as any).__coopgraph.labels()) as { drawn: { key: string; quad: Quad }[]; names: { key: string; quad: Quad }[]; namesSkipped: string[] };
    const onDiscs = frame.drawn.flatMap((label) => discs.filter((d) => !label.key.split("|").includes(d.id) && overlaps(label.quad, d.quad)).map((d) => `${label.key} on ${d.id}`));
    expect(onDiscs).toEqual([]);
    // ... and the names drawn run into no other: of those sigma picked, some had to be left out.
    const clashes = frame.names.flatMap((a, i) => frame.names.slice(i + 1).filter((b) => overlaps(a.quad, b.quad)).map((b) => `${a.key} meets ${b.key}`));
    expect(clashes).toEqual([]);
    expect(frame.namesSkipped.length).toBeGreaterThan(0);
    // The hub (the largest) and the entity the analyst searched for keep their names.
    expect(frame.names.map((n) => n.key)).toEqual(expect.arrayContaining(["organization:limits-hub-a", "group:limits-a0"]));
    await screenshot(page, "explorer-limits-expand-cut");
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("draws where every entity is based when more than 1000 are in view (linksAmong takes 1000 ids at a time)", async () => {
    const { page, errors } = await isolatedPage(site.browser);
    const asked: number[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/graphql") && r.postDataJSON()?.operationName === "ExplorerLinks") asked.push(r.postDataJSON().variables.ids.length);
    });
    // Two hubs of 500 drawn each, and Uruguay where all their members are based.
    await open(page, "?e=organization:limits-hub-a&e=organization:limits-hub-b&e=country:UY");
    const drawn = await nodes(page);
    const groups = drawn.filter((n) => n.kind === "Group").map((n) => n.id);
    expect(drawn.length).toBeGreaterThan(1000);
    expect(asked.length).toBeGreaterThan(1);
    expect(Math.max(...asked)).toBeLessThanOrEqual(1000);
    // Every group drawn is joined to Uruguay: none of the "based in" edges was dropped.
    const basedIn = new Set((await edges(page)).filter((e) => e.label === "based in" && e.target === "country:UY").map((e) => e.source));
    expect(groups.filter((id) => !basedIn.has(id))).toEqual([]);
    expect(basedIn.size).toBe(groups.length);
    await screenshot(page, "explorer-limits-1000-ids");
    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);
});
