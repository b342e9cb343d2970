/**
 * One worker of the offline import's CSV generation (offline-workers.ts): streams the documents
 * it is sent into CSV files of its own, then sends back what the main image adds up.
 */
import { parentPort, workerData } from "node:worker_threads";
import { GraphImage } from "./offline-import.js";
import type { FromWorker, ToWorker, WorkerSetup } from "./offline-workers.js";

const setup = workerData as WorkerSetup;
const image = GraphImage.fromSnapshot(setup.snapshot);
image.partition(setup.part, setup.parts);
image.openCsv(setup.dir);
const port = parentPort!;
port.on("message", (m: ToWorker) => {
  if ("doc" in m) port.postMessage({ streamed: image.stream(m.doc) } satisfies FromWorker);
  else port.postMessage({ finished: image.finishStream() } satisfies FromWorker);
});
