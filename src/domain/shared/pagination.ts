/**
 * Relay connections with keyset cursors. A cursor holds the sort key and the id of the last item
 * seen (and the sort, for a list with several), so the next page starts with an index seek after
 * it: page 500 costs what page 1 costs.
 */
import { Field, Int, ObjectType, type ClassType } from "type-graphql";
import { ErrorCode, userError } from "./errors.js";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export type CursorKey = [value: string | number, id: string];

/**
 * `scope`: what the key's value is, for a list that sorts in more than one way (projects: "NAME ASC");
 * the cursor carries it, and a cursor of another scope is refused: its value means nothing in this order.
 */
/** The scope of a cursor of a list sorted by `field` in `direction` ("NAME ASC"). */
export function sortScope(field: string, direction: string): string {
  return `${field} ${direction}`;
}

export function encodeCursor(key: CursorKey, scope?: string): string {
  return Buffer.from(JSON.stringify(scope === undefined ? key : [...key, scope])).toString("base64url");
}

export function decodeCursor(cursor: string, scope?: string): CursorKey {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
  } catch {
    // refused below
  }
  if (Array.isArray(key) && key.length === (scope === undefined ? 2 : 3) && ["string", "number"].includes(typeof key[0]) && typeof key[1] === "string") {
    if (scope === undefined || key[2] === scope) return [key[0], key[1]] as CursorKey;
    if (typeof key[2] === "string") {
      throw userError(`this cursor was issued for the list sorted by ${key[2]}, not by ${scope}: pass the sort it was issued for, or start again without "after"`,
        ErrorCode.BAD_USER_INPUT, { cursorSort: key[2], sort: scope });
    }
  }
  // An earlier release's project cursors carried no sort: say so, rather than "not one this API issued".
  if (scope !== undefined && Array.isArray(key) && key.length === 2 && typeof key[1] === "string") {
    throw userError(`this cursor was issued by an earlier version of the API, before cursors carried their sort: start again without "after"`,
      ErrorCode.BAD_USER_INPUT, { cursorSort: null, sort: scope });
  }
  throw userError(`"${cursor}" is not a cursor this API issued; pass an edge's cursor or pageInfo.endCursor`);
}

export function pageSize(first: number | undefined | null, fallback = DEFAULT_PAGE_SIZE): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw userError(`first must be between 0 and ${MAX_PAGE_SIZE}, got ${size}`, ErrorCode.BAD_USER_INPUT, { max: MAX_PAGE_SIZE });
  }
  return size;
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => Boolean, { description: "Always false: these connections page forward only." }) hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface Edge<T> {
  readonly cursor: string;
  readonly node: T;
}

/** An edge whose cursor is encoded when read: most pages are asked for nodes, not every edge's cursor. */
class KeyedEdge<T> implements Edge<T> {
  constructor(readonly node: T, private readonly keyOf: (row: T) => CursorKey, private readonly scope?: string) {}
  get cursor(): string {
    return encodeCursor(this.keyOf(this.node), this.scope);
  }
}

export interface ConnectionValue<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** Computed only when asked for (totalCount): counting a large filtered set has a cost of its own. */
  countAll: () => Promise<number>;
}

/** Builds a page from rows fetched with LIMIT size + 1 (the extra row tells if there is a next page). */
export function toConnection<T>(rows: T[], size: number, keyOf: (row: T) => CursorKey, totalCount: () => Promise<number>, scope?: string): ConnectionValue<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => new KeyedEdge(node, keyOf, scope));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    countAll: totalCount,
  };
}

/** The GraphQL classes of a connection: `<Name>Connection` and `<Name>Edge`. */
export function connectionTypes<T extends object>(nodeType: ClassType<T> | (() => unknown), name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType {
    @Field(() => String) cursor!: string;
    @Field(nodeType as () => ClassType<T>) node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionType {
    @Field(() => [EdgeType]) edges!: EdgeType[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    countAll!: () => Promise<number>;
    // A resolver of its own, not a function value left for graphql-js's default resolver to call:
    // graphql-jit reads a field without a resolver as a plain property.
    @Field(() => Int, { description: "How many items match, over all pages." })
    totalCount(): Promise<number> {
      return this.countAll();
    }
  }
  return ConnectionType;
}
