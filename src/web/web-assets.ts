/**
 * The browser pages (/explore/, /map/, /dashboard/), built by Vite from web/ into web/dist/.
 * `webFile` maps a URL path to a built file (known pages and hashed assets only, never a path the
 * URL spells out); `ensureWebBuild` builds web/dist with Vite's JS API when it is missing or older
 * than its sources, so `npm start` on a fresh clone serves the pages without a separate step.
 */
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../config/config.js";

export const WEB_ROOT = path.join(PROJECT_ROOT, "web");
export const WEB_DIST = path.join(WEB_ROOT, "dist");
const STAMP = path.join(WEB_DIST, ".built");

/** The pages, by URL path; "/explore" without a slash serves the same page (its assets use absolute URLs). */
const PAGES: Record<string, string> = {
  "/explore": "explore/index.html", "/explore/": "explore/index.html", "/explore/index.html": "explore/index.html",
  "/map": "map/index.html", "/map/": "map/index.html", "/map/index.html": "map/index.html",
  "/dashboard": "dashboard/index.html", "/dashboard/": "dashboard/index.html", "/dashboard/index.html": "dashboard/index.html",
};

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".json": "application/json", ".png": "image/png", ".svg": "image/svg+xml", ".woff2": "font/woff2", ".map": "application/json",
};

/** Built asset names: Vite's `<name>-<hash>.<ext>`, one level under /assets/, nothing else. */
const ASSET_PATH = /^\/assets\/[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.(js|css|json|png|svg|woff2|map)$/;

export interface WebFile {
  file: string;
  type: string;
  /** Hashed file names never change content: cache them for a year. Pages are revalidated. */
  immutable: boolean;
}

export function webFile(urlPath: string): WebFile | null {
  const page = PAGES[urlPath];
  if (page) return existing(path.join(WEB_DIST, page), false);
  if (!ASSET_PATH.test(urlPath) || urlPath.includes("..")) return null;
  return existing(path.join(WEB_DIST, urlPath), true);
}

function existing(file: string, immutable: boolean): WebFile | null {
  // Belt and braces: whatever the patterns let through must still resolve inside web/dist.
  if (!path.resolve(file).startsWith(WEB_DIST + path.sep)) return null;
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return null;
  return { file, type: TYPES[path.extname(file)] ?? "application/octet-stream", immutable };
}

function newestSourceTime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "dist" || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceTime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** True when web/dist is missing or older than web/ or the installed packages. */
export function webBuildIsStale(): boolean {
  if (!fs.existsSync(STAMP)) return true;
  const built = fs.statSync(STAMP).mtimeMs;
  const lock = path.join(PROJECT_ROOT, "package-lock.json");
  const inputs = Math.max(newestSourceTime(WEB_ROOT), fs.existsSync(lock) ? fs.statSync(lock).mtimeMs : 0);
  return inputs > built;
}

let building: Promise<void> | undefined;

/** Builds web/dist when stale (once per process even if called concurrently). */
export function ensureWebBuild(log: (line: string) => void = () => {}, force = false): Promise<void> {
  if (!force && !webBuildIsStale()) return Promise.resolve();
  building ??= buildWeb(log).finally(() => (building = undefined));
  return building;
}

async function buildWeb(log: (line: string) => void): Promise<void> {
  const started = Date.now();
  log("building the web pages (web/ -> web/dist/) with Vite...");
  const { build } = await import("vite");
  await build({ configFile: path.join(WEB_ROOT, "vite.config.ts"), logLevel: "warn" });
  fs.writeFileSync(STAMP, new Date().toISOString() + "\n");
  log(`web pages built in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
