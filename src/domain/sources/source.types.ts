import { Field, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "A document, dataset or reference that states facts in the graph.", simpleResolvers: true })
export class Source {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: "document, enrichment (widely known facts added by editors), reference, iati-file, ..." })
  kind!: string;
  @Field(() => String) title!: string;
  @Field(() => String, { nullable: true }) author?: string | null;
  @Field(() => String, { nullable: true }) publisher?: string | null;
  @Field(() => String, { nullable: true }) url?: string | null;
  @Field(() => String, { nullable: true }) language?: string | null;
  @Field(() => String, { nullable: true, description: "Path of the document inside the repository, when it is kept there." })
  document?: string | null;
}

@ObjectType({ description: "Where a fact comes from: the source and the passage that states it." })
export class Citation {
  @Field(() => String) quote!: string;
  sourceId!: string;
}
