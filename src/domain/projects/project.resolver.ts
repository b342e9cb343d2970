import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from "type-graphql";
import { isSelectedWithoutArguments, selectedAt, selectedFieldNames } from "../shared/selection.js";
import type { Context } from "../context.js";
import { decodeCursor, pageSize, sortScope, toConnection } from "../shared/pagination.js";
import { Participation } from "../actors/actor.types.js";
import { Actor } from "../actors/actor.types.js";
import { Event } from "../events/event.types.js";
import { Funding } from "../funding/funding.types.js";
import { Country, Region } from "../places/place.types.js";
import type { EntityRow, ProjectRow } from "../shared/rows.js";
import { Theme } from "../themes/theme.types.js";
import { entityByReference } from "../node/by-reference.js";
import { resolveFilter } from "./project-filter.js";
import type { ProjectPageRow } from "./project.repository.js";
import {
  Project, ProjectConnection, ProjectFilter, ProjectSort, ProjectSortField, RelatedProject, SortDirection,
} from "./project.types.js";

@Resolver(() => Project)
export class ProjectResolver {
  @Query(() => ProjectConnection, {
    description: "Projects and programs, filtered, sorted and paginated (keyset cursors; first defaults to 20, at most 100).",
  })
  async projects(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg("filter", () => ProjectFilter, { nullable: true }) filter: ProjectFilter | null,
    @Arg("sort", () => ProjectSort, { nullable: true }) sort: ProjectSort | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true, description: "An edge's cursor or pageInfo.endCursor of a page in the same sort (a cursor of another sort is refused)." }) after: string | null,
  ) {
    const size = pageSize(first);
    const field = sort?.field ?? ProjectSortField.NAME;
    const direction = sort?.direction ?? SortDirection.ASC;
    const scope = sortScope(field, direction);
    const cursor = after ? decodeCursor(after, scope) : null;
    const { resolved, references } = await resolveFilter(ctx.repos, filter);
    // Only the count asked for: no page to fetch.
    const wantsPage = selectedAt(info, ["edges"]).length > 0 || selectedAt(info, ["pageInfo"]).length > 0;
    const wantsParticipants = isSelectedWithoutArguments(info, ["edges", "node", "participants"]);
    const rows = !wantsPage ? [] : await ctx.repos.projects.page({
      filter: resolved,
      sort: field,
      direction,
      first: size,
      after: cursor,
      withParticipants: wantsParticipants
        ? { basedIn: selectedAt(info, ["edges", "node", "participants", "actor", "basedIn"]).length > 0 } : undefined,
      projection: {
        project: selectedFieldNames(info, ["edges", "node"]),
        participation: selectedFieldNames(info, ["edges", "node", "participants"]),
        actor: selectedFieldNames(info, ["edges", "node", "participants", "actor"]),
        country: selectedFieldNames(info, ["edges", "node", "participants", "actor", "basedIn"]),
      },
    });
    return {
      ...toConnection(rows, size, (r) => [r.sortValue, r.id], () => ctx.repos.projects.count(resolved), scope),
      resolvedReferences: references,
    };
  }

  @Query(() => Project, { nullable: true, description: "A project by id, name, acronym or alias." })
  async project(@Ctx() ctx: Context, @Arg("reference", () => String) reference: string) {
    return entityByReference(ctx.repos, reference, new Set(["Project"]));
  }

  @FieldResolver(() => [Participation], { description: "Who takes part, each with its role." })
  participants(@Root() p: ProjectRow & Partial<Pick<ProjectPageRow, "lookaheadParticipants">>, @Ctx() ctx: Context, @Arg("roles", () => [String], { nullable: true }) roles: string[] | null) {
    if (p.lookaheadParticipants && !roles?.length) return p.lookaheadParticipants;
    return ctx.repos.projects.participants(p.id, roles?.length ? roles : null);
  }

  @FieldResolver(() => Int)
  participantCount(@Root() p: ProjectRow) {
    return (p.participantCount as number | undefined) ?? 0;
  }

  @FieldResolver(() => Boolean)
  stub(@Root() p: ProjectRow) {
    return p.stub === true;
  }

  @FieldResolver(() => [Theme])
  themes(@Root() p: ProjectRow, @Ctx() ctx: Context) {
    return ctx.repos.projects.themes(p.id);
  }

  @FieldResolver(() => [Country], { description: "Countries where it takes place." })
  async countries(@Root() p: ProjectRow, @Ctx() ctx: Context) {
    return (await ctx.repos.projects.places(p.id)).filter((x) => x.nodeType === "Country");
  }

  @FieldResolver(() => [Region], { description: "Regions where it takes place." })
  async regions(@Root() p: ProjectRow, @Ctx() ctx: Context) {
    return (await ctx.repos.projects.places(p.id)).filter((x) => x.nodeType === "Region");
  }

  @FieldResolver(() => [Country], { description: "Countries involved: where it takes place and where its participants are based." })
  involvedCountries(@Root() p: ProjectRow, @Ctx() ctx: Context) {
    return ctx.repos.projects.involvedCountries(p.id);
  }

  @FieldResolver(() => [Event], { description: "Events where it was presented." })
  events(@Root() p: ProjectRow, @Ctx() ctx: Context) {
    return ctx.repos.projects.events(p.id);
  }

  @FieldResolver(() => [Project], { description: "Programs it is part of." })
  partOf(@Root() p: ProjectRow, @Ctx() ctx: Context) {
    return ctx.repos.projects.partOf(p.id);
  }

  @FieldResolver(() => [Project], { description: "Its components (first 500)." })
  parts(@Root() p: ProjectRow, @Ctx() ctx: Context) {
    return ctx.repos.projects.parts(p.id);
  }

  @FieldResolver(() => [RelatedProject])
  related(@Root() p: ProjectRow, @Ctx() ctx: Context) {
    return ctx.repos.projects.related(p.id);
  }

  @FieldResolver(() => [Funding], { description: "Funding flows for it (first 1000 by date)." })
  funding(@Root() p: ProjectRow, @Ctx() ctx: Context) {
    return ctx.repos.projects.funding(p.id);
  }

  @FieldResolver(() => [Actor], { description: "Actors in the funder role or providing funding flows." })
  funders(@Root() p: ProjectRow & { lookaheadFunders?: EntityRow[] }, @Ctx() ctx: Context) {
    // An actor's profile fetched them ahead, with the project (ActorRepository.profile).
    return p.lookaheadFunders ?? ctx.repos.projects.funders(p.id);
  }
}

@Resolver(() => RelatedProject)
export class RelatedProjectResolver {
  @FieldResolver(() => Project)
  project(@Root() r: { projectId: string; project?: EntityRow }, @Ctx() ctx: Context) {
    return r.project ?? ctx.repos.entities.byId.load(r.projectId);
  }
}

