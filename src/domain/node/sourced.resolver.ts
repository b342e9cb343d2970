import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { nodeTypeOfId } from "../../model/model.js";
import { Citation } from "../sources/source.types.js";
import { citationsOf, type Provenanced } from "../shared/rows.js";
import { Sourced } from "./node.types.js";

@Resolver(() => Sourced)
export class SourcedResolver {
  @FieldResolver(() => [Citation])
  async sources(@Root() item: Provenanced & { id?: string }, @Ctx() ctx: Context): Promise<Citation[]> {
    // Lists fetch entities without their provenance; fetch it (batched) only when asked for.
    if (item.sourceIds === undefined && item.id && nodeTypeOfId(item.id)) {
      const full = await ctx.repos.entities.byId.load(item.id);
      return full ? citationsOf(full) : [];
    }
    return citationsOf(item);
  }
}
