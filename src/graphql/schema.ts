/** The GraphQL schema, built by type-graphql from the domain modules' decorated classes. */
import "reflect-metadata";
import { isAbstractType, lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { buildSchema, type PubSub } from "type-graphql";
import { callFieldResolversDirectly } from "./direct-field-resolvers.js";
import {
  ActorResolver, EventRoleResolver, MembershipResolver, ParticipationResolver, PositionResolver,
} from "../domain/actors/actor.resolver.js";
import { Agency, Group, Organization, Person } from "../domain/actors/actor.types.js";
import { typeNameOf } from "../domain/node/node.types.js";
import { ChangeResolver } from "../domain/changes/change.resolver.js";
import { AnalyticsResolver } from "../domain/analytics/analytics.resolver.js";
import { AskResolver } from "../domain/ask/ask.resolver.js";
import { EditingResolver } from "../domain/editing/editing.resolver.js";
import { EventResolver } from "../domain/events/event.resolver.js";
import { FundingResolver } from "../domain/funding/funding.resolver.js";
import { QueryResolver } from "../domain/node/query.resolver.js";
import { SourcedResolver } from "../domain/node/sourced.resolver.js";
import { CountryResolver, RegionResolver } from "../domain/places/place.resolver.js";
import { ProjectResolver, RelatedProjectResolver } from "../domain/projects/project.resolver.js";
import { ResolutionResolver } from "../domain/resolution/resolution.resolver.js";
import { CitationResolver } from "../domain/sources/source.resolver.js";
import { ThemeResolver } from "../domain/themes/theme.resolver.js";

const UNUSED_PUBSUB: PubSub = {
  publish: () => {
    throw new Error("coopgraph's subscriptions read the graph watcher, not a PubSub");
  },
  subscribe: () => {
    throw new Error("coopgraph's subscriptions read the graph watcher, not a PubSub");
  },
};

let built: GraphQLSchema | undefined;

/** The abstract types whose rows name their GraphQL type in `nodeType` (typeNameOf). */
const TYPED_BY_NODE_TYPE = ["Actor", "Node", "Searchable"];

/**
 * type-graphql wraps each `resolveType` in an async function, so every abstract value waits a
 * promise under graphql-js, and graphql-jit (src/graphql/jit-executor.ts), which calls resolveType
 * synchronously, reads the promise as "no type". The rows know their type: answered synchronously.
 */
function resolveTypesSynchronously(schema: GraphQLSchema): GraphQLSchema {
  for (const name of TYPED_BY_NODE_TYPE) {
    const type = schema.getType(name);
    if (!isAbstractType(type)) throw new Error(`${name} is not an abstract type of the schema`);
    type.resolveType = (value) => typeNameOf(value as { nodeType?: string });
  }
  return schema;
}

export const RESOLVERS = [
  QueryResolver, ProjectResolver, RelatedProjectResolver, ActorResolver, ParticipationResolver, PositionResolver,
  MembershipResolver, EventRoleResolver, EventResolver, CountryResolver, RegionResolver, ThemeResolver,
  FundingResolver, CitationResolver, SourcedResolver, EditingResolver, AnalyticsResolver, ChangeResolver, AskResolver, ResolutionResolver,
] as const;

export async function buildCoopgraphSchema(): Promise<GraphQLSchema> {
  built ??= await buildTypedSchema();
  return built;
}

async function buildTypedSchema(): Promise<GraphQLSchema> {
  const schema = resolveTypesSynchronously(await buildSchema({
    resolvers: RESOLVERS,
    // Implementations of interfaces that no field returns directly must still be in the schema.
    orphanedTypes: [Agency, Organization, Person, Group],
    // type-graphql insists on a PubSub once any subscription exists; graphChanged brings its own
    // stream (subscribe: ...) from the graph watcher, so nothing publishes through this one.
    pubSub: UNUSED_PUBSUB,
    // No global middlewares, auth checker, validateFn or container: callFieldResolversDirectly relies on it.
    validate: false,
  }));
  callFieldResolversDirectly(schema, RESOLVERS);
  return schema;
}

/** The committed SDL (schema/schema.graphql): sorted, so that diffs show real changes only. */
export async function printCoopgraphSchema(): Promise<string> {
  return printSchema(lexicographicSortSchema(await buildCoopgraphSchema())) + "\n";
}
