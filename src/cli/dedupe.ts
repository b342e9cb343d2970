/**
 * `npm run dedupe -- [--kinds=Organization,Agency] [--min-score=0.8] [--first=50] [--reviewer=NAME]`:
 * review candidate duplicates in the terminal, one pair at a time. Answer with a key and Enter:
 *   s  same (merges the two; undo with the splitEntity mutation)
 *   n  not the same
 *   u  unsure (kept, and the pair is not proposed again)
 *   k  skip (or just Enter): nothing is stored, the pair comes back next time
 *   q  quit
 * Judgements are stored exactly as the judgeDuplicate mutation stores them, with by "cli" and the
 * reviewer's name. Reads answers from a pipe too (`printf 's\nn\n' | npm run dedupe`).
 */
import "reflect-metadata";
import readline from "node:readline";
import { loadDatabaseConfig } from "../config/config.js";
import { connect } from "../db/database.js";
import { migrate } from "../db/migrations.js";
import { isNodeType, type NodeType } from "../model/model.js";
import { duplicateCandidates, judge } from "../domain/resolution/resolution.service.js";
import { RESOLVABLE_KINDS, ResolutionRepository } from "../domain/resolution/resolution.repository.js";
import { DuplicateJudgement } from "../domain/resolution/resolution.types.js";
import type { Scored } from "../domain/resolution/scoring.js";
import { createContext } from "../graphql/context.js";
import { GraphWorkers } from "../domain/analytics/graph-workers.js";
import { ReferenceCache } from "../domain/references/reference.repository.js";
import { log, runCli } from "./run-cli.js";

const KEYS: Record<string, DuplicateJudgement | "skip" | "quit"> = {
  s: DuplicateJudgement.SAME, n: DuplicateJudgement.NOT_SAME, u: DuplicateJudgement.UNSURE, k: "skip", "": "skip", q: "quit",
};

function option(args: string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function describePair(c: Scored, index: number, total: number): string[] {
  const side = (p: Scored["a"]) => `${p.name}  [${p.id}${p.iatiRef ? `, IATI ${p.iatiRef}` : ""}${p.countries.length ? `, ${p.countries.join("/")}` : ""}, ${p.sourceCount} source entries]`;
  return [
    "", `Pair ${index + 1} of ${total}, score ${c.score.toFixed(3)}`, `  a: ${side(c.a)}`, `  b: ${side(c.b)}`,
    ...c.evidence.map((e) => `    ${e.weight >= 0 ? "+" : ""}${e.weight.toFixed(3)} ${e.kind}: ${e.detail}`),
  ];
}

runCli(async () => {
  const args = process.argv.slice(2);
  const kinds = (option(args, "kinds") ?? "Agency,Organization,Person,Group").split(",").map((k) => k.trim());
  const unknown = kinds.filter((k) => !isNodeType(k) || !RESOLVABLE_KINDS.includes(k as NodeType));
  if (unknown.length) throw new Error(`--kinds takes ${RESOLVABLE_KINDS.join(", ")}; not ${unknown.join(", ")}`);
  const minScore = Number(option(args, "min-score") ?? 0.8);
  const first = Number(option(args, "first") ?? 50);
  if (!(minScore >= 0 && minScore <= 1) || !(Number.isInteger(first) && first > 0)) throw new Error("--min-score is 0-1 and --first a positive integer");
  const reviewer = option(args, "reviewer") ?? process.env.USER ?? null;

  const connection = await connect(loadDatabaseConfig(), log);
  // The context's graph workers start no thread unless a graph algorithm runs.
  const graphWorkers = new GraphWorkers({ threads: 1, timeoutMs: 60_000 });
  const input = readline.createInterface({ input: process.stdin, terminal: false });
  const answers = input[Symbol.asyncIterator]();
  try {
    await migrate(connection.db);
    const ctx = createContext(connection.db, 60_000, { referenceCache: new ReferenceCache(), graphWorkers }, "editor");
    const candidates = await duplicateCandidates(new ResolutionRepository(connection.db, 60_000), kinds as NodeType[], minScore, first);
    log(`${candidates.length} candidate pair(s) with score >= ${minScore}. Keys: s same, n not same, u unsure, k skip (Enter), q quit.`);
    const tally = { same: 0, notSame: 0, unsure: 0, skipped: 0 };
    for (const [index, c] of candidates.entries()) {
      for (const line of describePair(c, index, candidates.length)) log(line);
      let choice: (typeof KEYS)[string] | undefined;
      while (choice === undefined) {
        process.stdout.write("  same / not same / unsure / skip / quit [s/n/u/k/q]? ");
        const next = await answers.next();
        if (next.done) {
          choice = "quit";
          break;
        }
        // A piped answer is not echoed by a terminal: show it, so the transcript reads right.
        if (!process.stdin.isTTY) log(String(next.value).trim());
        choice = KEYS[String(next.value).trim().toLowerCase()];
        if (choice === undefined) log("  please answer s, n, u, k or q");
      }
      if (choice === "quit") break;
      if (choice === "skip") tally.skipped++;
      else {
        try {
          const result = await judge(ctx, { a: c.a.id, b: c.b.id, judgement: choice, by: "cli", reviewer, note: null });
          if (choice === DuplicateJudgement.SAME) tally.same++;
          else if (choice === DuplicateJudgement.NOT_SAME) tally.notSame++;
          else tally.unsure++;
          if (result.merge) log(`  merged ${result.merge.removed} into ${result.merge.keep} (undo: splitEntity(id: "${result.merge.removed}"))`);
        } catch (err) {
          log(`  not stored: ${(err as Error).message}`);
        }
      }
      log(`[${index + 1}/${candidates.length}] same ${tally.same}, not same ${tally.notSame}, unsure ${tally.unsure}, skipped ${tally.skipped}`);
    }
    log(`Done: same ${tally.same}, not same ${tally.notSame}, unsure ${tally.unsure}, skipped ${tally.skipped}.`);
  } finally {
    await graphWorkers.close();
    input.close();
    await connection.close();
  }
});
