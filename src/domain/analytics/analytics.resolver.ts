import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, ID, Info, Int, Query, Resolver } from "type-graphql";
import { selectedAt, selectedFieldNames } from "../shared/selection.js";
import type { Context } from "../context.js";
import { userError } from "../shared/errors.js";
import { resolveFilter } from "../projects/project-filter.js";
import { ProjectFilter } from "../projects/project.types.js";
import { resolveOne } from "../node/by-reference.js";
import { partnersProfileAhead } from "../actors/profile-ahead.js";
import { isFilteredPartnerQuery } from "./partner.statements.js";
import { citationsOf } from "../shared/rows.js";
import { ACTOR_TYPES, THEME_TYPES, type NodeType } from "../../model/model.js";
import { AnalyticsRepository, LIMITS, limitExceeded } from "./analytics.repository.js";
import {
  CentralityMetric, CentralityScore, FundingDimension, FundingFilter, FundingFlowGroup, GraphEdge, IndirectPartner, MatrixCell,
  MatrixLevel, Partner, PartnerFilter, Path, Subgraph, YearCount,
} from "./analytics.types.js";

function analytics(ctx: Context): AnalyticsRepository {
  return new AnalyticsRepository((cypher, params) => ctx.repos.run(cypher, params));
}

async function ids(ctx: Context, refs: string[] | undefined, types?: ReadonlySet<NodeType>): Promise<string[] | null> {
  if (!refs?.length) return null;
  return (await ctx.repos.references.resolveAll(refs, types)).map((e) => e.id);
}

async function partnerQuery(ctx: Context, actor: string, filter: PartnerFilter | null, first: number | null) {
  const size = first ?? 20;
  if (size < 1 || size > LIMITS.maxPartners) throw limitExceeded(`first ${size}`, LIMITS.maxPartners);
  const entity = await resolveOne(ctx.repos.references, actor, ACTOR_TYPES);
  return {
    actorId: entity.id, themeIds: await ids(ctx, filter?.themes, THEME_TYPES), roles: filter?.roles?.length ? filter.roles : null,
    activeFrom: filter?.activeFrom ?? null, activeTo: filter?.activeTo ?? null, first: size,
  };
}

/**
 * A node's `weight` in a path or a subgraph: the number of the returned relationships that touch it.
 * A relationship of a node to itself touches it once (IATI activities do list themselves as related).
 */
function relationshipCounts(edges: { source: string; target: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of edges) for (const end of new Set([e.source, e.target])) counts.set(end, (counts.get(end) ?? 0) + 1);
  return counts;
}

@Resolver()
export class AnalyticsResolver {
  @Query(() => [Partner], { description: "The actors an actor shares projects with, strongest first." })
  async partners(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg("actor", () => String) actor: string,
    @Arg("filter", () => PartnerFilter, { nullable: true }) filter: PartnerFilter | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
  ) {
    const fields = selectedFieldNames(info, []);
    const details = ["firstYear", "lastYear", "projectIds"].some((f) => fields.has(f));
    const q = { ...(await partnerQuery(ctx, actor, filter, first)), details };
    // The sibling `actor(reference:)` of the same actor fetches them with its profile (one round trip).
    const ahead = partnersProfileAhead(info);
    // A profile that failed (its page, say) leaves the partners to their own statement, as a separate request would.
    const folded = ahead && !isFilteredPartnerQuery(q) ? (await ctx.repos.actors.profile(q.actorId, ahead).catch(() => undefined))?.lookaheadPartners : undefined;
    if (folded && folded.partners.first === q.first && folded.partners.details === details) return folded.rows;
    return analytics(ctx).partners(q);
  }

  @Query(() => [IndirectPartner], { description: "Partners of partners (2 hops) that are not direct partners, with the partners in between. A filter applies to every step: an actor that shares a project with this one only outside the filter is an indirect partner within it." })
  async indirectPartners(
    @Ctx() ctx: Context,
    @Arg("actor", () => String) actor: string,
    @Arg("filter", () => PartnerFilter, { nullable: true }) filter: PartnerFilter | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
  ) {
    return analytics(ctx).indirectPartners(await partnerQuery(ctx, actor, filter, first));
  }

  @Query(() => [Path], { description: `Shortest path(s) between two entities; by default through cooperation relationships only (not shared places or themes). maxHops at most ${LIMITS.maxHops}.` })
  async paths(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg("from", () => String) from: string,
    @Arg("to", () => String) to: string,
    @Arg("maxHops", () => Int, { defaultValue: LIMITS.defaultHops }) maxHops: number,
    @Arg("all", () => Boolean, { defaultValue: false, description: "All shortest paths (at most 25), not just one." }) all: boolean,
    @Arg("relationshipTypes", () => [String], { nullable: true }) types: string[] | null,
  ) {
    const [a, b] = await ctx.repos.references.resolveAll([from, to]);
    if (a!.id === b!.id) throw userError("from and to are the same entity");
    // The relationships' sources only when asked for: a path's quotes can outweigh the rest of it.
    const rows = await analytics(ctx).paths(a!.id, b!.id, { maxHops, all, types, sources: selectedAt(info, ["steps", "sources"]).length > 0 });
    return rows.map((row) => {
      const weight = relationshipCounts(row.rels.map((_, i) => ({ source: row.nodes[i]!.id, target: row.nodes[i + 1]!.id })));
      const node = (n: (typeof row.nodes)[number]) => ({ ...n, weight: weight.get(n.id) ?? 0 });
      return {
        length: row.rels.length,
        nodes: row.nodes.map(node),
        steps: row.rels.map((r, i) => ({
          from: node(row.nodes[i]!), to: node(row.nodes[i + 1]!), type: r.type, role: r.role ?? null,
          forward: r.start === row.nodes[i]!.id, sources: citationsOf(r),
        })),
      };
    });
  }

  @Query(() => Subgraph, { description: `The subgraph within 1-${LIMITS.maxNeighborhoodHops} hops of an entity, at most ${LIMITS.maxNeighborhoodNodes} nodes, nearest first.` })
  async neighborhood(
    @Ctx() ctx: Context,
    @Arg("of", () => String) of: string,
    @Arg("hops", () => Int, { defaultValue: 1 }) hops: number,
    @Arg("maxNodes", () => Int, { defaultValue: 100 }) maxNodes: number,
    @Arg("relationshipTypes", () => [String], { nullable: true }) types: string[] | null,
  ) {
    const center = await resolveOne(ctx.repos.references, of);
    const row = await analytics(ctx).neighborhood(center.id, { hops, maxNodes, types });
    if (!row) return { nodes: [], edges: [], truncated: false, omitted: 0 };
    const weight = relationshipCounts(row.edges);
    return {
      nodes: row.nodes.map((n) => ({ ...n, weight: weight.get(n.id) ?? 0 })),
      edges: row.edges.map((e) => ({ ...e, role: e.role ?? null, weight: 1 })),
      truncated: row.truncated,
      omitted: row.omitted,
    };
  }

  @Query(() => [GraphEdge], {
    description: `The relationships whose both ends are among the given entities (at most ${LIMITS.maxLinkIds} ids, at most ${LIMITS.maxLinks} relationships): `
      + "what a visualization draws between the entities it already shows. Cooperation relationships unless relationshipTypes says otherwise "
      + "(BASED_IN, TAKES_PLACE_IN and IN_REGION link actors and projects to the places they are in).",
  })
  async linksAmong(
    @Ctx() ctx: Context,
    @Arg("ids", () => [ID]) ids: string[],
    @Arg("relationshipTypes", () => [String], { nullable: true }) types: string[] | null,
  ) {
    const rows = await analytics(ctx).linksAmong(ids, { types });
    return rows.map((e) => ({ ...e, weight: 1 }));
  }

  @Query(() => [FundingFlowGroup], {
    description: "Funding aggregated by the dimensions given, always per kind of flow (flowType) and per currency; unknown amounts are counted apart. "
      + "Every group, ordered by keys, flowType and currency; or, with `first`, the top groups.",
  })
  async fundingFlows(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg("groupBy", () => [FundingDimension]) groupBy: FundingDimension[],
    @Arg("filter", () => FundingFilter, { nullable: true }) filter: FundingFilter | null,
    @Arg("first", () => Int, {
      nullable: true,
      description: `Only the top groups: for each kind of flow and currency (totals in different currencies or kinds of flow are never compared), `
        + `the \`first\` groups of largest total, ties by keys; ordered by flowType, currency, then total descending. 1 to ${LIMITS.maxGroups}. `
        + "For example the 20 largest funders of a region: groupBy [FUNDER], first 20.",
    }) first: number | null,
  ) {
    if (!groupBy.length) throw userError("groupBy needs at least one dimension");
    const f = filter ?? {};
    // Entity names cost a read per group: only when the keys' name is selected.
    const names = selectedFieldNames(info, ["keys"]).has("name");
    return analytics(ctx).fundingFlows(groupBy, {
      funderIds: await ids(ctx, f.funders, ACTOR_TYPES), recipientIds: await ids(ctx, f.recipients, ACTOR_TYPES),
      countryIds: await ids(ctx, f.countries, new Set<NodeType>(["Country"])), regionIds: await ids(ctx, f.regions, new Set<NodeType>(["Region"])),
      themeIds: await ids(ctx, f.themes, THEME_TYPES), fromYear: f.fromYear ?? null, toYear: f.toYear ?? null,
      flowTypes: f.flowTypes?.length ? f.flowTypes : null,
    }, { names, first });
  }

  @Query(() => [MatrixCell], { description: "Country x country (or region x region) counts of shared projects; each pair appears in both orders." })
  async cooperationMatrix(
    @Ctx() ctx: Context,
    @Arg("level", () => MatrixLevel, { defaultValue: MatrixLevel.COUNTRY }) level: MatrixLevel,
    @Arg("filter", () => ProjectFilter, { nullable: true }) filter: ProjectFilter | null,
    @Arg("within", () => String, { nullable: true, description: "Only places in this region, e.g. \"Latin America\"; with level REGION, its parts are paired (South America, Central America, the Caribbean)." }) within: string | null,
  ) {
    const { resolved } = await resolveFilter(ctx.repos, filter);
    const region = within ? (await resolveOne(ctx.repos.references, within, new Set(["Region"]))).id : null;
    return analytics(ctx).cooperationMatrix(level, resolved, region);
  }

  @Query(() => [CentralityScore], { description: "Actors ranked by degree, weighted degree (shared projects), betweenness or PageRank (weighted by shared projects) over the co-participation network (computed in-process with graphology). BETWEENNESS is topological (Freeman's, normalized): every tie counts as one step whatever the number of shared projects." })
  async centrality(
    @Ctx() ctx: Context,
    @Arg("metric", () => CentralityMetric, { defaultValue: CentralityMetric.PAGERANK }) metric: CentralityMetric,
    @Arg("filter", () => ProjectFilter, { nullable: true }) filter: ProjectFilter | null,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
  ) {
    if (first < 1 || first > LIMITS.maxPartners) throw limitExceeded(`first ${first}`, LIMITS.maxPartners);
    const { resolved } = await resolveFilter(ctx.repos, filter);
    // Off the event loop, under a time budget (graph-workers.ts).
    const scores = await ctx.graphWorkers.centrality({ edges: await analytics(ctx).cooperationEdges(resolved), metric });
    const top = scores.sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).slice(0, first);
    const actors = await ctx.repos.entities.byId.loadMany(top.map(([id]) => id));
    return top.map(([, score], i) => ({ actor: actors[i], score, rank: i + 1 }));
  }

  @Query(() => [YearCount], { description: "Projects per year (started, and active) for any project filter: an actor, a country, a theme, ..." })
  async timeline(@Ctx() ctx: Context, @Arg("filter", () => ProjectFilter, { nullable: true }) filter: ProjectFilter | null) {
    const { resolved } = await resolveFilter(ctx.repos, filter);
    return analytics(ctx).timeline(resolved);
  }
}
