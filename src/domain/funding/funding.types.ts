import { Field, ID, ObjectType } from "type-graphql";
import { Node, Sourced } from "../node/node.types.js";

@ObjectType({
  implements: [Node, Sourced],
  description: "Money from a funder for a project (an IATI transaction or a stated grant). An unknown amount is null, never 0.",
  simpleResolvers: true,
})
export class Funding {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: "Exact decimal as text, e.g. \"1250000.50\"." }) amount?: string | null;
  @Field(() => String, { nullable: true, description: "ISO 4217 code." }) currency?: string | null;
  @Field(() => String, { nullable: true }) date?: string | null;
  @Field(() => String, { nullable: true, description: "IATI transaction type, e.g. 3 (disbursement), or budget." }) flowType?: string | null;
}
