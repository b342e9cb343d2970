/**
 * The lint's layer rule (.dependency-cruiser.cjs) must fail on a folder cycle: run it on a tiny
 * tree with one, and on the same tree without it. `npm run lint` runs it on src/.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { cruise as depcruise, type ICruiseOptions, type IForbiddenRuleType } from "dependency-cruiser";
import { afterAll, describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
/** The very configuration `npm run lint` uses. */
const config = require("../../.dependency-cruiser.cjs") as { forbidden: IForbiddenRuleType[]; options: ICruiseOptions };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "coopgraph-layers-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, "tree-"));
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext" } }));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

async function cruise(dir: string): Promise<{ status: number; output: string }> {
  const result = await depcruise(["src"], {
    ...config.options, baseDir: dir, ruleSet: { forbidden: config.forbidden }, validate: true, outputType: "err-long",
  });
  return { status: result.exitCode, output: String(result.output) };
}

describe("layer rules", () => {
  it("fail on a cycle between two folders (even through a type-only import), a detour round the ingest seam, an unresolved import", async () => {
    const result = await cruise(tree({
      "src/domain/thing.ts": `import { helper } from "../graphql/helper.js";\nexport const thing = helper;\n`,
      "src/graphql/helper.ts": `import type { Thing } from "../domain/types.js";\nexport const helper = (t?: Thing) => t;\n`,
      "src/domain/types.ts": `export type Thing = { id: string };\n`,
      "src/domain/edit.ts": `import { write } from "../ingest/writer.js";\nimport "./missing.js";\nexport const edit = write;\n`,
      "src/ingest/writer.ts": `export const write = 1;\n`,
      "src/ingest/index.ts": `export { write } from "./writer.js";\n`,
    }));
    expect(result.status, result.output).not.toBe(0);
    expect(result.output).toContain("no-folder-cycles");
    expect(result.output).toMatch(/src\/domain →\s+src\/graphql →\s+src\/domain/);
    expect(result.output).toContain("domain-reaches-ingest-through-its-seam: src/domain/edit.ts → src/ingest/writer.ts");
    expect(result.output).toContain("not-to-unresolvable: src/domain/edit.ts → ./missing.js");
  });

  it("pass on layers that only look down", async () => {
    const result = await cruise(tree({
      "src/domain/thing.ts": `import { write } from "../ingest/index.js";\nexport const thing = write;\n`,
      "src/ingest/index.ts": `export { write } from "./writer.js";\n`,
      "src/ingest/writer.ts": `import { label } from "../model/model.js";\nexport const write = label;\n`,
      "src/model/model.ts": `export const label = "Actor";\n`,
    }));
    expect(result.status, result.output).toBe(0);
  });
});
