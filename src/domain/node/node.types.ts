import { Field, ID, InterfaceType } from "type-graphql";
import { Citation } from "../sources/source.types.js";

@InterfaceType({
  description: "Any entity with a stable, readable id (e.g. \"organization:unodc\"); `node(id:)` fetches it.",
  // Rows are plain objects, not class instances: their node type names their GraphQL type.
  resolveType: (value) => typeNameOf(value as { nodeType?: string }),
})
export abstract class Node {
  @Field(() => ID) id!: string;
}

@InterfaceType({ description: "Anything stated by sources: every entity and every relationship." })
export abstract class Sourced {
  @Field(() => [Citation], { description: "The sources that state this fact, each with the passage that states it." })
  sources!: Citation[];
}

/** GraphQL type name of an entity row: its node type (Agency, Project, Country, ...). */
export function typeNameOf(value: { nodeType?: string }): string | undefined {
  return value.nodeType;
}
