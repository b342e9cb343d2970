import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { pageSize } from "../shared/pagination.js";
import { Project } from "../projects/project.types.js";
import type { ThemeRow } from "../shared/rows.js";
import { Theme } from "./theme.types.js";

@Resolver(() => Theme)
export class ThemeResolver {
  @FieldResolver(() => [Project], { description: "Its projects by name (the paginated list: `projects(filter: {themes: [...]})`)." })
  projects(@Root() t: ThemeRow, @Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true }) first: number | null) {
    return ctx.repos.themes.projects(t.id, pageSize(first));
  }
}
