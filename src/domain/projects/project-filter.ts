/** Turns a ProjectFilter's references into entities; shared by projects, analytics and exports. */
import type { Repositories } from "../context.js";
import { ErrorCode, userError } from "../shared/errors.js";
import { ACTOR_TYPES, THEME_TYPES } from "../../model/model.js";
import type { ResolvedEntity } from "../references/reference.repository.js";
import type { ResolvedProjectFilter } from "./project-query.js";
import type { ProjectFilter } from "./project.types.js";

const COUNTRY = new Set(["Country"] as const);
/** ProjectFilter.ids takes as many ids as linksAmong does: a view's projects, asked a thousand at a time. */
export const MAX_PROJECT_IDS = 1000;
const REGION = new Set(["Region"] as const);

export async function resolveFilter(repos: Repositories, filter: ProjectFilter | null): Promise<{ resolved: ResolvedProjectFilter; references: ResolvedEntity[] }> {
  const f = filter ?? {};
  if (f.activeFrom != null && f.activeTo != null && f.activeFrom > f.activeTo) {
    throw userError(`activeFrom (${f.activeFrom}) is after activeTo (${f.activeTo})`);
  }
  const projectIds = [...new Set(f.ids ?? [])];
  if (projectIds.length > MAX_PROJECT_IDS) {
    throw userError(`at most ${MAX_PROJECT_IDS} project ids in ids; this one has ${projectIds.length}`, ErrorCode.LIMIT_EXCEEDED, { limit: MAX_PROJECT_IDS });
  }
  const refs = repos.references;
  const [all, any, themes, countries, regions, funders, allFunders] = await Promise.all([
    refs.resolveAll(f.involvingAll ?? []),
    refs.resolveAll(f.involvingAny ?? []),
    refs.resolveAll(f.themes ?? [], THEME_TYPES),
    refs.resolveAll(f.countries ?? [], COUNTRY),
    refs.resolveAll(f.regions ?? [], REGION),
    refs.resolveAll(f.funders ?? [], ACTOR_TYPES),
    refs.resolveAll(f.fundersAll ?? [], ACTOR_TYPES),
  ]);
  return {
    resolved: {
      projectIds: f.ids ? projectIds : null,
      involvingAll: all, involvingAny: any,
      themeIds: themes.map((t) => t.id), kinds: f.kinds ?? [],
      countryIds: countries.map((c) => c.id), regionIds: regions.map((r) => r.id), funderIds: funders.map((a) => a.id),
      allFunderIds: [...new Set(allFunders.map((a) => a.id))],
      roles: f.roles?.length ? f.roles : null,
      activeFrom: f.activeFrom ?? null, activeTo: f.activeTo ?? null,
    },
    references: [...all, ...any, ...themes, ...countries, ...regions, ...funders, ...allFunders],
  };
}
