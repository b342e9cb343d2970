/**
 * `npm run operations:register -- <folder>`: reads every .graphql file in the folder (one or more
 * named operations each), checks them against the schema, and writes operations/registered.json,
 * the allowlist that GRAPHQL_PERSISTED_ONLY=true enforces. Prints each operation's SHA-256, which
 * clients may send instead of the text.
 */
import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { Kind, parse, print, validate, type OperationDefinitionNode } from "graphql";
import { buildCoopgraphSchema } from "../graphql/schema.js";
import { MANIFEST_FILE, readManifest, sha256, type Manifest } from "../graphql/persisted-operations.js";
import { log, runCli } from "./run-cli.js";

class RegisterError extends Error {}

runCli(async () => {
  const folder = process.argv.slice(2).find((a) => !a.startsWith("--"));
  if (!folder || !fs.existsSync(folder)) throw new RegisterError("usage: npm run operations:register -- <folder of .graphql files>");
  const schema = await buildCoopgraphSchema();
  const manifest: Manifest = process.argv.includes("--replace") ? {} : readManifest();
  const files = fs.readdirSync(folder).filter((f) => f.endsWith(".graphql")).sort();
  for (const file of files) {
    const text = fs.readFileSync(path.join(folder, file), "utf8");
    const document = parse(text);
    const errors = validate(schema, document);
    if (errors.length) throw new RegisterError(`${file}: ${errors.map((e) => e.message).join("; ")}`);
    for (const op of document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
      if (!op.name) throw new RegisterError(`${file}: every registered operation needs a name`);
      // Each operation is stored with the fragments it uses, as the text a client sends.
      const query = print({ kind: Kind.DOCUMENT, definitions: [op, ...document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)] });
      const hash = sha256(query);
      manifest[hash] = { name: op.name.value, file, query };
      log(`${hash}  ${op.name.value}  (${file})`);
    }
  }
  fs.mkdirSync(path.dirname(MANIFEST_FILE), { recursive: true });
  fs.writeFileSync(MANIFEST_FILE, JSON.stringify(manifest, null, 2) + "\n");
  log(`${Object.keys(manifest).length} operations registered in ${path.relative(process.cwd(), MANIFEST_FILE)}`);
});
