/**
 * formatError (src/graphql/apollo.ts) on an IATI import that the database stopped part-way: the
 * driver's text stays masked, and the admin still reads how much was committed and that a re-run
 * resumes, in the message and in extensions.
 */
import { GraphQLError } from "graphql";
import { Neo4jError } from "neo4j-driver";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { formatError } from "../../src/graphql/apollo.js";
import { ImportError } from "../../src/ingest/index.js";

const driverError = (message: string, code: string) => new Neo4jError(message, code, "50N42", "error: general processing exception");

function formatted(cause: Error, committed: number) {
  const lines: string[] = [];
  const log = pino({}, { write: (line: string) => lines.push(line) });
  const stopped = Object.assign(new ImportError(`/srv/tmp/upload.xml: ${cause.message}; ...`, { cause }), { committed });
  // As Apollo hands it over: a GraphQLError around what the resolver threw, code not yet decided.
  const error = new GraphQLError(stopped.message, { originalError: stopped, extensions: { code: "INTERNAL_SERVER_ERROR" } });
  return { answer: formatError(false, log, false)(error.toJSON(), error), lines };
}

describe("formatError on an import the database stopped", () => {
  it("says DATABASE_UNAVAILABLE with the count committed before the fault", () => {
    const { answer } = formatted(driverError("Connection was closed by server (secret detail)", "ServiceUnavailable"), 3);
    expect(answer.extensions).toEqual({ code: "DATABASE_UNAVAILABLE", committedActivities: 3 });
    expect(answer.message).toBe("the database is unavailable; try again shortly; 3 activities were committed before the fault: " +
      "run the import again to resume (they are recognised and skipped)");
  });

  it("masks any other fault, keeping the count and logging the fault under the error id", () => {
    const { answer, lines } = formatted(driverError("Neo.TransientError.Transaction.DeadlockDetected: secret detail", "Neo.TransientError.Transaction.DeadlockDetected"), 0);
    expect(answer.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", errorId: expect.any(String), committedActivities: 0 });
    expect(answer.message).toBe(`Internal server error (error id ${answer.extensions!.errorId}); nothing was committed: run the import again`);
    expect(JSON.stringify(answer)).not.toMatch(/secret|\/srv/);
    expect(lines.join("")).toContain(String(answer.extensions!.errorId));
    expect(lines.join("")).toContain("DeadlockDetected");
  });
});
