/** Entry points that are not one domain's own: node(id:), search, lists of actors and places. */
import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, Info, Int, Query, Resolver } from "type-graphql";
import { selectedFieldNames } from "../shared/selection.js";
import type { Context } from "../context.js";
import { userError } from "../shared/errors.js";
import { connectionTypes, decodeCursor, pageSize, toConnection } from "../shared/pagination.js";
import { Actor } from "../actors/actor.types.js";
import { Event } from "../events/event.types.js";
import { Country, Region } from "../places/place.types.js";
import { ResolvedReference } from "../projects/project.types.js";
import { MAX_REFERENCES } from "../references/reference.repository.js";
import { SearchHit, SearchKind } from "../search/search.types.js";
import { Theme } from "../themes/theme.types.js";
import { ACTOR_TYPES, nodeTypeOfId, type NodeType } from "../../model/model.js";
import { entityByReference, resolveOne } from "./by-reference.js";
import { actorProfileAhead } from "../actors/profile-ahead.js";
import { Node } from "./node.types.js";

const ActorConnection = connectionTypes(() => Actor, "Actor");

@Resolver()
export class QueryResolver {
  @Query(() => Node, { nullable: true, description: "Any entity by its id (Relay)." })
  node(@Ctx() ctx: Context, @Arg("id", () => String) id: string) {
    if (!nodeTypeOfId(id)) throw userError(`"${id}" is not an id: ids look like "organization:unodc" or "country:PE"`);
    return ctx.repos.entities.byId.load(id);
  }

  @Query(() => Actor, { nullable: true, description: "An agency, organization, person or group by id, name, acronym or alias." })
  async actor(@Ctx() ctx: Context, @Info() info: GraphQLResolveInfo, @Arg("reference", () => String) reference: string) {
    const ahead = actorProfileAhead(info);
    if (!ahead) return entityByReference(ctx.repos, reference, ACTOR_TYPES);
    // A profile: the actor, its participations page, the projects' funders and its partners in one query.
    const { id } = await resolveOne(ctx.repos.references, reference, ACTOR_TYPES);
    const profile = ctx.repos.actors.profile(id, ahead);
    // The sibling partners folded in must not fail this field: without them, as a separate request would.
    return ahead.partners ? profile.catch(() => ctx.repos.actors.profile(id, { ...ahead, partners: null })) : profile;
  }

  @Query(() => ActorConnection, { description: "Actors by name, optionally of some kinds and based in some countries." })
  async actors(
    @Ctx() ctx: Context,
    @Arg("kinds", () => [SearchKind], { nullable: true }) kinds: SearchKind[] | null,
    @Arg("countries", () => [String], { nullable: true }) countries: string[] | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ) {
    const size = pageSize(first);
    const key = after ? (decodeCursor(after) as [string, string]) : null;
    const types = kinds?.length ? kinds.filter((k) => ACTOR_TYPES.has(k as NodeType)) : null;
    const countryIds = countries?.length
      ? (await ctx.repos.references.resolveAll(countries, new Set(["Country"]))).map((c) => c.id) : null;
    const rows = await ctx.repos.actors.page({ types, countryIds, first: size, after: key });
    return toConnection(rows, size, (r) => [r.nameKey as string, r.id], () => ctx.repos.actors.count({ types, countryIds }));
  }

  @Query(() => [SearchHit], {
    description: "Full-text search over names, acronyms and aliases; accent-, case- and typo-tolerant. With `kinds`, the index itself is asked for those kinds: "
      + "the page holds the best hits of those kinds however many hits of other kinds score higher, with the scores they have without `kinds`.",
  })
  async search(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg("text", () => String) text: string,
    @Arg("kinds", () => [SearchKind], { nullable: true }) kinds: SearchKind[] | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
  ) {
    if (text.trim().length > 200) throw userError("search text is limited to 200 characters");
    const hits = await ctx.repos.search.search(text, kinds?.length ? kinds : null, pageSize(first ?? 10), selectedFieldNames(info, ["item"]));
    return hits.map((h) => ({ score: h.score, item: h.entity }));
  }

  @Query(() => [ResolvedReference], { description: "How references are understood, or an error naming the closest known names." })
  resolveReferences(@Ctx() ctx: Context, @Arg("references", () => [String]) references: string[]) {
    if (references.length > MAX_REFERENCES) throw userError(`at most ${MAX_REFERENCES} references at a time`);
    return ctx.repos.references.resolveAll(references);
  }

  @Query(() => [Country], { description: "All countries (ISO 3166-1), by name." })
  countries(@Ctx() ctx: Context) {
    return ctx.repos.places.countries();
  }

  @Query(() => Country, { nullable: true, description: "A country by ISO code, English or Spanish name, or id." })
  async country(@Ctx() ctx: Context, @Arg("reference", () => String) reference: string) {
    return entityByReference(ctx.repos, reference, new Set(["Country"]));
  }

  @Query(() => [Region], { description: "All regions (UN M49), by code." })
  regions(@Ctx() ctx: Context) {
    return ctx.repos.places.regions();
  }

  @Query(() => Region, { nullable: true })
  async region(@Ctx() ctx: Context, @Arg("reference", () => String) reference: string) {
    return entityByReference(ctx.repos, reference, new Set(["Region"]));
  }

  @Query(() => [Theme], { description: "All themes, by name." })
  themes(@Ctx() ctx: Context) {
    return ctx.repos.themes.all();
  }

  @Query(() => [Event], { description: "All events, by name." })
  events(@Ctx() ctx: Context) {
    return ctx.repos.events.all();
  }

  @Query(() => Event, { nullable: true })
  async event(@Ctx() ctx: Context, @Arg("reference", () => String) reference: string) {
    return entityByReference(ctx.repos, reference, new Set(["Event"]));
  }
}
