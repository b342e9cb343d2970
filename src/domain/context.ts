/**
 * What every resolver receives: the request's repositories (with their DataLoaders, so batching
 * and caching last exactly one request) and the counter of Cypher round trips.
 */
import type { Database, QueryCounter } from "../db/database.js";
import { ActorRepository } from "./actors/actor.repository.js";
import { EventRepository } from "./events/event.repository.js";
import { FundingRepository } from "./funding/funding.repository.js";
import { EntityRepository } from "./node/entity.repository.js";
import { PlaceRepository } from "./places/place.repository.js";
import { ProjectRepository } from "./projects/project.repository.js";
import { ReferenceCache, ReferenceRepository } from "./references/reference.repository.js";
import { SearchRepository } from "./search/search.repository.js";
import type { QueryRunner } from "./shared/query-runner.js";
import { LoaderCache } from "./shared/relation-loader.js";
import { SourceRepository } from "./sources/source.repository.js";
import { ThemeRepository } from "./themes/theme.repository.js";
import { databaseError, userError } from "./shared/errors.js";
import { AGGREGATE_LABELS, AGGREGATE_RELATIONSHIP_TYPES } from "../db/aggregates.js";
import type { Caller } from "../auth/roles.js";
import type { GraphWorkers } from "./analytics/graph-workers.js";
import type { GraphWatcher, ServingProblem } from "../db/graph-watcher.js";

export interface Repositories {
  /** Runs a read for modules without loaders of their own (analytics): counted, under the time limit. */
  run: QueryRunner;
  entities: EntityRepository;
  actors: ActorRepository;
  projects: ProjectRepository;
  places: PlaceRepository;
  themes: ThemeRepository;
  events: EventRepository;
  funding: FundingRepository;
  sources: SourceRepository;
  references: ReferenceRepository;
  search: SearchRepository;
}

export interface Context {
  repos: Repositories;
  queries: QueryCounter;
  /** Who is calling: their role decides which mutations they may run. */
  caller: Caller;
  /** For mutations: writes run in executeWrite transactions of their own. */
  db: Database;
  timeoutMs: number;
  /** Outlives the request (the server owns it); a write invalidates it once committed. */
  referenceCache: ReferenceCache;
  /** The server's worker threads for in-process graph algorithms. */
  graphWorkers: GraphWorkers;
  /** The server's watch on the graph's write version (subscriptions read it). */
  graphWatcher?: GraphWatcher;
  /**
   * What the HTTP layer reports about the request (Apollo copies the context object per
   * operation, so these live in an object shared by reference).
   */
  report: RequestReport;
}

export interface RequestReport {
  operationName?: string;
  errorCodes?: string[];
  /** The document or its variables were refused before execution (parse, validation, coercion). */
  requestError?: boolean;
  /** The graph's write version when the request started: part of every response-cache key. */
  graphVersion?: string;
  /** The client sent a bookmark: answer from the database, after its writes, bypassing caches. */
  fresh?: boolean;
  operationKind?: "query" | "mutation" | "subscription";
}

export interface RepositoryOptions {
  timeoutMs: number;
  /** Without one, resolutions are cached for this set of repositories only. */
  referenceCache?: ReferenceCache;
  /** Says when reads of the aggregates must be refused (the server's graph watcher). */
  servingState?: { readonly problem: ServingProblem | undefined; recheck(): Promise<ServingProblem | undefined> };
}

/** Statements that read what db/aggregates.ts keeps: the tallies and the partner relationships. */
const READS_AGGREGATES = new RegExp(`:\\s*(?:${[...AGGREGATE_LABELS, ...AGGREGATE_RELATIONSHIP_TYPES].join("|")})\\b`);

export function createRepositories(db: Database, opts: RepositoryOptions): Repositories {
  const run: QueryRunner = async (cypher, params = {}) => {
    // One field read per statement while all is well; the pattern is only tested when something is not,
    // and the state read again (shared, at most every 200 ms) before refusing.
    const problem = opts.servingState?.problem && READS_AGGREGATES.test(cypher) ? await opts.servingState.recheck() : undefined;
    if (problem) {
      throw userError(problem.message, problem.code, {
        storedAggregates: problem.storedAggregates, expectedAggregates: problem.expectedAggregates, missingSchema: problem.missingSchema,
      });
    }
    try {
      return await db.read(cypher, params, { timeoutMs: opts.timeoutMs });
    } catch (err) {
      throw databaseError(err, opts.timeoutMs);
    }
  };
  const loaders = new LoaderCache();
  return {
    run,
    entities: new EntityRepository(run),
    actors: new ActorRepository(run, loaders),
    projects: new ProjectRepository(run, loaders),
    places: new PlaceRepository(run, loaders),
    themes: new ThemeRepository(run, loaders),
    events: new EventRepository(run, loaders),
    funding: new FundingRepository(run, loaders),
    sources: new SourceRepository(run),
    references: new ReferenceRepository(run, opts.referenceCache ?? new ReferenceCache()),
    search: new SearchRepository(run),
  };
}
