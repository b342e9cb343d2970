import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";

export enum ActorKind {
  AGENCY = "Agency",
  ORGANIZATION = "Organization",
  PERSON = "Person",
  GROUP = "Group",
}
registerEnumType(ActorKind, { name: "ActorKind" });

export enum EditableRelationship {
  BASED_IN = "BASED_IN",
  HOLDS_POSITION = "HOLDS_POSITION",
  MEMBER_OF = "MEMBER_OF",
  TAKES_PLACE_IN = "TAKES_PLACE_IN",
  ABOUT = "ABOUT",
  PART_OF = "PART_OF",
  RELATED_TO = "RELATED_TO",
  SPOKE_AT = "SPOKE_AT",
  TOOK_PART_IN = "TOOK_PART_IN",
  ORGANIZED = "ORGANIZED",
  PRESENTED_AT = "PRESENTED_AT",
}
registerEnumType(EditableRelationship, { name: "EditableRelationship", description: "Relationships edited with addRelationship; participations and funding have mutations of their own." });

export enum ImportFormatInput {
  IATI_XML = "iati-xml",
  JSON = "json",
  CSV = "csv",
}
registerEnumType(ImportFormatInput, { name: "ImportFormat" });

@InputType({ description: "The source that states a fact, and the passage that states it. Every write needs one." })
export class CitationInput {
  @Field(() => ID, { description: "An existing source's id (create one with upsertSource)." }) source!: string;
  @Field(() => String) quote!: string;
}

@InputType()
export class SourceInput {
  @Field(() => ID, { nullable: true, description: "source:<slug>; derived from the title when absent." }) id?: string;
  @Field(() => String, { description: "document, enrichment, reference, dataset, ..." }) kind!: string;
  @Field(() => String) title!: string;
  @Field(() => String, { nullable: true }) author?: string;
  @Field(() => String, { nullable: true }) publisher?: string;
  @Field(() => String, { nullable: true }) url?: string;
  @Field(() => String, { nullable: true }) language?: string;
}

@InputType({ description: "Creates an actor, or updates it when the id (or the IATI ref) is known. Fields left out are kept." })
export class ActorInput {
  @Field(() => ID, { nullable: true }) id?: string;
  @Field(() => ActorKind) kind!: ActorKind;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) officialName?: string;
  @Field(() => String, { nullable: true }) officialNameLanguage?: string;
  @Field(() => [String], { nullable: true }) acronyms?: string[];
  @Field(() => [String], { nullable: true }) aliases?: string[];
  @Field(() => String, { nullable: true }) agencyType?: string;
  @Field(() => String, { nullable: true, description: "national or subnational" }) jurisdiction?: string;
  @Field(() => String, { nullable: true }) jurisdictionArea?: string;
  @Field(() => String, { nullable: true }) organizationType?: string;
  @Field(() => String, { nullable: true, description: "IATI organisation identifier; an upsert by it is idempotent." }) iatiRef?: string;
  @Field(() => String, { nullable: true }) headquarters?: string;
  @Field(() => String, { nullable: true }) groupType?: string;
  @Field(() => [String], { nullable: true, description: "Countries it is based in (codes or names)." }) basedIn?: string[];
  @Field(() => CitationInput) citation!: CitationInput;
}

@InputType()
export class ProjectInput {
  @Field(() => ID, { nullable: true }) id?: string;
  @Field(() => String) name!: string;
  @Field(() => String) kind!: string;
  @Field(() => String, { nullable: true }) description?: string;
  @Field(() => [String], { nullable: true }) acronyms?: string[];
  @Field(() => [String], { nullable: true }) aliases?: string[];
  @Field(() => String, { nullable: true, description: "YYYY-MM-DD" }) startDate?: string;
  @Field(() => String, { nullable: true, description: "YYYY-MM-DD" }) endDate?: string;
  @Field(() => Int, { nullable: true }) startYear?: number;
  @Field(() => Int, { nullable: true }) endYear?: number;
  @Field(() => String, { nullable: true, description: "IATI activity identifier; an upsert by it is idempotent." }) iatiIdentifier?: string;
  @Field(() => [String], { nullable: true, description: "Themes (ids or names)." }) themes?: string[];
  @Field(() => CitationInput) citation!: CitationInput;
}

@InputType()
export class EventInput {
  @Field(() => ID, { nullable: true }) id?: string;
  @Field(() => String) name!: string;
  @Field(() => String) kind!: string;
  @Field(() => [String], { nullable: true }) aliases?: string[];
  @Field(() => String, { nullable: true }) startDate?: string;
  @Field(() => String, { nullable: true }) endDate?: string;
  @Field(() => CitationInput) citation!: CitationInput;
}

@InputType()
export class ThemeInput {
  @Field(() => ID, { nullable: true }) id?: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) nameEs?: string;
  @Field(() => [String], { nullable: true }) aliases?: string[];
  @Field(() => CitationInput) citation!: CitationInput;
}

@InputType()
export class ParticipationInput {
  @Field(() => String, { description: "The actor (id, name, acronym)." }) actor!: string;
  @Field(() => String, { description: "The project (id or name)." }) project!: string;
  @Field(() => String, { description: "lead, partner, co-organizer, participant, supporter, expert-support, funder, accountable, extending, implementer" }) role!: string;
  @Field(() => CitationInput) citation!: CitationInput;
}

@InputType()
export class RelationshipInput {
  @Field(() => EditableRelationship) type!: EditableRelationship;
  @Field(() => String) from!: string;
  @Field(() => String) to!: string;
  @Field(() => String, { nullable: true, description: "HOLDS_POSITION: the position's title." }) title?: string;
  @Field(() => String, { nullable: true, description: "SPOKE_AT, TOOK_PART_IN: the role." }) role?: string;
  @Field(() => String, { nullable: true, description: "RELATED_TO: parent, child, sibling, co-funded, third-party." }) relation?: string;
  @Field(() => String, { nullable: true }) startDate?: string;
  @Field(() => String, { nullable: true }) endDate?: string;
  @Field(() => Int, { nullable: true, description: "TAKES_PLACE_IN, ABOUT: share in percent." }) percentage?: number;
  @Field(() => CitationInput) citation!: CitationInput;
}

@InputType()
export class FundingInput {
  @Field(() => String, { description: "Who gives (id, name, acronym)." }) funder!: string;
  @Field(() => String, { description: "For which project." }) project!: string;
  @Field(() => String, { nullable: true, description: "Who receives, when it is not the project's lead." }) recipient?: string;
  @Field(() => String, { nullable: true, description: "A non-negative exact decimal, e.g. \"250000.00\"; leave out when unknown (never 0)." }) amount?: string;
  @Field(() => String, { nullable: true, description: "ISO 4217, e.g. USD; required with an amount." }) currency?: string;
  @Field(() => String, { nullable: true, description: "YYYY-MM-DD" }) date?: string;
  @Field(() => String, { nullable: true, description: "grant, loan, disbursement, commitment, ..." }) flowType?: string;
  @Field(() => CitationInput) citation!: CitationInput;
}

@ObjectType({ description: "What a write did." })
export class WriteResult {
  @Field(() => ID) id!: string;
  @Field(() => Boolean, { description: "False when the entity or relationship already existed." }) created!: boolean;
}

@ObjectType()
export class RemovedCount {
  @Field(() => String) type!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: "What a delete or merge removed." })
export class RemovalResult {
  @Field(() => ID) id!: string;
  @Field(() => [RemovedCount], { description: "Relationships removed, by type." }) relationships!: RemovedCount[];
  @Field(() => Int, { description: "Funding flows removed with a deleted project or funder." }) fundingFlows!: number;
}

@ObjectType()
export class ImportRejection {
  @Field(() => String) position!: string;
  @Field(() => String) reason!: string;
}

@ObjectType({ description: "A record written, with what was wrong with it." })
export class ImportWarning {
  @Field(() => String) position!: string;
  @Field(() => String) reason!: string;
}

@ObjectType()
export class ImportResult {
  @Field(() => Int) records!: number;
  @Field(() => Int) created!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => Int) relationships!: number;
  @Field(() => [ImportRejection]) rejected!: ImportRejection[];
  @Field(() => [ImportWarning], { description: "Records written with a problem noted, e.g. an IATI transaction with an empty value, kept as a flow whose amount is unknown (null)." })
  warnings!: ImportWarning[];
}
