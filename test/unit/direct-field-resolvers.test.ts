/**
 * Field resolvers called directly (src/graphql/direct-field-resolvers.ts): which fields get them,
 * that they pass the method what type-graphql's wrapper would, and which parameters keep the wrapper.
 */
import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { buildSchema, GraphQLInputObjectType, GraphQLInt, isObjectType, type GraphQLObjectType, type GraphQLResolveInfo } from "graphql";
import { buildCoopgraphSchema } from "../../src/graphql/schema.js";
import { DIRECT_PREFIX, callFieldResolversDirectly, directResolver } from "../../src/graphql/direct-field-resolvers.js";
import { RESOLVERS } from "../../src/graphql/schema.js";

const info = {} as GraphQLResolveInfo;

async function field(type: string, name: string) {
  const t = (await buildCoopgraphSchema()).getType(type);
  if (!isObjectType(t)) throw new Error(`${type} is not an object type`);
  return t.getFields()[name]!;
}

describe("the schema's direct field resolvers", () => {
  it("cover the fields a page of projects with participants resolves per row", async () => {
    for (const [type, name] of [["Project", "participants"], ["Participation", "actor"], ["Agency", "basedIn"], ["Organization", "basedIn"], ["Agency", "participations"], ["Project", "countries"]]) {
      expect((await field(type!, name!)).resolve?.name).toBe(`${DIRECT_PREFIX}${type}.${name}`);
    }
  });

  it("keeps type-graphql's wrapper for a method of the object type itself (connections' totalCount)", async () => {
    expect((await field("ProjectConnection", "totalCount")).resolve?.name).not.toMatch(/^direct /);
  });

  it("names what it replaced", async () => {
    const replaced = callFieldResolversDirectly(await buildCoopgraphSchema(), RESOLVERS);
    expect(replaced).toEqual(expect.arrayContaining(["Project.participants", "Participation.actor", "Agency.basedIn", "Person.basedIn"]));
  });

  it("pass root, context and scalar arguments in the method's order", async () => {
    const calls: unknown[][] = [];
    const ctx = { repos: { projects: { participants: (...args: unknown[]) => (calls.push(args), ["loaded"]) } } };
    const participants = (await field("Project", "participants")).resolve!;
    const ahead = [{ role: "funder", actorId: "organization:idb" }];
    // Looked ahead and no role filter: the rows the page brought.
    expect(participants({ id: "project:a", lookaheadParticipants: ahead }, {}, ctx, info)).toBe(ahead);
    // A role filter: the repository, with the project's id and the roles as given.
    expect(participants({ id: "project:a", lookaheadParticipants: ahead }, { roles: ["funder"] }, ctx, info)).toEqual(["loaded"]);
    expect(calls).toEqual([["project:a", ["funder"]]]);
    const actor = (await field("Participation", "actor")).resolve!;
    const unodc = { id: "organization:unodc", nodeType: "Organization" };
    expect(actor({ actorId: "organization:unodc", actor: unodc }, {}, ctx, info)).toBe(unodc);
  });
});


describe("callFieldResolversDirectly's matching of metadata to the schema's types", () => {
  class Resolver {
    owner(root: { owner: string }) {
      return root.owner;
    }
  }
  class Base {}
  class Page extends Base {}
  class Other {}
  const schema = () => buildSchema("type Page { owner: String } type Other { owner: String } type Query { page: Page }");
  const field = (target: object) => ({ name: "owner", schemaName: "owner", target });
  const resolverOn = (objectClass: object) => ({
    kind: "external", target: Resolver, methodName: "owner", schemaName: "owner", getObjectType: () => objectClass,
    params: [{ kind: "root", target: Resolver, methodName: "owner", index: 0, propertyName: undefined, getType: undefined }],
  });
  const storage = (objectTypes: object[], fieldResolvers: object[]) => ({ objectTypes, interfaceTypes: [], fieldResolvers }) as never;

  it("replaces the field of the type the resolver is for", () => {
    const s = schema();
    const replaced = callFieldResolversDirectly(s, [Resolver], storage([{ name: "Other", target: Other, fields: [field(Other)] }], [resolverOn(Other)]));
    expect(replaced).toEqual(["Other.owner"]);
    expect((s.getType("Other") as GraphQLObjectType).getFields().owner!.resolve!({ owner: "UNODC" }, {}, {}, info)).toBe("UNODC");
  });

  it("leaves alone a type whose name two classes share, and a type extending an object type", () => {
    class OtherPage {}
    const twoNamed = storage([{ name: "Page", target: OtherPage, fields: [field(OtherPage)] }, { name: "Page", target: Other, fields: [field(Other)] }], [resolverOn(Other)]);
    expect(callFieldResolversDirectly(schema(), [Resolver], twoNamed)).toEqual([]);
    const extending = storage([{ name: "Base", target: Base, fields: [] }, { name: "Page", target: Page, fields: [field(Page)] }], [resolverOn(Page)]);
    expect(callFieldResolversDirectly(schema(), [Resolver], extending)).toEqual([]);
  });

  it("leaves alone a resolver class the schema was not built with", () => {
    expect(callFieldResolversDirectly(schema(), [], storage([{ name: "Other", target: Other, fields: [field(Other)] }], [resolverOn(Other)]))).toEqual([]);
  });
});

describe("directResolver's eligibility", () => {
  class Target {
    method(...args: unknown[]) {
      return args;
    }
  }
  const base = { kind: "external" as const, target: Target, methodName: "method", schemaName: "method", complexity: undefined };
  // As reflected for a root typed by an interface or a type alias (ActorRow, ProjectRow): no class.
  const root = { kind: "root" as const, target: Target, methodName: "method", index: 0, propertyName: undefined, getType: undefined };
  const ctx = { kind: "context" as const, target: Target, methodName: "method", index: 1, propertyName: undefined };
  const arg = (getType: () => unknown, extra: object = {}) => ({
    kind: "arg" as const, target: Target, methodName: "method", index: 2, name: "first", description: undefined, deprecationReason: undefined,
    getType, typeOptions: {}, validateSettings: undefined, validateFn: undefined, ...extra,
  });
  const make = (meta: object) => directResolver({ ...base, ...meta } as never, new Map());

  it("calls the method with root, context and a scalar argument", () => {
    const resolve = make({ params: [ctx, root, arg(() => GraphQLInt)] })!;
    expect(resolve({ id: 1 }, { first: 5 }, { user: "u" }, info)).toEqual([{ id: 1 }, { user: "u" }, 5]);
  });

  it("reads a named property of the root or the context", () => {
    const resolve = make({ params: [{ ...root, propertyName: "id" }, { ...ctx, propertyName: "user" }] })!;
    expect(resolve({ id: 7 }, {}, { user: "u" }, info)).toEqual([7, "u"]);
  });

  it("leaves to type-graphql what its wrapper does more than pass values", () => {
    const input = new GraphQLInputObjectType({ name: "Filter", fields: { q: { type: GraphQLInt } } });
    expect(make({ params: [root, ctx], middlewares: [() => undefined] })).toBeNull();
    expect(make({ params: [root, ctx], roles: [] })).toBeNull(); // @Authorized() without roles
    expect(make({ params: [root, ctx, arg(() => input)] })).toBeNull();
    expect(make({ params: [root, ctx, arg(() => class FilterInput {})] })).toBeNull();
    expect(make({ params: [root, ctx, arg(() => GraphQLInt, { validateFn: () => undefined })] })).toBeNull();
    expect(make({ params: [{ ...root, getType: () => class Row {} }] })).toBeNull(); // copied into a class instance
    expect(make({ params: [{ ...root, getType: () => Object }] })).toBeNull(); // any reflected type: left to type-graphql
    expect(make({ params: [{ kind: "custom", target: Target, methodName: "method", index: 0, resolver: () => 1, options: {} }] })).toBeNull();
    expect(make({ kind: "internal", params: [root] })).toBeNull();
    expect(make({ target: class SubResolver extends Target {}, params: [root] })).toBeNull(); // inherited methods are re-targeted by type-graphql only
  });
});
