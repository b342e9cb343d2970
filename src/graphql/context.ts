/**
 * What every resolver receives: the request's repositories (with their DataLoaders, so batching
 * and caching last exactly one request) and the counter of Cypher round trips.
 */
import { QueryCounter, type Database } from "../db/database.js";
import { ActorRepository } from "../domain/actors/actor.repository.js";
import { EventRepository } from "../domain/events/event.repository.js";
import { FundingRepository } from "../domain/funding/funding.repository.js";
import { EntityRepository } from "../domain/node/entity.repository.js";
import { PlaceRepository } from "../domain/places/place.repository.js";
import { ProjectRepository } from "../domain/projects/project.repository.js";
import { ReferenceRepository } from "../domain/references/reference.repository.js";
import { SearchRepository } from "../domain/search/search.repository.js";
import type { QueryRunner } from "../domain/shared/query-runner.js";
import { LoaderCache } from "../domain/shared/relation-loader.js";
import { SourceRepository } from "../domain/sources/source.repository.js";
import { ThemeRepository } from "../domain/themes/theme.repository.js";
import { databaseError } from "./errors.js";
import type { GraphWorkers } from "../domain/analytics/graph-workers.js";
import type { Caller } from "../auth/roles.js";

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
  /** The server's worker threads for in-process graph algorithms. */
  graphWorkers: GraphWorkers;
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
}

export function createRepositories(db: Database, opts: { timeoutMs: number; counter?: QueryCounter }): Repositories {
  const run: QueryRunner = async (cypher, params = {}) => {
    try {
      return await db.read(cypher, params, { counter: opts.counter, timeoutMs: opts.timeoutMs });
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
    references: new ReferenceRepository(run),
    search: new SearchRepository(run),
  };
}

export function createContext(db: Database, timeoutMs: number, graphWorkers: GraphWorkers, caller: Caller = "anonymous"): Context {
  const queries = new QueryCounter();
  return { repos: createRepositories(db, { timeoutMs, counter: queries }), queries, caller, db, timeoutMs, graphWorkers, report: {} };
}
