import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { Citation, Source } from "./source.types.js";

@Resolver(() => Citation)
export class CitationResolver {
  @FieldResolver(() => Source)
  async source(@Root() citation: Citation, @Ctx() ctx: Context) {
    return ctx.repos.sources.byId.load(citation.sourceId);
  }
}
