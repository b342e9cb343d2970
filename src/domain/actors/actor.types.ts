import { Field, ID, InterfaceType, ObjectType, registerEnumType } from "type-graphql";
import { Node, Sourced, typeNameOf } from "../node/node.types.js";

export enum Jurisdiction {
  NATIONAL = "national",
  SUBNATIONAL = "subnational",
}
registerEnumType(Jurisdiction, { name: "Jurisdiction", description: "The territorial reach of an agency." });

@InterfaceType({
  implements: [Node, Sourced],
  resolveType: typeNameOf,
  description: "Who cooperates: an agency, an organization, a person, or a group the sources name only collectively.",
})
export abstract class Actor {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: "Canonical English name." }) name!: string;
  @Field(() => String, { nullable: true, description: "Official name in its own language." }) officialName?: string | null;
  @Field(() => String, { nullable: true }) officialNameLanguage?: string | null;
  @Field(() => [String], { description: "Acronyms in English and Spanish (UNODC, ONUDD)." }) acronyms!: string[];
  @Field(() => [String], { description: "Other names it is known by." }) aliases!: string[];
}

@ObjectType({ implements: [Actor, Node, Sourced], description: "A prosecution service or other public body.", simpleResolvers: true })
export class Agency extends Actor {
  @Field(() => String, { nullable: true, description: "prosecution-service, ..." }) agencyType?: string | null;
  @Field(() => Jurisdiction, { nullable: true }) jurisdiction?: Jurisdiction | null;
  @Field(() => String, { nullable: true, description: "The territory it serves, e.g. \"Autonomous City of Buenos Aires\"." })
  jurisdictionArea?: string | null;
}

@ObjectType({
  implements: [Actor, Node, Sourced],
  description: "An international organization, development bank, NGO, court or professional association.",
  simpleResolvers: true,
})
export class Organization extends Actor {
  @Field(() => String, { nullable: true, description: "international-organization, development-bank, ngo, court-association, professional-association, government, ..." })
  organizationType?: string | null;
  @Field(() => String, { nullable: true, description: "IATI organisation identifier, e.g. XM-DAC-41114 for UNDP." })
  iatiRef?: string | null;
  @Field(() => String, { nullable: true }) headquarters?: string | null;
}

@ObjectType({ implements: [Actor, Node, Sourced], simpleResolvers: true })
export class Person extends Actor {}

@ObjectType({
  implements: [Actor, Node, Sourced],
  description: "People the sources name only collectively, e.g. \"Prosecutors from Peru\".",
  simpleResolvers: true,
})
export class Group extends Actor {
  @Field(() => String, { nullable: true, description: "prosecutors, experts, ..." }) groupType?: string | null;
}

@ObjectType({ implements: [Sourced], description: "An actor's part in a project, with its role.", simpleResolvers: true })
export class Participation {
  @Field(() => String, { description: "lead, partner, co-organizer, participant, supporter, expert-support, funder, accountable, extending, implementer" })
  role!: string;
  actorId!: string;
  projectId!: string;
}

@ObjectType({ implements: [Sourced], description: "A position a person holds in an agency or organization.", simpleResolvers: true })
export class Position {
  @Field(() => String) title!: string;
  @Field(() => String, { nullable: true }) titleEs?: string | null;
  @Field(() => String, { nullable: true }) startDate?: string | null;
  @Field(() => String, { nullable: true }) endDate?: string | null;
  personId!: string;
  organizationId!: string;
}

@ObjectType({ implements: [Sourced], description: "Membership of an agency or organization in an association.", simpleResolvers: true })
export class Membership {
  @Field(() => String, { nullable: true }) startDate?: string | null;
  @Field(() => String, { nullable: true }) endDate?: string | null;
  memberId!: string;
  organizationId!: string;
}
