/**
 * `npm run import -- <file...> [--dry-run]`: IATI XML, JSON (the seed's format) or CSV. A progress
 * bar on a terminal, plain lines otherwise; a summary with the reasons of every rejected record.
 */
import "reflect-metadata";
import path from "node:path";
import { Presets, SingleBar } from "cli-progress";
import { loadDatabaseConfig } from "../config/config.js";
import { connect } from "../db/database.js";
import { migrate } from "../db/migrations.js";
import { importFile, type ImportProgress, type ImportSummary } from "../ingest/import-pipeline.js";
import { log, runCli } from "./run-cli.js";

/** A progress bar (cli-progress) on a terminal; a plain line every two seconds otherwise (CI logs). */
function progressReporter(): { update: (p: ImportProgress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ format: "{file} [{bar}] {percentage}% | {records} records", stream: process.stderr, hideCursor: true }, Presets.shades_classic);
    let started = false;
    return {
      update: (p) => {
        if (!started) bar.start(Math.max(p.bytesTotal, 1), 0, { file: path.basename(p.file), records: 0 });
        started = true;
        bar.update(p.bytesRead, { file: path.basename(p.file), records: p.records });
      },
      stop: () => {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let lastPrinted = 0;
  return {
    update: (p) => {
      if (p.bytesRead >= p.bytesTotal || Date.now() - lastPrinted > 2000) {
        lastPrinted = Date.now();
        log(`${p.file}: ${p.records} records read (${Math.round((100 * p.bytesRead) / Math.max(p.bytesTotal, 1))}%)`);
      }
    },
    stop: () => {},
  };
}

export function describeSummary(s: ImportSummary, dryRun: boolean): string[] {
  const rate = s.seconds > 0 ? ` (${(s.records / s.seconds).toFixed(0)} records/s, ${(s.relationships / s.seconds).toFixed(0)} relationships/s)` : "";
  const lines = [
    `${s.file} [${s.format}]${dryRun ? " DRY RUN, nothing written" : ""}: ${s.records} records in ${s.seconds.toFixed(1)}s${rate}`,
    `  created ${s.created}, updated ${s.updated}, unchanged ${s.unchanged}, rejected ${s.rejected.length}, warnings ${s.warnings.length}; ${s.relationships} relationships written`,
  ];
  for (const r of s.rejected.slice(0, 50)) lines.push(`  rejected ${r.position}: ${r.reason}`);
  if (s.rejected.length > 50) lines.push(`  ... and ${s.rejected.length - 50} more rejections`);
  for (const w of s.warnings.slice(0, 50)) lines.push(`  warning ${w.position}: ${w.reason}`);
  if (s.warnings.length > 50) lines.push(`  ... and ${s.warnings.length - 50} more warnings`);
  return lines;
}

runCli(async () => {
  const args = process.argv.slice(2);
  const dryRun = args.includes("--dry-run");
  const batchArg = args.find((a) => a.startsWith("--batch-size="));
  const batchSize = batchArg ? Number(batchArg.split("=")[1]) : undefined;
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`--batch-size must be a positive integer, got "${batchArg}"`);
  const files = args.filter((a) => !a.startsWith("--"));
  if (!files.length) throw new Error("usage: npm run import -- <file.xml|file.json|file.csv>... [--dry-run] [--batch-size=100]");
  const connection = await connect(loadDatabaseConfig(), log);
  try {
    // A dry run writes nothing, schema and aggregates included: it also works over a graph this
    // release would not migrate (aggregates of a newer release) and never starts a rebuild.
    if (!dryRun) await migrate(connection.db);
    for (const file of files) {
      const progress = progressReporter();
      try {
        const summary = await importFile(connection.db, file, { dryRun, batchSize, onProgress: progress.update });
        progress.stop();
        for (const line of describeSummary(summary, dryRun)) log(line);
      } finally {
        progress.stop();
      }
    }
  } finally {
    await connection.close();
  }
});
