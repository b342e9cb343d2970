/**
 * Fields that run an in-process graph algorithm cost far more than their place in the query says
 * (graphql-armor's cost counts fields, not work): at most `limit` of each per operation, aliases
 * and fragments included.
 */
import { GraphQLError, type ASTVisitor, type ValidationContext } from "graphql";

export const EXPENSIVE_FIELDS: Record<string, number> = { centrality: 1 };

export function expensiveFieldsRule(limits: Record<string, number> = EXPENSIVE_FIELDS) {
  return (context: ValidationContext): ASTVisitor => {
    const seen = new Map<string, number>();
    return {
      Field(node) {
        const parent = context.getParentType();
        if (parent?.name !== "Query") return;
        const name = node.name.value;
        const limit = limits[name];
        if (limit === undefined) return;
        const count = (seen.get(name) ?? 0) + 1;
        seen.set(name, count);
        if (count === limit + 1) {
          context.reportError(new GraphQLError(`${name} runs a graph algorithm: at most ${limit} per request`, { nodes: [node], extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }));
        }
      },
    };
  };
}
