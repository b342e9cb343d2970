import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";

export enum DuplicateJudgement {
  SAME = "SAME",
  NOT_SAME = "NOT_SAME",
  UNSURE = "UNSURE",
}
registerEnumType(DuplicateJudgement, { name: "DuplicateJudgement", description: "An analyst's verdict on a candidate pair." });

@ObjectType({ description: "One side of a candidate pair, with what the score looked at." })
export class DuplicateEntity {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) type!: string;
  @Field(() => String, { nullable: true }) iatiRef!: string | null;
  @Field(() => [String], { description: "ISO codes of the countries it is based in." }) countries!: string[];
  @Field(() => Int, { description: "How many source entries state it." }) sourceCount!: number;
}

@ObjectType({ description: "A reason behind a score: what it adds (or, negative, takes away)." })
export class DuplicateEvidence {
  @Field(() => String, { description: "name, acronym, iati-identifier, country" }) kind!: string;
  @Field(() => Float) weight!: number;
  @Field(() => String) detail!: string;
}

@ObjectType({ description: "Two entities that may be the same, scored 0-1, with the evidence for the score." })
export class DuplicateCandidate {
  @Field(() => DuplicateEntity) a!: DuplicateEntity;
  @Field(() => DuplicateEntity) b!: DuplicateEntity;
  @Field(() => Float) score!: number;
  @Field(() => [DuplicateEvidence]) evidence!: DuplicateEvidence[];
}

@ObjectType({ description: "A stored judgement: who said what about which pair, and when." })
export class JudgementRecord {
  @Field(() => ID) id!: string;
  @Field(() => String) a!: string;
  @Field(() => String) b!: string;
  @Field(() => DuplicateJudgement) judgement!: DuplicateJudgement;
  @Field(() => String, { description: "The role of the API key that judged." }) by!: string;
  @Field(() => String, { nullable: true, description: "The reviewer's name, when given." }) reviewer!: string | null;
  @Field(() => String, { description: "ISO date-time." }) at!: string;
}

@ObjectType({ description: "A merge: `removed` was merged into `keep`; `mergeId` names its record, which splitEntity undoes." })
export class MergeInfo {
  @Field(() => String) mergeId!: string;
  @Field(() => String) keep!: string;
  @Field(() => String) removed!: string;
}

@ObjectType()
export class JudgeResult {
  @Field(() => JudgementRecord) judgement!: JudgementRecord;
  @Field(() => MergeInfo, { nullable: true, description: "For SAME: the merge it made (null when they were already one entity)." }) merge!: MergeInfo | null;
}

@ObjectType({ description: "What a split restored." })
export class SplitResult {
  @Field(() => String) keep!: string;
  @Field(() => [String], { description: "The entities restored, in the order they were split off." }) restored!: string[];
}
