/**
 * How every command ends on a failure: one line that says what went wrong (`coopgraph: ...`),
 * and the stack trace only with --verbose (or COOPGRAPH_VERBOSE=1), for whoever debugs the code.
 */
export function runCli(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    const verbose = process.argv.includes("--verbose") || process.env.COOPGRAPH_VERBOSE === "1";
    const message = err instanceof Error ? err.message : String(err);
    console.error(`coopgraph: ${message.split("\n")[0]}${verbose || isExpected(err) ? "" : " (--verbose shows the stack trace)"}`);
    if (verbose && err instanceof Error) console.error(err.stack);
    process.exit(1);
  });
}

/** Failures whose message says everything (bad configuration, an unreachable database, a bad file). */
function isExpected(err: unknown): boolean {
  return err instanceof Error && EXPECTED.some((name) => err.constructor.name === name);
}

const EXPECTED = ["ConfigError", "ConnectionError", "ManagedNeo4jError", "ImportError", "AggregatesVersionError", "NewerAggregatesError", "XmlSyntaxError", "RegisterError"];

export const log = (line: string): void => console.log(line);
