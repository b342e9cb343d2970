import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { Actor } from "../actors/actor.types.js";
import { Project } from "../projects/project.types.js";
import type { FundingRow } from "../shared/rows.js";
import { Funding } from "./funding.types.js";

@Resolver(() => Funding)
export class FundingResolver {
  @FieldResolver(() => Actor, { nullable: true, description: "Who gives the money (the first by name when a merge left the flow with two: see funders)." })
  funder(@Root() f: FundingRow, @Ctx() ctx: Context) {
    return ctx.repos.funding.funder(f.id);
  }

  @FieldResolver(() => [Actor], { description: "Every funder of the flow, by name: one, or more after flows were merged." })
  funders(@Root() f: FundingRow, @Ctx() ctx: Context) {
    return ctx.repos.funding.funders(f.id);
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
