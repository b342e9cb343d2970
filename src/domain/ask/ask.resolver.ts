import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, Info, Query, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { ask } from "./ask.service.js";
import { AskLanguage, AskResult } from "./ask.types.js";

@Resolver()
export class AskResolver {
  @Query(() => AskResult, {
    description: "A question in English or Spanish (\"Which programs involved UNODC and Peru?\"), read into a GraphQL operation and answered by running it; " +
      "or \"not understood\" with the closest readings. Deterministic: no outside service.",
  })
  ask(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg("question", () => String) question: string,
    @Arg("language", () => AskLanguage, { nullable: true, description: "Detected when not given." }) language: AskLanguage | null,
  ) {
    return ask(info.schema, ctx, question, language);
  }
}
