import { GraphQLJSONObject } from "graphql-scalars";
import { Field, Int, ObjectType, registerEnumType } from "type-graphql";

export enum AskLanguage {
  EN = "EN",
  ES = "ES",
}
registerEnumType(AskLanguage, { name: "AskLanguage", description: "The language of a question; detected when not given." });

@ObjectType({ description: "A name (or identifier) found in the question, and the entity it names." })
export class AskMention {
  @Field(() => String, { description: "The words of the question." }) text!: string;
  @Field(() => String, { nullable: true, description: "Id of the entity; null when the words name several (see candidates)." }) id!: string | null;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { nullable: true }) type!: string | null;
  @Field(() => String, { description: "id, IATI identifier, name, official name, acronym, alias, code; \"(one typo)\" when a typo was tolerated; ambiguous" }) matchedBy!: string;
  @Field(() => [AskCandidate], { description: "For an ambiguous mention: the entities it may name." }) candidates!: AskCandidate[];
}

@ObjectType()
export class AskCandidate {
  @Field(() => String) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) type!: string;
}

@ObjectType({ description: "The GraphQL operation a question was read as: paste `operation` and `variables` into the playground to run it." })
export class AskInterpretation {
  @Field(() => String, { description: "PROJECTS, FUNDED_BY, PARTNERS, FUNDERS_OF_PROJECT, FUNDERS_OF_ACTOR, PATH, WHEN_PROJECT, WHEN_EVENT, SPEAKERS, PARTICIPANTS, EVENT_PROJECTS" })
  intent!: string;
  @Field(() => Boolean, { description: "True for \"how many\" questions." }) count!: boolean;
  @Field(() => String) description!: string;
  @Field(() => String) operation!: string;
  @Field(() => GraphQLJSONObject) variables!: Record<string, unknown>;
}

@ObjectType({ description: "One entity of the answer." })
export class AskItem {
  @Field(() => String) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) type!: string;
  @Field(() => String, { nullable: true, description: "Role, years, shared projects, ... as fits the question." }) detail!: string | null;
}

@ObjectType({ description: "A passage of a source behind the answer." })
export class AskCitation {
  @Field(() => String, { description: "What the passage states: an entity id, or a relationship." }) about!: string;
  @Field(() => String) quote!: string;
  @Field(() => String) sourceId!: string;
  @Field(() => String, { nullable: true }) sourceTitle!: string | null;
}

@ObjectType()
export class AskAnswer {
  @Field(() => String, { description: "The answer in one sentence, in the question's language." }) summary!: string;
  @Field(() => Int, { nullable: true, description: "For \"how many\" questions, and the total of a list." }) count!: number | null;
  @Field(() => [AskItem]) items!: AskItem[];
  @Field(() => GraphQLJSONObject, { description: "The operation's result, exactly as the playground shows it." }) data!: Record<string, unknown>;
}

@ObjectType({ description: "Why a question was not understood, and the readings that came closest (not run)." })
export class AskNotUnderstood {
  @Field(() => String) reason!: string;
  @Field(() => [String], { description: "Words that are neither a known name nor a word the interpreter reads." }) unknownWords!: string[];
  @Field(() => [AskInterpretation]) closest!: AskInterpretation[];
}

@ObjectType({ description: "A question read into a GraphQL operation and answered by running it, or a clear \"not understood\"." })
export class AskResult {
  @Field(() => String) question!: string;
  @Field(() => AskLanguage) language!: AskLanguage;
  @Field(() => Boolean) understood!: boolean;
  @Field(() => AskInterpretation, { nullable: true }) interpretation!: AskInterpretation | null;
  @Field(() => [AskMention]) resolvedReferences!: AskMention[];
  @Field(() => AskAnswer, { nullable: true }) answer!: AskAnswer | null;
  @Field(() => [AskCitation]) citations!: AskCitation[];
  @Field(() => AskNotUnderstood, { nullable: true }) notUnderstood!: AskNotUnderstood | null;
}
