import { FieldResolver, Resolver, Root } from "type-graphql";
import { Citation } from "../sources/source.types.js";
import { citationsOf, type Provenanced } from "../shared/rows.js";
import { Sourced } from "./node.types.js";

@Resolver(() => Sourced)
export class SourcedResolver {
  @FieldResolver(() => [Citation])
  sources(@Root() item: Provenanced): Citation[] {
    return citationsOf(item);
  }
}
