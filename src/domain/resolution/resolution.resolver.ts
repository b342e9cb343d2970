/** Entity resolution with review, in GraphQL: thin resolvers over resolution.service.ts. */
import { Arg, Ctx, Float, Int, Mutation, Query, Resolver } from "type-graphql";
import { requireRole } from "../../auth/roles.js";
import type { Context } from "../context.js";
import { ErrorCode, userError } from "../shared/errors.js";
import { nodeTypeOfId, type NodeType } from "../../model/model.js";
import { SearchKind } from "../search/search.types.js";
import { RESOLVABLE_KINDS, ResolutionRepository } from "./resolution.repository.js";
import { DuplicateCandidate, DuplicateJudgement, JudgeResult, SplitResult } from "./resolution.types.js";
import { DEFAULT_KINDS, duplicateCandidates, judge, split } from "./resolution.service.js";

@Resolver()
export class ResolutionResolver {
  @Query(() => [DuplicateCandidate], {
    description: "Pairs of entities that may be the same, best first, with the evidence for each score (editor). Pairs already judged (directly or by implication) are left out.",
  })
  async duplicateCandidates(
    @Ctx() ctx: Context,
    @Arg("kinds", () => [SearchKind], { nullable: true, description: "Agency, Organization, Person, Group (default) and Project." }) kinds: SearchKind[] | null,
    @Arg("minScore", () => Float, { defaultValue: 0.8 }) minScore: number,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
  ) {
    // It reads every entity of its kinds and scores their pairs: a review queue for those who judge it.
    requireRole(ctx.caller, "editor", "duplicateCandidates");
    if (first < 1 || first > 500) throw userError("first must be between 1 and 500", ErrorCode.BAD_USER_INPUT, { field: "first" });
    if (!(minScore >= 0 && minScore <= 1)) throw userError("minScore must be between 0 and 1", ErrorCode.BAD_USER_INPUT, { field: "minScore" });
    // Each kind is one scan: a kind named twice (or 100 000 times in a variable) is scanned once.
    const wanted = [...new Set((kinds?.length ? kinds : DEFAULT_KINDS) as NodeType[])];
    const unfit = wanted.filter((k) => !RESOLVABLE_KINDS.includes(k));
    if (unfit.length) throw userError(`duplicates are looked for among ${RESOLVABLE_KINDS.join(", ")}; not ${unfit.join(", ")}`, ErrorCode.BAD_USER_INPUT, { field: "kinds" });
    return duplicateCandidates(new ResolutionRepository(ctx.db, ctx.timeoutMs), wanted, minScore, first);
  }

  @Mutation(() => JudgeResult, {
    description: "Judges a candidate pair (editor): stored with who and when; SAME merges the two, keeping every fact's provenance (undo with splitEntity).",
  })
  judgeDuplicate(
    @Ctx() ctx: Context,
    @Arg("a", () => String) a: string,
    @Arg("b", () => String) b: string,
    @Arg("judgement", () => DuplicateJudgement) judgement: DuplicateJudgement,
    @Arg("reviewer", () => String, { nullable: true, description: "Who reviewed, as they want it recorded." }) reviewer: string | null,
    @Arg("note", () => String, { nullable: true }) note: string | null,
  ) {
    requireRole(ctx.caller, "editor", "judgeDuplicate");
    if ((reviewer?.length ?? 0) > 200 || (note?.length ?? 0) > 2000) throw userError("reviewer is at most 200 characters and note at most 2000");
    return judge(ctx, { a, b, judgement, by: ctx.caller, reviewer, note });
  }

  @Mutation(() => SplitResult, {
    description: "Undoes merges (editor): given a merged-away id, restores it; given a kept entity, restores everything merged into it, latest first.",
  })
  splitEntity(@Ctx() ctx: Context, @Arg("id", () => String) id: string) {
    requireRole(ctx.caller, "editor", "splitEntity");
    if (!nodeTypeOfId(id)) throw userError(`"${id}" is not an id`, ErrorCode.BAD_USER_INPUT, { field: "id" });
    return split(ctx, id, ctx.caller);
  }
}
