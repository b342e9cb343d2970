/**
 * The offline import's CSV generation alone, without a database: `npm run bench:csv -- --scale L
 * [--csv-workers N]`. The seed is applied in memory as the idempotent path writes it (the import
 * reads it from the database), then the synthetic plan as `importOffline` (src/synthetic/load.ts)
 * streams it; prints wall time, CPU time and peak memory. The files go to a temporary folder,
 * deleted at the end.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cooperationDocument, referenceDocument } from "../src/ingest/readers/seed-reader.js";
import { planSynthetic, type Scale } from "../src/synthetic/generate.js";
import { GraphImage } from "../src/synthetic/offline-import.js";
import { streamInWorkers } from "../src/synthetic/offline-workers.js";
import { option } from "./args.js";

const scale = option("scale", "M").toUpperCase() as Scale;
const workers = Number(option("csv-workers", "0"));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coopgraph-offline-csv-"));
try {
  const started = performance.now();
  const image = new GraphImage();
  const seed = cooperationDocument();
  image.apply({ sources: seed.sources, ...referenceDocument() });
  image.apply({ nodes: seed.nodes, relationships: seed.relationships });
  image.openCsv(dir);
  const documents = planSynthetic(scale).documents();
  const first = documents.next();
  let relationships = first.done ? 0 : image.apply(first.value).relationships;
  const rest = { [Symbol.iterator]: () => documents };
  if (workers > 0) relationships += (await streamInWorkers(image, rest, dir, workers)).relationships;
  else for (const doc of rest) relationships += image.stream(doc).relationships;
  const streamed = performance.now();
  image.deriveProjectProperties();
  const aggregates = image.computeAggregates();
  const { spec } = image.writeCsv(dir);
  const ended = performance.now();
  const cpu = process.cpuUsage();
  const bytes = [...spec.nodes, ...spec.relationships].reduce((sum, f) => sum + fs.statSync(f.file).size, 0);
  console.log(JSON.stringify({
    scale, workers, relationships, aggregates, files: spec.nodes.length + spec.relationships.length, megabytes: Math.round(bytes / 1e6),
    seconds: +((ended - started) / 1000).toFixed(1), streamSeconds: +((streamed - started) / 1000).toFixed(1),
    cpuUserSeconds: +(cpu.user / 1e6).toFixed(1), cpuSystemSeconds: +(cpu.system / 1e6).toFixed(1),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
