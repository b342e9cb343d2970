import { ConfigError } from "../config/config.js";
import { ConnectionError } from "../db/database.js";
import { ManagedNeo4jError } from "../db/managed-neo4j.js";

/** Expected failures (bad configuration, unreachable database) print one clear line, no stack trace. */
export function runCli(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError || err instanceof ConnectionError || err instanceof ManagedNeo4jError) {
      console.error(`coopgraph: ${err.message}`);
    } else {
      console.error(err);
    }
    process.exit(1);
  });
}

export const log = (line: string): void => console.log(line);
