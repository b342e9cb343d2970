import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { Actor } from "../actors/actor.types.js";
import { Project } from "../projects/project.types.js";
import type { FundingRow } from "../shared/rows.js";
import { Funding } from "./funding.types.js";

@Resolver(() => Funding)
export class FundingResolver {
  @FieldResolver(() => Actor, { nullable: true })
  funder(@Root() f: FundingRow, @Ctx() ctx: Context) {
    return ctx.repos.funding.funder(f.id);
  }

  @FieldResolver(() => Actor, { nullable: true })
  recipient(@Root() f: FundingRow, @Ctx() ctx: Context) {
    return ctx.repos.funding.recipient(f.id);
  }

  @FieldResolver(() => Project, { nullable: true })
  project(@Root() f: FundingRow, @Ctx() ctx: Context) {
    return ctx.repos.funding.project(f.id);
  }
}
