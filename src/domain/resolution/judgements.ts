/**
 * What analysts' judgements imply. SAME is an equivalence: a=b and b=c give a=c (union-find).
 * NOT_SAME holds between whole clusters: a=b and b!=c give a!=c. UNSURE is kept, implies nothing,
 * and still keeps its pair from being proposed again.
 */
export type Verdict = "SAME" | "NOT_SAME" | "UNSURE";

export interface StoredJudgement {
  id: string;
  a: string;
  b: string;
  judgement: Verdict;
}

export class JudgementGraph {
  private readonly parent = new Map<string, string>();
  private readonly apart = new Set<string>();
  private readonly unsure = new Set<string>();

  constructor(judgements: StoredJudgement[]) {
    for (const j of judgements) if (j.judgement === "SAME") this.union(j.a, j.b);
    for (const j of judgements) {
      if (j.judgement === "NOT_SAME") this.apart.add(pairKey(this.find(j.a), this.find(j.b)));
      if (j.judgement === "UNSURE") this.unsure.add(pairKey(j.a, j.b));
    }
  }

  find(id: string): string {
    let root = id;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(id, root);
    return root;
  }

  private union(a: string, b: string): void {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra !== rb) this.parent.set(rb, ra);
  }

  /** What is known about the pair, directly or by implication; null when nothing is. */
  verdict(a: string, b: string): Verdict | null {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra === rb) return "SAME";
    if (this.apart.has(pairKey(ra, rb))) return "NOT_SAME";
    if (this.unsure.has(pairKey(a, b))) return "UNSURE";
    return null;
  }
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
