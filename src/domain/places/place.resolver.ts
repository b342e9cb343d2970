import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { pageSize } from "../shared/pagination.js";
import { Actor } from "../actors/actor.types.js";
import type { PlaceRow } from "../shared/rows.js";
import { Country, Region } from "./place.types.js";

@Resolver(() => Country)
export class CountryResolver {
  @FieldResolver(() => [Region], { description: "Regions it lies in, nearest first." })
  regions(@Root() c: PlaceRow, @Ctx() ctx: Context) {
    return ctx.repos.places.enclosingRegions(c.id);
  }

  @FieldResolver(() => [Actor], { description: "Actors based in it, by name (use `projects(filter: {countries: [...]})` for its projects)." })
  actors(@Root() c: PlaceRow, @Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true }) first: number | null) {
    return ctx.repos.places.actorsBasedIn(c.id, pageSize(first, 50));
  }
}

@Resolver(() => Region)
export class RegionResolver {
  @FieldResolver(() => [Region], { description: "Regions it lies in, nearest first." })
  parents(@Root() r: PlaceRow, @Ctx() ctx: Context) {
    return ctx.repos.places.enclosingRegions(r.id);
  }

  @FieldResolver(() => [Region])
  subregions(@Root() r: PlaceRow, @Ctx() ctx: Context) {
    return ctx.repos.places.subregions(r.id);
  }

  @FieldResolver(() => [Country], { description: "Countries in it or in any of its sub-regions." })
  countries(@Root() r: PlaceRow, @Ctx() ctx: Context) {
    return ctx.repos.places.countriesIn(r.id);
  }
}
