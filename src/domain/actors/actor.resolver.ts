import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { connectionTypes, decodeCursor, pageSize, toConnection } from "../shared/pagination.js";
import { Event, EventRole } from "../events/event.types.js";
import { Funding } from "../funding/funding.types.js";
import { Country } from "../places/place.types.js";
import { Project } from "../projects/project.types.js";
import type { EntityRow, ActorRow } from "../shared/rows.js";
import { participationPageKey, type ActorAhead, type ParticipationRow, type PositionRow, type MembershipRow, type EventRoleRow } from "./actor.repository.js";
import { Actor, Membership, Participation, Position } from "./actor.types.js";

export const ParticipationConnection = connectionTypes(() => Participation, "Participation");

@Resolver(() => Actor)
export class ActorResolver {
  @FieldResolver(() => ParticipationConnection, { description: "The projects this actor takes part in, with its role in each, by project name." })
  async participations(
    @Root() actor: ActorRow,
    @Ctx() ctx: Context,
    @Arg("roles", () => [String], { nullable: true }) roles: string[] | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ) {
    const size = pageSize(first);
    const key = after ? (decodeCursor(after) as [string, string]) : null;
    const page = { roles: roles ?? null, first: size, after: key };
    // The profile query fetched this very page ahead (QueryResolver.actor).
    const ahead = (actor as ActorAhead).lookaheadParticipations;
    const rows = ahead?.page === participationPageKey(page) ? ahead.rows : await ctx.repos.actors.participations(actor.id, page);
    return toConnection(rows, size, (r) => [r.projectKey, `${r.projectId} ${r.role}`],
      () => ctx.repos.actors.participationCount(actor.id, roles ?? null));
  }

  @FieldResolver(() => [Country], { description: "Countries it is based in." })
  basedIn(@Root() actor: ActorRow & { lookaheadBasedIn?: EntityRow[] }, @Ctx() ctx: Context) {
    // A project page fetched them ahead, for this selection only.
    return actor.lookaheadBasedIn ?? ctx.repos.actors.basedIn(actor.id);
  }

  @FieldResolver(() => [Position], { description: "Positions this person holds." })
  positions(@Root() actor: ActorRow, @Ctx() ctx: Context) {
    return ctx.repos.actors.positionsHeld(actor.id);
  }

  @FieldResolver(() => [Position], { description: "Positions held within this agency or organization." })
  officials(@Root() actor: ActorRow, @Ctx() ctx: Context) {
    return ctx.repos.actors.positionsWithin(actor.id);
  }

  @FieldResolver(() => [Membership], { description: "Associations this actor is a member of." })
  memberships(@Root() actor: ActorRow, @Ctx() ctx: Context) {
    return ctx.repos.actors.memberships(actor.id);
  }

  @FieldResolver(() => [Membership], { description: "Members of this association." })
  members(@Root() actor: ActorRow, @Ctx() ctx: Context) {
    return ctx.repos.actors.members(actor.id);
  }

  @FieldResolver(() => [EventRole], { description: "Events it spoke at, organized or took part in." })
  events(@Root() actor: ActorRow, @Ctx() ctx: Context) {
    return ctx.repos.actors.events(actor.id);
  }

  @FieldResolver(() => [Funding], { description: "Funding flows it provides (first 500 by date)." })
  fundingProvided(@Root() actor: ActorRow, @Ctx() ctx: Context) {
    return ctx.repos.actors.fundingProvided(actor.id);
  }

  @FieldResolver(() => [Actor], { description: "The actors funding the flows it receives, each once, by name (all of them, however many flows)." })
  funders(@Root() actor: ActorRow, @Ctx() ctx: Context) {
    return ctx.repos.actors.funders(actor.id);
  }

  @FieldResolver(() => [Funding], { description: "Funding flows it receives (first 500 by date)." })
  fundingReceived(@Root() actor: ActorRow, @Ctx() ctx: Context) {
    return ctx.repos.actors.fundingReceived(actor.id);
  }
}

@Resolver(() => Participation)
export class ParticipationResolver {
  @FieldResolver(() => Actor)
  actor(@Root() p: ParticipationRow, @Ctx() ctx: Context) {
    return p.actor ?? ctx.repos.entities.byId.load(p.actorId);
  }

  @FieldResolver(() => Project)
  project(@Root() p: ParticipationRow, @Ctx() ctx: Context) {
    return p.project ?? ctx.repos.entities.byId.load(p.projectId);
  }
}

@Resolver(() => Position)
export class PositionResolver {
  @FieldResolver(() => Actor)
  person(@Root() p: PositionRow, @Ctx() ctx: Context) {
    return p.person ?? ctx.repos.entities.byId.load(p.personId);
  }

  @FieldResolver(() => Actor, { description: "The agency or organization." })
  organization(@Root() p: PositionRow, @Ctx() ctx: Context) {
    return p.organization ?? ctx.repos.entities.byId.load(p.organizationId);
  }
}

@Resolver(() => Membership)
export class MembershipResolver {
  @FieldResolver(() => Actor)
  member(@Root() m: MembershipRow, @Ctx() ctx: Context) {
    return m.member ?? ctx.repos.entities.byId.load(m.memberId);
  }

  @FieldResolver(() => Actor)
  organization(@Root() m: MembershipRow, @Ctx() ctx: Context) {
    return m.organization ?? ctx.repos.entities.byId.load(m.organizationId);
  }
}

@Resolver(() => EventRole)
export class EventRoleResolver {
  @FieldResolver(() => Actor)
  actor(@Root() r: EventRoleRow & { actor?: EntityRow }, @Ctx() ctx: Context) {
    return r.actor ?? ctx.repos.entities.byId.load(r.actorId);
  }

  @FieldResolver(() => Event)
  event(@Root() r: EventRoleRow, @Ctx() ctx: Context) {
    return r.event ?? ctx.repos.entities.byId.load(r.eventId);
  }
}
