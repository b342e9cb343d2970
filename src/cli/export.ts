/**
 * `npm run export -- --format graphml --out unodc.graphml --involving UNODC --theme cybercrime`
 * Formats: graphml, gexf, csv (writes <out>.nodes.csv and <out>.edges.csv). --mode actors for the
 * actor-to-actor network. Filters as in /export: --involving, --involving-any, --theme, --kind,
 * --country, --region, --funder, --role, --from, --to (repeat for lists).
 */
import "reflect-metadata";
import fs from "node:fs";
import { once } from "node:events";
import { loadDatabaseConfig } from "../config/config.js";
import { connect } from "../db/database.js";
import { parseExportRequest, prepareExport } from "../export/export-request.js";
import { log, runCli } from "./run-cli.js";

async function writeFile(file: string, write: (out: fs.WriteStream) => Promise<void>) {
  const out = fs.createWriteStream(file);
  await write(out);
  out.end();
  await once(out, "finish");
  log(`Wrote ${file}`);
}

runCli(async () => {
  const args = process.argv.slice(2);
  const params = new URLSearchParams();
  let out: string | undefined;
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i]!, args[i + 1]];
    if (!flag.startsWith("--") || value === undefined) throw new Error(`expected --name value pairs, got "${flag}"`);
    if (flag === "--out") out = value;
    else params.append(flag.slice(2), value);
  }
  const format = params.get("format") ?? "graphml";
  // A command run by hand on its own machine: ten minutes for references and for the network.
  const CLI_TIMEOUTS = { resolveTimeoutMs: 600_000, streamTimeoutMs: 600_000 };
  if (!out) throw new Error("--out <file> is required");
  const connection = await connect(loadDatabaseConfig(), log);
  try {
    if (format === "csv") {
      for (const part of ["nodes", "edges"] as const) {
        params.set("format", `csv-${part}`);
        const prepared = await prepareExport(connection.db, parseExportRequest(params), CLI_TIMEOUTS);
        await writeFile(`${out.replace(/\.csv$/, "")}.${part}.csv`, (stream) => prepared.write(stream));
      }
    } else {
      const prepared = await prepareExport(connection.db, parseExportRequest(params), CLI_TIMEOUTS);
      await writeFile(out, (stream) => prepared.write(stream));
    }
  } finally {
    await connection.close();
  }
});
