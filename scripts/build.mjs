/**
 * `npm run build`: compiles src/ to dist/ with tsc (which emits the decorator metadata
 * type-graphql reads). With --if-stale it builds only when a source is newer than the last build.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const stamp = path.join(root, "dist", ".build-stamp");

/** The newest modification time among the sources and the build's configuration. */
function newestSource() {
  let newest = 0;
  const visit = (file) => {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) for (const entry of fs.readdirSync(file)) visit(path.join(file, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const entry of ["src", "tsconfig.json", "tsconfig.build.json", "package-lock.json"]) visit(path.join(root, entry));
  return newest;
}

export function build({ ifStale = false } = {}) {
  const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
  if (ifStale && built >= newestSource()) return;
  console.error("Building dist/ (tsc -p tsconfig.build.json)...");
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) build({ ifStale: process.argv.includes("--if-stale") });
