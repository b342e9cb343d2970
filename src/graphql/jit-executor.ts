/**
 * GraphQL execution through graphql-jit: an operation seen again is compiled once into plain
 * JavaScript (no per-field lookups of types, resolvers and paths at run time) and run from then on
 * through the compiled function; graphql-js runs everything else. Plugged into Apollo Server as a
 * gateway's executor, the seam Apollo Server 5 has for replacing execution (src/graphql/apollo.ts):
 * parsing, validation, limits and every plugin stay Apollo's.
 */
import type { ApolloServerOptionsWithGateway } from "@apollo/server";
import { BREAK, execute, GraphQLError, Kind, parse, visit, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import { LRUCache } from "lru-cache";

type Gateway = NonNullable<ApolloServerOptionsWithGateway<Record<string, unknown>>["gateway"]>;
type Executor = NonNullable<Awaited<ReturnType<Gateway["load"]>>["executor"]>;

export interface JitOptions {
  /** Operations whose compiled form is kept, least recently used dropped first. */
  maxCompiled?: number;
  /** Operations remembered as seen but not compiled yet. */
  maxSeen?: number;
  /** The time an operation comes in which it is compiled (default 2: the first run stays on graphql-js). */
  compileOnSighting?: number;
  /** Longer documents are never compiled (compiling grows with the abstract types a document fans out over). */
  maxSourceLength?: number;
  /** Milliseconds of compiling allowed per minute, refilled continuously; past it, operations wait on graphql-js. */
  compileMsPerMinute?: number;
  /** An operation that took longer to compile is not kept (it runs on graphql-js). */
  maxCompileMs?: number;
}

/** What one execution needs; Apollo's gateway request gives all of it. */
export interface JitRequest {
  queryHash: string;
  document: DocumentNode;
  /** The document's text, for its length. */
  source: string;
  contextValue: unknown;
  variables?: Record<string, unknown>;
  operationName?: string;
}

/** What the executor did, for tests and logs. */
export interface JitStats {
  compiled: number;
  jitRuns: number;
  graphqlJsRuns: number;
  /** Operations graphql-jit refused to compile (they stay on graphql-js). */
  refused: number;
  /** Compilations put off because the minute's compile time was spent. */
  deferred: number;
}

/**
 * Whether graphql-jit answers this operation exactly as graphql-js does, and the variables it must
 * be sent for that. Found in review, each shown on graphql-jit 0.8.9 against graphql-js:
 * - anything but a query goes to graphql-js: jit runs a mutation's later root fields after an
 *   earlier one failed;
 * - so does a document with `@skip`/`@include`: jit keeps their conditions on the document's field
 *   nodes, so a fragment used twice with a condition on one use, or shared by two operations, loses fields;
 * - a variable inside an object or list literal (`filter: { themes: $themes }`) that a request
 *   leaves out: jit passes it as an explicit null, where graphql-js leaves the field out (or takes
 *   its default). Such a request runs on graphql-js (`literalVariables`); one that sends them all runs compiled.
 */
export function jitEligibility(document: DocumentNode, operationName?: string): { alike: boolean; literalVariables: string[] } {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (operation?.operation !== "query") return { alike: false, literalVariables: [] };
  let alike = true;
  let literalDepth = 0;
  const literalVariables = new Set<string>();
  const literal = { enter: () => void literalDepth++, leave: () => void literalDepth-- };
  visit(document, {
    Directive: (node) => {
      if (node.name.value !== "skip" && node.name.value !== "include") return undefined;
      alike = false;
      return BREAK;
    },
    ObjectValue: literal,
    ListValue: literal,
    Variable: (node) => void (literalDepth > 0 && literalVariables.add(node.name.value)),
  });
  return { alike, literalVariables: [...literalVariables] };
}

/** A compiled operation, and the variables a request must send for it to run compiled. */
interface Compiled {
  query: CompiledQuery;
  literalVariables: string[];
}

/**
 * graphql-jit's errors are its own objects (prototype of graphql-js's GraphQLError, no `extensions`
 * when the thrown error has none, which Apollo's error formatting reads): rebuilt as graphql-js
 * builds them, with the same message, locations, path, original error and its extensions.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const original = error.originalError;
  // graphql-js keeps a thrown GraphQLError that already has its path as it is.
  if (original instanceof GraphQLError && original.path) return original;
  const rebuilt = new GraphQLError(error.message, { path: error.path, originalError: original });
  // Built without AST nodes (graphql-jit keeps only their locations): the locations are set as they were.
  (rebuilt as { locations: GraphQLError["locations"] }).locations = error.locations;
  return rebuilt;
}

export class JitExecutor {
  /** Compiled operations by query hash and operation name, least recently used dropped first; false: left to graphql-js. */
  private readonly compiled: LRUCache<string, Compiled | false>;
  private readonly seen: LRUCache<string, number>;
  private readonly compileOnSighting: number;
  private readonly maxSourceLength: number;
  private readonly compileMsPerMinute: number;
  private readonly maxCompileMs: number;
  /** Compile time left (ms) and when it was last refilled. */
  private budget: { ms: number; at: number };
  readonly stats: JitStats = { compiled: 0, jitRuns: 0, graphqlJsRuns: 0, refused: 0, deferred: 0 };

  constructor(private readonly schema: GraphQLSchema, options: JitOptions = {}) {
    this.compiled = new LRUCache({ max: options.maxCompiled ?? 200 });
    this.seen = new LRUCache({ max: options.maxSeen ?? 5000 });
    this.compileOnSighting = Math.max(1, options.compileOnSighting ?? 2);
    this.maxSourceLength = options.maxSourceLength ?? 4000;
    this.compileMsPerMinute = options.compileMsPerMinute ?? 500;
    this.maxCompileMs = options.maxCompileMs ?? 25;
    this.budget = { ms: this.compileMsPerMinute, at: performance.now() };
  }

  /** Whether compile time is left; it refills at compileMsPerMinute. */
  private mayCompile(now: number): boolean {
    this.budget = { ms: Math.min(this.compileMsPerMinute, this.budget.ms + ((now - this.budget.at) * this.compileMsPerMinute) / 60_000), at: now };
    return this.budget.ms > 0;
  }

  /**
   * The compiled operation, compiled now if it is the second time it comes. What hostile traffic can
   * make compiling cost is bounded, not nil: endless distinct documents each run once on graphql-js;
   * long ones are never compiled (a 7 KB document of aliased searches fanning out over the Searchable
   * and Actor types took 200-550 ms to compile, the benchmark's operations 0.1-4 ms); compiling gets
   * a time budget per minute (past it, operations run on graphql-js until it refills: a client that
   * spends it delays compiling for others, never answers); and an operation that took over
   * `maxCompileMs` to compile is not kept (a 3.6 KB document of fragments took 77-160 ms and held
   * about 3.8 MB compiled), so the cache holds at most `maxCompiled` ordinary operations.
   */
  private compiledFor({ queryHash, document, source, operationName }: JitRequest): Compiled | null {
    if (source.length > this.maxSourceLength) return null;
    const key = `${queryHash}:${operationName ?? ""}`;
    const known = this.compiled.get(key);
    if (known !== undefined) return known || null;
    const sightings = (this.seen.get(key) ?? 0) + 1;
    if (sightings < this.compileOnSighting) {
      this.seen.set(key, sightings);
      return null;
    }
    const started = performance.now();
    if (!this.mayCompile(started)) {
      this.stats.deferred++;
      this.seen.set(key, sightings);
      return null;
    }
    this.seen.delete(key);
    let compiled: Compiled | null = null;
    const { alike, literalVariables } = jitEligibility(document, operationName);
    if (alike) {
      try {
        // From a document of its own: graphql-jit writes onto the nodes it compiles, and Apollo
        // hands every request of this text the same parsed document.
        const result = compileQuery(this.schema, parse(source), operationName);
        if (isCompiledQuery(result)) compiled = { query: result, literalVariables };
      } catch {
        // An operation graphql-jit cannot compile keeps running on graphql-js.
      }
    }
    const took = performance.now() - started;
    this.budget.ms -= took;
    // A slow compile is a large compiled function too (fragments multiply what a document asks for):
    // not kept, so that the cache's memory stays that of ordinary operations.
    if (took > this.maxCompileMs) compiled = null;
    if (compiled) this.stats.compiled++;
    else this.stats.refused++;
    this.compiled.set(key, compiled ?? false);
    return compiled;
  }

  private runGraphqlJs(document: DocumentNode, contextValue: unknown, variables: Record<string, unknown> | undefined, operationName: string | undefined) {
    this.stats.graphqlJsRuns++;
    return execute({ schema: this.schema, document, contextValue, variableValues: variables, operationName });
  }

  async execute(request: JitRequest): Promise<ExecutionResult> {
    const { document, contextValue, variables, operationName } = request;
    const compiled = this.compiledFor(request);
    if (!compiled || compiled.literalVariables.some((name) => variables?.[name] === undefined)) {
      return this.runGraphqlJs(document, contextValue, variables, operationName);
    }
    const result = await compiled.query.query(undefined, contextValue, variables ?? {});
    // No data at all: the request failed before any resolver ran (its variables do not fit the
    // operation). graphql-js words those errors as clients know them; running it costs nothing.
    if (result.data === undefined) return this.runGraphqlJs(document, contextValue, variables, operationName);
    this.stats.jitRuns++;
    if (!result.errors?.length) return result;
    return { ...result, errors: result.errors.map(asGraphQLJsError) };
  }

  /** The gateway Apollo Server takes: this schema, executed here. */
  gateway(): Gateway {
    const executor: Executor = (request) => this.execute({
      queryHash: request.queryHash, document: request.document, source: request.source, contextValue: request.context,
      variables: request.request.variables, operationName: request.request.operationName,
    });
    return {
      onSchemaLoadOrUpdate: (callback) => {
        callback({ apiSchema: this.schema, coreSupergraphSdl: "" });
        return () => {};
      },
      load: async () => ({ executor }),
      stop: async () => {},
    };
  }
}
