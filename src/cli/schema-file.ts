import path from "node:path";
import { PROJECT_ROOT } from "../config/config.js";

/** Where the SDL is committed; `npm run schema` writes it, a test checks it is current. */
export const SCHEMA_FILE = path.join(PROJECT_ROOT, "schema", "schema.graphql");
