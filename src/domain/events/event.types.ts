import { Field, ID, ObjectType } from "type-graphql";
import { Node, Sourced } from "../node/node.types.js";

@ObjectType({ implements: [Node, Sourced], description: "A conference or one of its sessions.", simpleResolvers: true })
export class Event {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: "conference, session, ..." }) kind!: string;
  @Field(() => [String]) aliases!: string[];
  @Field(() => String, { nullable: true }) startDate?: string | null;
  @Field(() => String, { nullable: true }) endDate?: string | null;
}

@ObjectType({ implements: [Sourced], description: "An actor's part in an event: speaker, organizer or participant.", simpleResolvers: true })
export class EventRole {
  @Field(() => String, { description: "speaker, organizer, participant, presenter" }) role!: string;
  actorId!: string;
  eventId!: string;
}
