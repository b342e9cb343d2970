import { Field, ID, ObjectType } from "type-graphql";
import { Node, Sourced } from "../node/node.types.js";

@ObjectType({ implements: [Node, Sourced], description: "A country (ISO 3166-1 alpha-2).", simpleResolvers: true })
export class Country {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: "ISO 3166-1 alpha-2 code, e.g. PE." }) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: "Spanish name." }) nameEs!: string;
  @Field(() => [String]) aliases!: string[];
}

@ObjectType({ implements: [Node, Sourced], description: "A UN M49 region or sub-region, e.g. Latin America and the Caribbean (419).", simpleResolvers: true })
export class Region {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: "UN M49 code, e.g. 419; or an IATI region code for imported data." }) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) nameEs?: string | null;
  @Field(() => [String]) aliases!: string[];
}
