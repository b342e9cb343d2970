import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { Project } from "../projects/project.types.js";
import type { EventRow } from "../shared/rows.js";
import { Event, EventRole } from "./event.types.js";

@Resolver(() => Event)
export class EventResolver {
  @FieldResolver(() => Event, { nullable: true, description: "The conference a session belongs to." })
  async partOf(@Root() e: EventRow, @Ctx() ctx: Context) {
    return (await ctx.repos.events.partOf(e.id))[0] ?? null;
  }

  @FieldResolver(() => [Event])
  sessions(@Root() e: EventRow, @Ctx() ctx: Context) {
    return ctx.repos.events.sessions(e.id);
  }

  @FieldResolver(() => [EventRole], { description: "Speakers, organizers and participants." })
  participants(@Root() e: EventRow, @Ctx() ctx: Context) {
    return ctx.repos.events.roles(e.id);
  }

  @FieldResolver(() => [EventRole])
  async speakers(@Root() e: EventRow, @Ctx() ctx: Context) {
    return (await ctx.repos.events.roles(e.id)).filter((r) => r.role === "speaker");
  }

  @FieldResolver(() => [Project], { description: "Projects presented there." })
  projects(@Root() e: EventRow, @Ctx() ctx: Context) {
    return ctx.repos.events.projects(e.id);
  }
}
