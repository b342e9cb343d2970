/**
 * Field resolvers called directly, without type-graphql's per-call wrapper.
 *
 * For every call of a `@FieldResolver` type-graphql builds a resolver-data object, runs its
 * middleware chain (empty here) and rebuilds the method's arguments from the parameter metadata,
 * sorting that list on every call (`getParams`): a page of 50 projects with their participants,
 * actors and countries makes about 300 such calls, and the sorts alone allocated a fifth of the
 * API's memory per request (a V8 sort allocates its work arrays even for two items). For a method
 * whose parameters are only `@Root()`, `@Ctx()`, `@Info()` and scalar `@Arg()`s, with no middleware
 * and no roles, where each argument comes from is known when the schema is built: those fields get
 * a resolver that calls the method with them. Everything else (input-type arguments, validation,
 * custom decorators, auth) keeps type-graphql's wrapper.
 */
import type { GraphQLFieldResolver, GraphQLSchema } from "graphql";
import { GraphQLScalarType, isObjectType } from "graphql";
import { getMetadataStorage } from "type-graphql";

type Storage = ReturnType<typeof getMetadataStorage>;
type FieldResolverMetadata = Storage["fieldResolvers"][number];
type ParamMetadata = NonNullable<FieldResolverMetadata["params"]>[number];
type FieldMetadata = Storage["fields"][number];
/** A resolver class, as type-graphql's metadata names it. */
type ResolverClass = FieldResolverMetadata["target"];

/** The start of a direct resolver's function name ("direct Participation.actor"). */
export const DIRECT_PREFIX = "direct ";

/** Reads one argument of the method from the resolver's own arguments. */
type ParamReader = (root: unknown, args: Record<string, unknown>, context: Record<string, unknown>, info: unknown) => unknown;

/** Scalars type-graphql passes through unchanged (a list of them as a copy of the same values). */
const isPlainScalar = (type: unknown) => type instanceof GraphQLScalarType || type === String || type === Number || type === Boolean;

/** What type-graphql would pass for this parameter, or null when only its wrapper can provide it. */
function readerOf(param: ParamMetadata): ParamReader | null {
  switch (param.kind) {
    case "root": {
      // type-graphql copies the root into an instance of the parameter's class (the type
      // `emitDecoratorMetadata` reflected) unless it already is one. A parameter typed by an
      // interface or a type alias has no such class: getType is undefined, the root passes as is.
      if (param.getType !== undefined) return null;
      const property = param.propertyName;
      return property ? (root) => (root as Record<string, unknown>)[property] : (root) => root;
    }
    case "context": {
      const property = param.propertyName;
      return property ? (_root, _args, context) => context[property] : (_root, _args, context) => context;
    }
    case "info":
      return (_root, _args, _context, info) => info;
    case "arg": {
      // A scalar argument without validation reaches the method as GraphQL gave it.
      if (!isPlainScalar(param.getType()) || param.validateSettings !== undefined || param.validateFn !== undefined) return null;
      const name = param.name;
      return (_root, args) => args[name];
    }
    default:
      return null;
  }
}

/** A resolver calling the method with the arguments its parameters name, or null when not eligible. */
export function directResolver(meta: FieldResolverMetadata, instances: Map<ResolverClass, object>): GraphQLFieldResolver<unknown, Record<string, unknown>> | null {
  // Any roles at all (even `@Authorized()` with none) would put type-graphql's auth check in the chain.
  if (meta.kind !== "external" || (meta.middlewares?.length ?? 0) > 0 || meta.roles !== undefined) return null;
  // type-graphql re-targets an inherited resolver method to the subclass in its own copy of the
  // metadata only; a resolver class in a hierarchy is left to it.
  if (Object.getPrototypeOf(meta.target) !== Function.prototype) return null;
  const params = [...(meta.params ?? [])].sort((a, b) => a.index - b.index);
  const readers = params.map(readerOf);
  if (readers.some((r) => r === null) || params.some((p, i) => p.index !== i)) return null;
  let instance = instances.get(meta.target);
  if (!instance) {
    // One instance per resolver class, as type-graphql's default container makes: a second one
    // beside the container's, which is why resolver classes hold no state.
    instance = new (meta.target as new () => object)();
    instances.set(meta.target, instance);
  }
  const method = (instance as Record<string, (...args: unknown[]) => unknown>)[meta.methodName];
  const bound = instance;
  const [a, b, c] = readers as ParamReader[];
  switch (readers.length) {
    case 1: return (root, args, context, info) => method.call(bound, a(root, args, context, info));
    case 2: return (root, args, context, info) => method.call(bound, a(root, args, context, info), b(root, args, context, info));
    case 3: return (root, args, context, info) => method.call(bound, a(root, args, context, info), b(root, args, context, info), c(root, args, context, info));
    default: return (root, args, context, info) => method.apply(bound, (readers as ParamReader[]).map((r) => r(root, args, context, info)));
  }
}

/**
 * The field metadata each object type's fields come from, as type-graphql's schema generator picks
 * them (the implemented interfaces' fields, then the type's own, the last of a name winning), so
 * that a field is matched to the field resolver type-graphql itself gave it.
 */
function fieldsOfObjectType(storage: Storage, objectType: Storage["objectTypes"][number]): Map<string, FieldMetadata> {
  const fields = new Map<string, FieldMetadata>();
  const interfaces = storage.interfaceTypes.filter((it) => objectType.interfaceClasses?.includes(it.target));
  for (const field of [...interfaces.flatMap((it) => it.fields ?? []), ...(objectType.fields ?? [])]) fields.set(field.schemaName, field);
  return fields;
}

/**
 * Replaces type-graphql's wrapper with a direct call on every eligible field resolver of the
 * schema's object types; returns the fields replaced ("Type.field"). Only for a schema built
 * without global middlewares, an auth checker, a global validateFn or a custom container
 * (buildCoopgraphSchema's). A method that took scalar arguments was called after a promise
 * (type-graphql validates arguments asynchronously even with validation off) and now is called at
 * once; graphql-js and graphql-jit take its value or its promise alike.
 */
export function callFieldResolversDirectly(schema: GraphQLSchema, resolverClasses: readonly ResolverClass[], storage: Storage = getMetadataStorage()): string[] {
  const instances = new Map<ResolverClass, object>();
  const replaced: string[] = [];
  // Metadata is matched to the schema's types by name: a name two classes share (a connection
  // class and the subclass that extends it) is left to type-graphql.
  const names = new Map<string, number>();
  for (const { name } of storage.objectTypes) names.set(name, (names.get(name) ?? 0) + 1);
  // An object type that extends another object type also gets that type's fields (type-graphql
  // merges them): not imitated here, so left to type-graphql. An object type extending an interface
  // class (Agency extends Actor) gets the interface's fields either way, as matched below.
  const objectClasses = new Set(storage.objectTypes.map((o) => o.target));
  const extendsObjectType = (target: ResolverClass) => {
    for (let c = Object.getPrototypeOf(target); c && c !== Function.prototype; c = Object.getPrototypeOf(c)) if (objectClasses.has(c)) return true;
    return false;
  };
  for (const objectType of storage.objectTypes) {
    if (names.get(objectType.name)! > 1 || extendsObjectType(objectType.target)) continue;
    const type = schema.getType(objectType.name);
    if (!isObjectType(type)) continue;
    const schemaFields = type.getFields();
    for (const [name, field] of fieldsOfObjectType(storage, objectType)) {
      const meta = storage.fieldResolvers.find((it) => (it.kind === "internal" || resolverClasses.includes(it.target))
        && it.getObjectType?.() === field.target && it.methodName === field.name);
      const resolve = meta && schemaFields[name] ? directResolver(meta, instances) : null;
      if (!resolve) continue;
      // Named, so that profiles and tests can tell it from type-graphql's wrapper.
      Object.defineProperty(resolve, "name", { value: `${DIRECT_PREFIX}${type.name}.${name}` });
      schemaFields[name].resolve = resolve;
      replaced.push(`${type.name}.${name}`);
    }
  }
  return replaced;
}
