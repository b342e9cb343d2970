/**
 * Errors a client can act on. Each carries `extensions.code`; the message says what was wrong.
 * Anything else is an internal error, masked unless NODE_ENV=development (see src/graphql/apollo.ts).
 */
import { GraphQLError } from "graphql";

export const ErrorCode = {
  BAD_USER_INPUT: "BAD_USER_INPUT",
  REFERENCE_NOT_FOUND: "REFERENCE_NOT_FOUND",
  AMBIGUOUS_REFERENCE: "AMBIGUOUS_REFERENCE",
  NOT_FOUND: "NOT_FOUND",
  QUERY_TIMEOUT: "QUERY_TIMEOUT",
  LIMIT_EXCEEDED: "LIMIT_EXCEEDED",
  DATABASE_UNAVAILABLE: "DATABASE_UNAVAILABLE",
  /** The graph's aggregates are not of this code's version, or its migrations are not applied (db/graph-watcher.ts). */
  AGGREGATES_STALE: "AGGREGATES_STALE",
} as const;

export function userError(message: string, code: string = ErrorCode.BAD_USER_INPUT, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/** Translates Neo4j failures that are the query's fault (timeouts) into clear client errors. */
export function databaseError(err: unknown, timeoutMs: number): GraphQLError | unknown {
  const code = (err as { code?: string }).code ?? "";
  if (code.includes("TransactionTimedOut") || code.includes("Transaction.TransactionTimedOutClientConfiguration")) {
    return userError(`the query was stopped after its time limit of ${timeoutMs} ms; narrow the filter or ask for fewer items`,
      ErrorCode.QUERY_TIMEOUT, { limitMs: timeoutMs });
  }
  if (code === "ServiceUnavailable" || code === "SessionExpired") {
    return userError("the database is unavailable; try again shortly", ErrorCode.DATABASE_UNAVAILABLE);
  }
  return err;
}
