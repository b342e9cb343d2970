/** The pages' only way to data: the public GraphQL API, always with a named operation. */

export class ApiError extends Error {
  constructor(message: string, readonly code: string | undefined, readonly extensions: Record<string, unknown> = {}) {
    super(message);
  }
}

/** The operation name of a query document ("query Neighborhood(...)" -> "Neighborhood"). */
export function operationName(document: string): string {
  const match = /\b(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(document);
  if (!match) throw new Error("every query the pages send must be a named operation");
  return match[1];
}

export async function gql<T>(document: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ operationName: operationName(document), query: document, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  if (body.errors?.length) {
    const first = body.errors[0];
    throw new ApiError(first.message, first.extensions?.code as string | undefined, first.extensions ?? {});
  }
  return body.data as T;
}

/** A playground link that opens with this query (and its variables) in a new tab. */
export function playgroundLink(document: string, variables: Record<string, unknown> = {}): string {
  const params = new URLSearchParams({ query: document });
  if (Object.keys(variables).length) params.set("variables", JSON.stringify(variables, null, 2));
  return `/?${params}`;
}

/** Escapes text for innerHTML templates. */
export function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export const KIND_COLORS: Record<string, string> = {
  Agency: "#1f6fb2", Organization: "#d9822b", Person: "#8e44ad", Group: "#16a085", Project: "#c0392b",
  Event: "#7f8c8d", Country: "#2e8b57", Region: "#6b8e23", Theme: "#b7950b", Funding: "#34495e",
};

export function kindColor(kind: string): string {
  return KIND_COLORS[kind] ?? "#555";
}
