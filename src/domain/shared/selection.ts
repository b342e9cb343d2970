/**
 * Look-ahead into a request's selection: lets a list resolver fetch, in its own query, what the
 * client is about to ask of every item (one round trip instead of one per field level).
 */
import {
  GraphQLIncludeDirective, GraphQLSkipDirective, Kind, getDirectiveValues, valueFromASTUntyped,
  type FieldNode, type FragmentSpreadNode, type GraphQLResolveInfo, type InlineFragmentNode, type SelectionSetNode,
} from "graphql";

/** Whether @skip and @include let the selection run (a skipped field must not be fetched, or cost, ahead). */
function included(node: FieldNode | InlineFragmentNode | FragmentSpreadNode, info: GraphQLResolveInfo): boolean {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
}

function fieldsOf(set: SelectionSetNode | undefined, info: GraphQLResolveInfo): FieldNode[] {
  if (!set) return [];
  return set.selections.flatMap((s) => {
    if (!included(s, info)) return [];
    if (s.kind === Kind.FIELD) return [s];
    if (s.kind === Kind.INLINE_FRAGMENT) return fieldsOf(s.selectionSet, info);
    const fragment = info.fragments[s.name.value];
    return fragment ? fieldsOf(fragment.selectionSet, info) : [];
  });
}

/** The fields reached by following `path` (field names) from the current field, across aliases. */
export function selectedAt(info: GraphQLResolveInfo, path: string[]): FieldNode[] {
  return selectedUnder(info, info.fieldNodes, path);
}

/** True when `path` is selected and, at its end, none of the given arguments is used. */
export function isSelectedWithoutArguments(info: GraphQLResolveInfo, path: string[]): boolean {
  const nodes = selectedAt(info, path);
  return nodes.length > 0 && nodes.every((n) => !n.arguments?.length);
}

/** Names of the fields selected directly under `path`. */
export function selectedFieldNames(info: GraphQLResolveInfo, path: string[]): Set<string> {
  return fieldNamesUnder(info, info.fieldNodes, path);
}

/** Names of the fields selected directly under `path` from `nodes` (every alias of every node: their union). */
export function fieldNamesUnder(info: GraphQLResolveInfo, nodes: readonly FieldNode[], path: string[]): Set<string> {
  return new Set(selectedUnder(info, nodes, path).flatMap((f) => fieldsOf(f.selectionSet, info)).map((f) => f.name.value));
}

/** The fields at the root of the request's operation (its sibling entry points), across fragments. */
export function rootFields(info: GraphQLResolveInfo): FieldNode[] {
  return fieldsOf(info.operation.selectionSet, info);
}

/** The fields reached by following `path` (field names) from `nodes`, across aliases. */
export function selectedUnder(info: GraphQLResolveInfo, nodes: readonly FieldNode[], path: string[]): FieldNode[] {
  let current: FieldNode[] = [...nodes];
  for (const name of path) {
    current = current.flatMap((f) => fieldsOf(f.selectionSet, info)).filter((f) => f.name.value === name);
    if (!current.length) return [];
  }
  return current;
}

/** A field's arguments as the resolver will read them (variables substituted), untyped. */
export function argumentsOf(info: GraphQLResolveInfo, node: FieldNode): Record<string, unknown> {
  return Object.fromEntries((node.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, info.variableValues)]));
}
