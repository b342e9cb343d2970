/** The API's logger: pino, JSON lines on stdout (pipe through `npx pino-pretty` to read them). */
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    // Never log credentials, whatever a caller puts in a log object by mistake.
    redact: { paths: ["req.headers.authorization", "headers.authorization", "authorization"], remove: true },
  });
}
