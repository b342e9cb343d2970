/** webFile maps URL paths to built files and nothing else; ensureWebBuild rebuilds only when stale. */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { WEB_DIST, webBuildIsStale, webFile } from "../../src/web/web-assets.js";
import { buildWeb } from "../support/web.js";

beforeAll(buildWeb);

describe("webFile", () => {
  it("serves the three pages, with and without the trailing slash, never cached as immutable", () => {
    for (const page of ["explore", "map", "dashboard"]) {
      for (const url of [`/${page}`, `/${page}/`, `/${page}/index.html`]) {
        const file = webFile(url);
        expect(file, url).toEqual({ file: path.join(WEB_DIST, page, "index.html"), type: "text/html; charset=utf-8", immutable: false });
      }
    }
  });

  it("serves every built asset the pages reference, as immutable", () => {
    const html = ["explore", "map", "dashboard"].map((p) => fs.readFileSync(path.join(WEB_DIST, p, "index.html"), "utf8")).join("");
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(6);
    for (const url of assets) {
      const file = webFile(url);
      expect(file?.immutable, url).toBe(true);
      expect(fs.existsSync(file!.file)).toBe(true);
    }
    expect(webFile(assets.find((a) => a.endsWith(".js"))!)?.type).toBe("text/javascript; charset=utf-8");
  });

  it("refuses traversal, encodings, hidden files, other folders and unknown names", () => {
    for (const url of [
      "/assets/../package.json", "/assets/..%2f..%2fpackage.json", "/assets/%2e%2e/package.json", "/assets/.built",
      "/assets/sub/x.js", "/assets/x.exe", "/assets/", "/dist/explore/index.html", "/explore/../map/index.html",
      "/explore/main.ts", "/web/explore/index.html", "/.built", "/assets/x.js\u0000.png", "/EXPLORE", `/assets/${"a".repeat(300)}.js`,
      "/assets/does-not-exist-123.js", "/explore//index.html", "/explore/index.html/",
    ]) {
      expect(webFile(url), url).toBeNull();
    }
  });

  it("knows a fresh build is not stale, and that a newer source is", () => {
    expect(webBuildIsStale()).toBe(false);
    const source = path.join(WEB_DIST, "..", "shared", "nav.ts");
    const stamp = fs.statSync(path.join(WEB_DIST, ".built")).mtime;
    const later = new Date(stamp.getTime() + 5000);
    const original = fs.statSync(source).mtime;
    fs.utimesSync(source, later, later);
    try {
      expect(webBuildIsStale()).toBe(true);
    } finally {
      fs.utimesSync(source, original, original);
    }
    expect(webBuildIsStale()).toBe(false);
  });
});
