/**
 * Entity resolution with review: candidate pairs with evidence, analysts' judgements (stored with
 * who and when, transitive, never proposed again), SAME merging through the editing merge, and
 * splitEntity undoing a merge from its record.
 */
import { Arg, Ctx, Float, Int, Mutation, Query, Resolver } from "type-graphql";
import { requireRole } from "../../auth/roles.js";
import type { Context } from "../../graphql/context.js";
import { ErrorCode, userError } from "../../graphql/errors.js";
import { EditingRepository } from "../editing/editing.repository.js";
import { keyLabelOfId, nodeTypeOfId, type NodeType } from "../model.js";
import { ACTOR_TYPES } from "../references/reference.repository.js";
import { SearchKind } from "../search/search.types.js";
import { JudgementGraph } from "./judgements.js";
import { RESOLVABLE_KINDS, ResolutionRepository } from "./resolution.repository.js";
import { DuplicateCandidate, DuplicateJudgement, JudgeResult, SplitResult } from "./resolution.types.js";
import { candidatePairs, score, type Scored } from "./scoring.js";

const DEFAULT_KINDS: NodeType[] = ["Agency", "Organization", "Person", "Group"];
const RESOLVABLE = new Set<NodeType>([...ACTOR_TYPES, "Project"]);

export async function duplicateCandidates(repo: ResolutionRepository, kinds: NodeType[], minScore: number, first: number): Promise<Scored[]> {
  const [profiles, judgements] = await Promise.all([repo.profiles(kinds), repo.judgements()]);
  const graph = new JudgementGraph(judgements);
  return candidatePairs(profiles)
    .filter(([a, b]) => graph.verdict(a.id, b.id) === null)
    .map(([a, b]) => score(a, b))
    .filter((s) => s.score >= minScore)
    .sort((x, y) => y.score - x.score || x.a.id.localeCompare(y.a.id) || x.b.id.localeCompare(y.b.id))
    .slice(0, first);
}

async function currentEntity(ctx: Context, repo: ResolutionRepository, reference: string): Promise<string> {
  const type = nodeTypeOfId(reference);
  if (type && RESOLVABLE.has(type)) {
    const current = await repo.currentId(reference);
    if (current) return current;
  }
  const [entity] = await ctx.repos.references.resolveAll([reference], RESOLVABLE);
  return entity!.id;
}

export interface Judge {
  a: string;
  b: string;
  judgement: DuplicateJudgement;
  by: string;
  reviewer: string | null;
  note: string | null;
}

/** Stores a judgement; SAME also merges (the entity with more relationships is kept). */
export async function judge(ctx: Context, input: Judge): Promise<JudgeResult> {
  const repo = new ResolutionRepository(ctx.db, ctx.timeoutMs);
  const [a, b] = [await currentEntity(ctx, repo, input.a), await currentEntity(ctx, repo, input.b)];
  if (keyLabelOfId(a) !== keyLabelOfId(b) || (ACTOR_TYPES.has(nodeTypeOfId(a)!) !== ACTOR_TYPES.has(nodeTypeOfId(b)!))) {
    throw userError(`${a} and ${b} are not of the same kind: they cannot be the same entity`);
  }
  const known = a === b ? "SAME" : new JudgementGraph(await repo.judgements()).verdict(a, b);
  if ((known === "SAME" && input.judgement === DuplicateJudgement.NOT_SAME) || (known === "NOT_SAME" && input.judgement === DuplicateJudgement.SAME)) {
    throw userError(`${a} and ${b} are already judged ${known === "SAME" ? "the same" : "not the same"} (directly or through other judgements); ` +
      "split or judge the pairs that imply it first", "CONFLICTING_JUDGEMENT", { known });
  }
  const record = {
    id: `judgement:${a}|${b}@${Date.now()}`, a, b, judgement: input.judgement, by: input.by, reviewer: input.reviewer,
    note: input.note, at: new Date().toISOString(), revoked: false,
  };
  if (input.judgement !== DuplicateJudgement.SAME || a === b) {
    await repo.saveJudgement(record);
    return { judgement: record, merge: null };
  }
  const key = keyLabelOfId(a)!;
  const [da, db] = [await repo.degree(a, key), await repo.degree(b, key)];
  const [keep, removed] = da > db || (da === db && a < b) ? [a, b] : [b, a];
  const merged = await new EditingRepository(ctx.db, ctx.timeoutMs).merge(keep, removed, { by: input.by, judgement: record });
  return { judgement: record, merge: { mergeId: merged.mergeId, keep, removed } };
}

/**
 * Undoes merges. Given a merged-away id: restores that entity (what was merged into it stays with
 * it). Given an entity others were merged into: restores them all, latest first, and then what had
 * been merged into each of them, so that the whole cluster comes apart.
 */
export async function split(ctx: Context, id: string, by: string): Promise<SplitResult> {
  const repo = new ResolutionRepository(ctx.db, ctx.timeoutMs);
  const editing = new EditingRepository(ctx.db, ctx.timeoutMs);
  const merges = await repo.activeMerges(id);
  if (merges.asRemoved) {
    const result = await editing.split(merges.asRemoved, by);
    return { keep: result.keep, restored: [result.restored] };
  }
  if (!merges.intoIt.length) throw userError(`${id} was not merged with anything (or its merges were split already)`, ErrorCode.NOT_FOUND, { id });
  const restored: string[] = [];
  const queue = [id];
  while (queue.length) {
    const keep = queue.shift()!;
    for (const mergeId of (await repo.activeMerges(keep)).intoIt) {
      const result = await editing.split(mergeId, by);
      restored.push(result.restored);
      queue.push(result.restored);
    }
  }
  return { keep: id, restored };
}

@Resolver()
export class ResolutionResolver {
  @Query(() => [DuplicateCandidate], {
    description: "Pairs of entities that may be the same, best first, with the evidence for each score. Pairs already judged (directly or by implication) are left out.",
  })
  async duplicateCandidates(
    @Ctx() ctx: Context,
    @Arg("kinds", () => [SearchKind], { nullable: true, description: "Agency, Organization, Person, Group (default) and Project." }) kinds: SearchKind[] | null,
    @Arg("minScore", () => Float, { defaultValue: 0.8 }) minScore: number,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
  ) {
    if (first < 1 || first > 500) throw userError("first must be between 1 and 500", ErrorCode.BAD_USER_INPUT, { field: "first" });
    if (!(minScore >= 0 && minScore <= 1)) throw userError("minScore must be between 0 and 1", ErrorCode.BAD_USER_INPUT, { field: "minScore" });
    const wanted = (kinds?.length ? kinds : DEFAULT_KINDS) as NodeType[];
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
