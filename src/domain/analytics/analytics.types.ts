import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Actor } from "../actors/actor.types.js";
import { Citation } from "../sources/source.types.js";

@ObjectType({ description: "An actor that shares projects with another, and how strongly.", simpleResolvers: true })
export class Partner {
  @Field(() => Actor) actor!: unknown;
  @Field(() => Int) sharedProjects!: number;
  @Field(() => Int, { nullable: true }) firstYear!: number | null;
  @Field(() => Int, { nullable: true }) lastYear!: number | null;
  @Field(() => [String], { description: "Ids of the shared projects (first 20)." }) projectIds!: string[];
}

@ObjectType({ description: "A partner of a partner, with the partners in between.", simpleResolvers: true })
export class IndirectPartner {
  @Field(() => Actor) actor!: unknown;
  @Field(() => [Actor], { description: "Direct partners that connect the two." }) via!: unknown[];
  @Field(() => Int, { description: "Number of shared projects along the strongest route." }) weight!: number;
}

@InputType()
export class PartnerFilter {
  @Field(() => [String], { nullable: true, description: "Only projects about these themes." }) themes?: string[];
  @Field(() => [String], { nullable: true, description: "Only projects where both actors take part in one of these roles." }) roles?: string[];
  @Field(() => Int, { nullable: true }) activeFrom?: number;
  @Field(() => Int, { nullable: true }) activeTo?: number;
}

@ObjectType({ description: "An entity in a path, a neighborhood or an export.", simpleResolvers: true })
export class GraphNode {
  @Field(() => ID) id!: string;
  @Field(() => String) label!: string;
  @Field(() => String, { description: "Agency, Organization, Person, Group, Project, Event, Country, Region, Theme, Funding" }) kind!: string;
  @Field(() => Int, { nullable: true, description: "A project's first year (null for entities without years): a timeline of what is drawn needs no other request." }) startYear!: number | null;
  @Field(() => Int, { nullable: true, description: "A project's last year (null when unknown or not a project; then its start year stands for it)." }) endYear!: number | null;
  @Field(() => Float, {
    description: "For visualizations: the number of relationships of the returned path or subgraph (its edges or steps) that touch it, "
      + "not its degree in the whole graph. A relationship to itself counts once; two relationships to one neighbour (two roles) count twice.",
  }) weight!: number;
}

@ObjectType({ simpleResolvers: true })
export class GraphEdge {
  @Field(() => ID) source!: string;
  @Field(() => ID) target!: string;
  @Field(() => String) type!: string;
  @Field(() => String, { nullable: true }) role!: string | null;
  @Field(() => Float, { description: "1: each edge is one relationship (an actor with two roles in a project has two edges)." }) weight!: number;
}

@ObjectType({ description: "A subgraph ready for a visualization.", simpleResolvers: true })
export class Subgraph {
  @Field(() => [GraphNode]) nodes!: GraphNode[];
  @Field(() => [GraphEdge]) edges!: GraphEdge[];
  @Field(() => Boolean, { description: "True when the node cap cut it." }) truncated!: boolean;
  @Field(() => Int, { description: "How many entities within the hops the node cap left out (0 when it cut nothing)." }) omitted!: number;
}

@ObjectType({ description: "One hop of a path, with what states it.", simpleResolvers: true })
export class PathStep {
  @Field(() => GraphNode) from!: GraphNode;
  @Field(() => GraphNode) to!: GraphNode;
  @Field(() => String) type!: string;
  @Field(() => String, { nullable: true, description: "The role, for participations." }) role!: string | null;
  @Field(() => Boolean, { description: "True when the relationship points from `from` to `to`." }) forward!: boolean;
  @Field(() => [Citation]) sources!: Citation[];
}

@ObjectType({ simpleResolvers: true })
export class Path {
  @Field(() => Int) length!: number;
  @Field(() => [GraphNode]) nodes!: GraphNode[];
  @Field(() => [PathStep]) steps!: PathStep[];
}

export enum FundingDimension {
  FUNDER = "FUNDER",
  RECIPIENT = "RECIPIENT",
  PROJECT = "PROJECT",
  COUNTRY = "COUNTRY",
  REGION = "REGION",
  THEME = "THEME",
  YEAR = "YEAR",
  FLOW_TYPE = "FLOW_TYPE",
}
registerEnumType(FundingDimension, {
  name: "FundingDimension",
  valuesConfig: {
    REGION: {
      description: "The sub-region of each place the funded project takes place in, as cooperationMatrix(level: REGION) uses them: on the way up "
        + "from the place to its continent, the region just below the continent (Peru, and \"South America, regional\", in Latin America and the Caribbean; "
        + "the United States in Northern America; \"Africa, regional\", placed directly in Africa, is its own group); a region in no continent "
        + "(Middle East, regional) is its own group, and so is a continent named as the place itself. A flow counts once in each of its groups: "
        + "a group's totals are those of fundingFlows filtered by that region, but for a continent's group (its filter counts its sub-regions too).",
    },
  },
});

@InputType()
export class FundingFilter {
  @Field(() => [String], { nullable: true }) funders?: string[];
  @Field(() => [String], { nullable: true }) recipients?: string[];
  @Field(() => [String], { nullable: true, description: "Countries where the funded project takes place." }) countries?: string[];
  @Field(() => [String], { nullable: true, description: "Regions (and sub-regions) where the funded project takes place." }) regions?: string[];
  @Field(() => [String], { nullable: true }) themes?: string[];
  @Field(() => Int, { nullable: true }) fromYear?: number;
  @Field(() => Int, { nullable: true }) toYear?: number;
  @Field(() => [String], { nullable: true, description: "disbursement, expenditure, outgoing-commitment, incoming-funds, grant, budget, ... Default: every flow except budgets." })
  flowTypes?: string[];
}

@ObjectType({ simpleResolvers: true })
export class GroupKey {
  @Field(() => FundingDimension) dimension!: FundingDimension;
  @Field(() => String, { nullable: true, description: "Id of the entity, or the year or flow type itself." }) value!: string | null;
  @Field(() => String, { nullable: true }) name!: string | null;
}

@ObjectType({
  description: "Money of one kind of flow, in one currency, for one group. Currencies are never added together, nor kinds of flow "
    + "(a commitment and the disbursement that follows it are often the same money).",
  simpleResolvers: true,
})
export class FundingFlowGroup {
  @Field(() => [GroupKey]) keys!: GroupKey[];
  @Field(() => String, { nullable: true, description: "The kind of flow summed: disbursement, expenditure, outgoing-commitment, incoming-funds, grant, budget, ..." })
  flowType!: string | null;
  @Field(() => String, { nullable: true }) currency!: string | null;
  @Field(() => String, { description: "Exact sum of the known amounts." }) total!: string;
  @Field(() => Int, { description: "Flows in the group." }) flows!: number;
  @Field(() => Int, { description: "Flows whose amount is unknown: counted, not treated as zero." }) unknownAmounts!: number;
}

export enum MatrixLevel {
  COUNTRY = "COUNTRY",
  REGION = "REGION",
}
registerEnumType(MatrixLevel, {
  name: "MatrixLevel",
  valuesConfig: {
    REGION: { description: "Each country's M49 sub-region (the region just below a continent, e.g. Latin America and the Caribbean, Northern America), whatever region it is placed in directly." },
  },
});

@ObjectType({ simpleResolvers: true })
export class MatrixPlace {
  @Field(() => ID) id!: string;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) nameEs!: string | null;
}

@ObjectType({ description: "How many projects two places share.", simpleResolvers: true })
export class MatrixCell {
  @Field(() => MatrixPlace) a!: MatrixPlace;
  @Field(() => MatrixPlace) b!: MatrixPlace;
  @Field(() => Int) sharedProjects!: number;
}

export enum CentralityMetric {
  DEGREE = "DEGREE",
  WEIGHTED_DEGREE = "WEIGHTED_DEGREE",
  BETWEENNESS = "BETWEENNESS",
  PAGERANK = "PAGERANK",
}
registerEnumType(CentralityMetric, { name: "CentralityMetric" });

@ObjectType({ simpleResolvers: true })
export class CentralityScore {
  @Field(() => Actor) actor!: unknown;
  @Field(() => Float) score!: number;
  @Field(() => Int) rank!: number;
}

@ObjectType({ simpleResolvers: true })
export class YearCount {
  @Field(() => Int) year!: number;
  @Field(() => Int, { description: "Projects that started that year." }) started!: number;
  @Field(() => Int, { description: "Projects active that year (started on or before, ended on or after)." }) active!: number;
}
