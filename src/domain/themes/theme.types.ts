import { Field, ID, ObjectType } from "type-graphql";
import { Node, Sourced } from "../node/node.types.js";

@ObjectType({ implements: [Node, Sourced], description: "What a project is about: cybercrime, drug markets, gender-based violence, ...", simpleResolvers: true })
export class Theme {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) nameEs?: string | null;
  @Field(() => [String]) aliases!: string[];
}
