/**
 * Entity resolution as a service (used by the GraphQL resolver and by `npm run dedupe`): candidate
 * pairs with evidence, judgements (stored with who and when, transitive, never proposed again), SAME
 * merging through the editing merge, and splits undoing merges from their records.
 */
import type { Context } from "../context.js";
import { ErrorCode, userError } from "../shared/errors.js";
import { EditingRepository } from "../editing/editing.repository.js";
import { ACTOR_TYPES, keyLabelOfId, mergeableTypes, nodeTypeOfId, type NodeType } from "../../model/model.js";
import { JudgementGraph } from "./judgements.js";
import { ResolutionRepository } from "./resolution.repository.js";
import { DuplicateJudgement, type JudgeResult, type SplitResult } from "./resolution.types.js";
import { candidatePairs, score, type Scored } from "./scoring.js";

export const DEFAULT_KINDS: NodeType[] = ["Agency", "Organization", "Person", "Group"];
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
  if (!mergeableTypes(a, b)) {
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
  const merged = await new EditingRepository(ctx.db, ctx.timeoutMs, ctx.referenceCache).merge(keep, removed, { by: input.by, judgement: record });
  return { judgement: record, merge: { mergeId: merged.mergeId, keep, removed } };
}

/**
 * Undoes merges. Given a merged-away id: restores that entity (what was merged into it stays with
 * it). Given an entity others were merged into: restores them all, latest first, and then what had
 * been merged into each of them, so that the whole cluster comes apart.
 */
export async function split(ctx: Context, id: string, by: string): Promise<SplitResult> {
  const repo = new ResolutionRepository(ctx.db, ctx.timeoutMs);
  const editing = new EditingRepository(ctx.db, ctx.timeoutMs, ctx.referenceCache);
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

