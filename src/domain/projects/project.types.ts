import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Node, Sourced } from "../node/node.types.js";
import { connectionTypes } from "../shared/pagination.js";

@ObjectType({
  implements: [Node, Sourced],
  description: "A project or program of any kind: training program, intervention project, evaluation report, conference series, IATI activity.",
  simpleResolvers: true,
})
export class Project {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: "training-program, intervention-project, evaluation-report, conference-series, activity, ..." })
  kind!: string;
  @Field(() => [String]) acronyms!: string[];
  @Field(() => [String]) aliases!: string[];
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true, description: "ISO date, when the sources give the day." }) startDate?: string | null;
  @Field(() => String, { nullable: true }) endDate?: string | null;
  @Field(() => Int, { nullable: true }) startYear?: number | null;
  @Field(() => Int, { nullable: true }) endYear?: number | null;
  @Field(() => String, { nullable: true, description: "IATI activity identifier, for imported activities." }) iatiIdentifier?: string | null;
  @Field(() => Int, { description: "Distinct actors taking part." }) participantCount!: number;
  @Field(() => Boolean, {
    description: "True for a reference only: an IATI related activity whose own activity was never imported (its name is its identifier; " +
      "no dates, participants or places). Stubs are reached through `related`, `project(reference:)` and `node(id:)`, and are left out of " +
      "`projects`, its counts, search, analytics and exports. Importing the activity makes it a full project with the same id and relationships.",
  })
  stub!: boolean;
}

@ObjectType({ description: "A project related to another (IATI related-activity: parent, child, sibling, co-funded, third-party).", simpleResolvers: true })
export class RelatedProject {
  @Field(() => String) relation!: string;
  projectId!: string;
}

export enum ProjectSortField {
  NAME = "NAME",
  START_DATE = "START_DATE",
  PARTICIPANTS = "PARTICIPANTS",
}
registerEnumType(ProjectSortField, { name: "ProjectSortField" });

export enum SortDirection {
  ASC = "ASC",
  DESC = "DESC",
}
registerEnumType(SortDirection, { name: "SortDirection" });

@InputType()
export class ProjectSort {
  @Field(() => ProjectSortField, { defaultValue: ProjectSortField.NAME }) field!: ProjectSortField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC }) direction!: SortDirection;
}

@InputType({
  description:
    "Every criterion narrows the list. A reference is an id, a name, an acronym or an alias in English or Spanish, " +
    "or a country's name or ISO code; case and accents do not matter.",
})
export class ProjectFilter {
  @Field(() => [ID], {
    nullable: true,
    description: "Only these projects (any of), by id, at most 1000: each is sought by the id constraint; an id of no project matches nothing. "
      + "With the other criteria, which of a view's projects pass them (the explorer's theme and year filters).",
  })
  ids?: string[];
  @Field(() => [String], { nullable: true, description: "Projects that involve every one of these actors, countries, regions or themes." })
  involvingAll?: string[];
  @Field(() => [String], { nullable: true, description: "Projects that involve at least one of these." })
  involvingAny?: string[];
  @Field(() => [String], { nullable: true, description: "Themes (any of)." }) themes?: string[];
  @Field(() => [String], { nullable: true, description: "Kinds (any of), e.g. training-program." }) kinds?: string[];
  @Field(() => [String], { nullable: true, description: "Countries involved (any of): an actor based there takes part or the project takes place there." })
  countries?: string[];
  @Field(() => [String], { nullable: true, description: "Regions involved (any of), sub-regions included." }) regions?: string[];
  @Field(() => [String], { nullable: true, description: "Funders (any of): actors in the funder role or providing a funding flow." })
  funders?: string[];
  @Field(() => [String], { nullable: true, description: "Funders (all of): projects funded by every one of these actors, each as in funders." })
  fundersAll?: string[];
  @Field(() => [String], { nullable: true, description: "Roles: actors named in involvingAll/involvingAny must take part in one of these roles; alone, some actor must." })
  roles?: string[];
  @Field(() => Int, { nullable: true, description: "Active in or after this year." }) activeFrom?: number;
  @Field(() => Int, { nullable: true, description: "Active in or before this year." }) activeTo?: number;
}

@ObjectType({ description: "How a reference in a filter was understood.", simpleResolvers: true })
export class ResolvedReference {
  @Field(() => String) reference!: string;
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: "Agency, Organization, Person, Group, Country, Region, Theme, ..." }) type!: string;
  @Field(() => String, { description: "id, code, name, official name, acronym or alias" }) matchedBy!: string;
}

const ProjectConnectionBase = connectionTypes(() => Project, "Project");

@ObjectType({ simpleResolvers: true })
export class ProjectConnection extends ProjectConnectionBase {
  @Field(() => [ResolvedReference], { description: "How each reference in the filter was resolved." })
  resolvedReferences!: ResolvedReference[];
}
