/** The shared IATI files, beside the project (../shared/data/iati) or where IATI_DATA_DIR says. */
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/config/config.js";

export const IATI_DIR = process.env.IATI_DATA_DIR ?? path.resolve(PROJECT_ROOT, "../shared/data/iati");
if (!fs.existsSync(IATI_DIR)) throw new Error(`the IATI test files are not at ${IATI_DIR}: clone the project beside shared/, or set IATI_DATA_DIR`);
