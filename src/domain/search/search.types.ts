import { createUnionType, Field, Float, ObjectType, registerEnumType } from "type-graphql";
import { Agency, Group, Organization, Person } from "../actors/actor.types.js";
import { Event } from "../events/event.types.js";
import { typeNameOf } from "../node/node.types.js";
import { Country, Region } from "../places/place.types.js";
import { Project } from "../projects/project.types.js";
import { Theme } from "../themes/theme.types.js";

export const Searchable = createUnionType({
  name: "Searchable",
  description: "Anything search can find.",
  types: () => [Agency, Organization, Person, Group, Project, Event, Country, Region, Theme] as const,
  resolveType: (value) => typeNameOf(value as { nodeType?: string }),
});

export enum SearchKind {
  AGENCY = "Agency",
  ORGANIZATION = "Organization",
  PERSON = "Person",
  GROUP = "Group",
  PROJECT = "Project",
  EVENT = "Event",
  COUNTRY = "Country",
  REGION = "Region",
  THEME = "Theme",
}
registerEnumType(SearchKind, { name: "SearchKind" });

@ObjectType({ simpleResolvers: true })
export class SearchHit {
  @Field(() => Float, { description: "Relevance; higher is better." }) score!: number;
  @Field(() => Searchable) item!: typeof Searchable;
}
