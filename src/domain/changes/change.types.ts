import { Field, ID, InputType, ObjectType } from "type-graphql";

@ObjectType({ description: "Writes or imports that touched the graph since the last event (at most one event a second)." })
export class GraphChange {
  @Field(() => String, { description: "The graph's write version after these changes (opaque; compare for equality)." })
  version!: string;

  @Field(() => [ID], { description: "Ids of the entities the writes touched that match the subscription's filter." })
  ids!: string[];

  @Field(() => Boolean, { description: "True when the whole graph may have changed (the database was reloaded): refetch everything." })
  all!: boolean;
}

@InputType({ description: "Which changes to hear about; empty means every change." })
export class GraphChangeFilter {
  @Field(() => [String], { nullable: true, description: "Entities (ids, names, acronyms, codes): writes that touch one of them (an entity written, or an end of a relationship added or removed)." })
  entities?: string[];

  @Field(() => [String], { nullable: true, description: "Id kinds, e.g. [\"project\", \"organization\"]: the ids of these kinds that writes touch; with entities, only in writes that touch one of the entities." })
  kinds?: string[];
}
