/** The Cypher of entity resolution: profiles to compare, judgements, and merge records. */
import { AGGREGATE_RELATIONSHIP_TYPES } from "../../db/aggregates.js";
import type { Database, Row } from "../../db/database.js";
import { currentIds } from "../../ingest/index.js";
import type { NodeType } from "../../model/model.js";
import type { StoredJudgement } from "./judgements.js";
import type { Profile } from "./scoring.js";

const text = (v: unknown) => (typeof v === "string" ? v : null);
const texts = (v: unknown) => (Array.isArray(v) ? v.map(String) : null);

/** A Cypher row as a Profile, mapped once. */
function profileOf(r: Row): Profile {
  return {
    id: String(r.id), name: String(r.name ?? r.id), type: String(r.type), officialName: text(r.officialName), acronyms: texts(r.acronyms),
    aliases: texts(r.aliases), iatiRef: text(r.iatiRef), countries: texts(r.countries) ?? [], sourceCount: Number(r.sourceCount ?? 0),
  };
}

export const RESOLVABLE_KINDS: readonly NodeType[] = ["Agency", "Organization", "Person", "Group", "Project"];

export class ResolutionRepository {
  constructor(private readonly db: Database, private readonly timeoutMs: number) {}

  /** Every entity of the kinds, with what scoring looks at (one label scan per kind: a review job, not a lookup). */
  async profiles(kinds: readonly NodeType[]): Promise<Profile[]> {
    const out: Profile[] = [];
    for (const kind of kinds.filter((k) => RESOLVABLE_KINDS.includes(k))) {
      const rows = await this.db.read(`
        MATCH (n:${kind})
        RETURN n.id AS id, n.name AS name, $kind AS type, n.officialName AS officialName, n.acronyms AS acronyms, n.aliases AS aliases,
          coalesce(n.iatiRef, n.iatiIdentifier) AS iatiRef, [(n)-[:BASED_IN]->(c:Country) | c.code] AS countries,
          size(coalesce(n.sourceIds, [])) AS sourceCount`, { kind }, { timeoutMs: this.timeoutMs * 6 });
      out.push(...rows.map(profileOf));
    }
    return out;
  }

  /** Judgements in force (a split revokes the SAME that made its merge), and merges not split: both say "same". */
  async judgements(): Promise<StoredJudgement[]> {
    const rows = await this.db.read(`
      MATCH (j:Judgement) WHERE NOT coalesce(j.revoked, false)
      RETURN j.id AS id, j.a AS a, j.b AS b, j.judgement AS judgement
      UNION ALL
      MATCH (m:MergeRecord) WHERE NOT m.undone
      RETURN m.id AS id, m.keep AS a, m.removed AS b, 'SAME' AS judgement`);
    return rows.map((r) => ({ id: String(r.id), a: String(r.a), b: String(r.b), judgement: r.judgement as StoredJudgement["judgement"] }));
  }

  /** The entity an id now lives in: itself, or the entity it was merged into (followed through later merges). */
  async currentId(id: string): Promise<string | null> {
    return (await currentIds((cypher, params) => this.db.read(cypher, params), [id])).get(id) ?? null;
  }

  /** The entity's facts: the aggregates' bookkeeping relationships (PARTNERS_WITH) do not count. */
  async degree(id: string, key: string): Promise<number> {
    const [row] = await this.db.read(`MATCH (n:${key} {id: $id}) RETURN COUNT { (n)-[r]-() WHERE NOT type(r) IN $aggregates } AS degree`,
      { id, aggregates: AGGREGATE_RELATIONSHIP_TYPES });
    return Number(row?.degree ?? 0);
  }

  async saveJudgement(j: Record<string, unknown>): Promise<void> {
    await this.db.write("CREATE (j:Judgement) SET j = $j", { j }, { timeoutMs: this.timeoutMs });
  }

  /** Merges not yet split that `id` took part in: as the removed side, or as the kept side (latest first). */
  async activeMerges(id: string): Promise<{ asRemoved: string | null; intoIt: string[] }> {
    const [row] = await this.db.read(`
      OPTIONAL MATCH (r:MergeRecord {removed: $id}) WHERE NOT r.undone
      WITH r ORDER BY r.seq DESC LIMIT 1
      OPTIONAL MATCH (k:MergeRecord {keep: $id}) WHERE NOT k.undone
      WITH r, k ORDER BY k.seq DESC
      RETURN r.id AS asRemoved, [x IN collect(k.id) WHERE x IS NOT NULL] AS intoIt`, { id });
    return { asRemoved: (row?.asRemoved as string | null) ?? null, intoIt: (row?.intoIt as string[]) ?? [] };
  }
}
