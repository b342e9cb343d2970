/**
 * `npm start`: builds dist/ when a source is newer than the last build, then runs the compiled
 * server in this same process (so Ctrl-C and SIGTERM reach it directly, with no wrapper between).
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "./build.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
build({ ifStale: true });
await import(pathToFileURL(path.join(root, "dist", "main.js")).href);
