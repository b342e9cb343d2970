/**
 * GraphQL execution through graphql-jit: an operation seen again is compiled once into plain
 * JavaScript (no per-field lookups of types, resolvers and paths at run time) and run from then on
 * through the compiled function; graphql-js runs everything else. Plugged into Apollo Server as a
 * gateway's executor, the seam Apollo Server 5 has for replacing execution (src/graphql/apollo.ts):
 * parsing, validation, limits and every plugin stay Apollo's.
 */
import type { ApolloServerOptionsWithGateway } from "@apollo/server";
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";

type Gateway = NonNullable<ApolloServerOptionsWithGateway<Record<string, unknown>>["gateway"]>;
type Executor = NonNullable<Awaited<ReturnType<Gateway["load"]>>["executor"]>;

export interface JitOptions {
  /** Operations whose compiled form is kept, least recently used dropped first. */
  maxCompiled?: number;
  /** Operations remembered as seen but not compiled yet. */
  maxSeen?: number;
  /** The time an operation comes in which it is compiled (default 2: the first run stays on graphql-js). */
  compileOnSighting?: number;
}

/** What the executor did, for tests and logs. */
export interface JitStats {
  compiled: number;
  jitRuns: number;
  graphqlJsRuns: number;
  /** Operations graphql-jit refused to compile (they stay on graphql-js). */
  refused: number;
}

/** A Map used as a least-recently-used cache: re-inserting moves a key to the end. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }
  set(key: string, value: V) {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
  delete(key: string) {
    this.map.delete(key);
  }
  get size() {
    return this.map.size;
  }
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
  /** Compiled operations by query hash and operation name; null: graphql-jit refused it. */
  private readonly compiled: Lru<CompiledQuery | null>;
  private readonly seen: Lru<number>;
  private readonly compileOnSighting: number;
  readonly stats: JitStats = { compiled: 0, jitRuns: 0, graphqlJsRuns: 0, refused: 0 };

  constructor(private readonly schema: GraphQLSchema, options: JitOptions = {}) {
    this.compiled = new Lru(options.maxCompiled ?? 500);
    this.seen = new Lru(options.maxSeen ?? 5000);
    this.compileOnSighting = Math.max(1, options.compileOnSighting ?? 2);
  }

  /**
   * The compiled operation, compiled now if it is the second time it comes. A client sending
   * endless distinct documents never gets the server to compile them: each runs on graphql-js once.
   */
  private compiledFor(queryHash: string, document: DocumentNode, operationName: string | undefined): CompiledQuery | null {
    const key = `${queryHash}:${operationName ?? ""}`;
    const known = this.compiled.get(key);
    if (known !== undefined) return known;
    const sightings = (this.seen.get(key) ?? 0) + 1;
    if (sightings < this.compileOnSighting) {
      this.seen.set(key, sightings);
      return null;
    }
    this.seen.delete(key);
    let compiled: CompiledQuery | null = null;
    try {
      const result = compileQuery(this.schema, document, operationName);
      if (isCompiledQuery(result)) compiled = result;
    } catch {
      // An operation graphql-jit cannot compile keeps running on graphql-js.
    }
    if (compiled) this.stats.compiled++;
    else this.stats.refused++;
    this.compiled.set(key, compiled);
    return compiled;
  }

  private runGraphqlJs(document: DocumentNode, contextValue: unknown, variables: Record<string, unknown> | undefined, operationName: string | undefined) {
    this.stats.graphqlJsRuns++;
    return execute({ schema: this.schema, document, contextValue, variableValues: variables, operationName });
  }

  async execute(
    queryHash: string, document: DocumentNode, contextValue: unknown, variables: Record<string, unknown> | undefined, operationName: string | undefined,
  ): Promise<ExecutionResult> {
    const compiled = this.compiledFor(queryHash, document, operationName);
    if (!compiled) return this.runGraphqlJs(document, contextValue, variables, operationName);
    const result = await compiled.query(undefined, contextValue, variables ?? {});
    // No data at all: the request failed before any resolver ran (its variables do not fit the
    // operation). graphql-js words those errors as clients know them; running it costs nothing.
    if (result.data === undefined) return this.runGraphqlJs(document, contextValue, variables, operationName);
    this.stats.jitRuns++;
    if (!result.errors?.length) return result;
    return { ...result, errors: result.errors.map(asGraphQLJsError) };
  }

  /** The gateway Apollo Server takes: this schema, executed here. */
  gateway(): Gateway {
    const executor: Executor = (request) =>
      this.execute(request.queryHash, request.document, request.context, request.request.variables, request.request.operationName);
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
