/**
 * The benchmark must measure the API as `npm start` runs it: the node flags its API processes get
 * (bench/api-process.ts) are the ones in package.json's start script.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { START_NODE_FLAGS } from "../../bench/api-process.js";

describe("the API's node flags", () => {
  it("are the same in npm start and in the benchmark's API processes", () => {
    const start = (JSON.parse(fs.readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts.start!;
    const flags = start.split(/\s+/).filter((word) => word.startsWith("--"));
    expect(start).toMatch(/^node .*scripts\/start\.mjs$/);
    expect(flags).toEqual(START_NODE_FLAGS);
  });
});
