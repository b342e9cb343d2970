/** `npm run schema`: regenerates schema/schema.graphql from the code. */
import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../config/config.js";
import { printCoopgraphSchema } from "../graphql/schema.js";
import { runCli } from "./run-cli.js";
import { SCHEMA_FILE } from "./schema-file.js";

runCli(async () => {
  fs.writeFileSync(SCHEMA_FILE, await printCoopgraphSchema());
  console.log(`Wrote ${path.relative(PROJECT_ROOT, SCHEMA_FILE)}`);
});
