/**
 * A generator of hostile HTTP traffic for a GraphQL endpoint, and a runner that checks how the
 * server answers it. Used by the hardening test (a few thousand operations) and by
 * `npm run hostile -- --url http://127.0.0.1:4000/ --count 10000` against a running API.
 *
 * Each case is a raw HTTP request: huge strings, deep nesting, alias, token, directive, fragment
 * and batch bombs, wrong variable types, wrong content types and methods, malformed and oversized
 * bodies, bad headers. fast-check draws the sizes and mutations from a seed, so a run repeats.
 */
import http from "node:http";
import fc from "fast-check";

export interface HostileRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface HostileOutcome {
  kind: string;
  status: number;
  /** Set when the connection was reset or closed without an answer. */
  transportError?: string;
  /** Errors in the body without `extensions.code`. */
  uncoded: number;
  body: string;
}

const JSON_HEADERS = { "content-type": "application/json", accept: "application/graphql-response+json, application/json" };

const post = (kind: string, payload: unknown, headers: Record<string, string> = JSON_HEADERS): HostileRequest => ({
  kind, method: "POST", path: "/graphql", headers, body: typeof payload === "string" ? payload : JSON.stringify(payload),
});

const nest = (depth: number, open: string, close: string, inner = "id") => open.repeat(depth) + inner + close.repeat(depth);

/** Every family of hostile request, each drawing its sizes from fast-check. */
const FAMILIES: fc.Arbitrary<HostileRequest>[] = [
  fc.integer({ min: 10_000, max: 900_000 }).map((n) => post("huge string literal", { query: `{ search(text: "${"x".repeat(n)}") { id } }` })),
  fc.integer({ min: 10_000, max: 900_000 }).map((n) => post("huge variable", { query: "query($t: String!) { search(text: $t) { id } }", variables: { t: "é".repeat(n / 2) } })),
  fc.integer({ min: 20, max: 4000 }).map((d) => post("deep selection", { query: `{ ${nest(d, "projects { edges { node { ", " } } } ")} }` })),
  fc.integer({ min: 100, max: 5000 }).map((d) => post("brace bomb", { query: "{".repeat(d) })),
  // Written out as text: JSON.stringify itself would overflow the stack on such a value.
  fc.integer({ min: 100, max: 20_000 }).map((d) => post("deep variable value",
    `{"query":"query($f: ProjectFilter) { projects(filter: $f) { totalCount } }","variables":{"f":{"involvingAll":${nest(d, "[", "]", "\"x\"")}}}}`)),
  fc.integer({ min: 16, max: 3000 }).map((n) => post("alias bomb", { query: `{ ${Array.from({ length: n }, (_, i) => `a${i}: themes { id }`).join(" ")} }` })),
  fc.integer({ min: 5001, max: 60_000 }).map((n) => post("token bomb", { query: `{ themes { ${"id ".repeat(n)} } }` })),
  fc.integer({ min: 21, max: 3000 }).map((n) => post("directive bomb", { query: `{ themes { id ${"@include(if: true) ".repeat(n)} } }` })),
  fc.integer({ min: 2, max: 30 }).map((n) => post("fragment fan-out", {
    query: `{ projects { edges { node { ...F0 } } } } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Project { id ${i + 1 < n ? `participants { actor { participations { edges { node { project { ...F${i + 1} } } } } } }` : ""} }`).join(" ")}`,
  })),
  fc.constant(post("fragment cycle", { query: "{ themes { ...A } } fragment A on Theme { ...B } fragment B on Theme { ...A }" })),
  fc.integer({ min: 2, max: 2000 }).map((n) => post("batch bomb", Array.from({ length: n }, () => ({ query: "{ themes { id } }" })))),
  fc.oneof(
    fc.constant({ first: "abc" }), fc.constant({ first: 1e308 }), fc.constant({ first: -5 }), fc.constant({ first: 2 ** 53 }),
    fc.constant({ first: null }), fc.constant({ first: [1, 2] }), fc.constant({ first: { $gt: 1 } }), fc.constant("not an object"),
  ).map((variables) => post("wrong variable type", { query: "query($first: Int!) { projects(first: $first) { totalCount } }", variables })),
  fc.oneof(
    fc.constant({ query: 123 }), fc.constant({ query: null }), fc.constant({ query: "{ themes { id } }", operationName: {} }),
    fc.constant({ query: "{ themes { id } }", extensions: [] }), fc.constant({}), fc.constant([]), fc.constant("\"just a string\""),
    fc.constant({ query: "query A { themes { id } } query B { themes { name } }" }), fc.constant({ query: "query A { themes { id } }", operationName: "Nope" }),
    fc.constant({ query: "mutation { deleteEntity(id: \"organization:unodc\") { id } }" }),
    fc.constant({ query: "subscription { x }" }), fc.constant({ query: "{ __typename @skip }" }),
  ).map((payload) => post("wrong shape", payload)),
  fc.oneof(
    fc.constant("{"), fc.constant("{\"query\": \"{ themes { id } }\""), fc.constant("\u0000\u0001"), fc.constant("null"), fc.constant(""),
    fc.string({ maxLength: 200 }),
  ).map((body) => post("malformed JSON", body)),
  fc.constantFrom("text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/graphql", "", "application/json; charset=latin1", "x/y;;;=;")
    .map((type) => post("wrong content type", JSON.stringify({ query: "{ themes { id } }" }), type ? { "content-type": type } : {})),
  fc.integer({ min: 1_100_000, max: 5_000_000 }).map((n) => post("oversized body", { query: "{ themes { id } }", variables: { pad: "x".repeat(n) } })),
  fc.constantFrom("PUT", "DELETE", "PATCH").map((method) => ({ kind: "wrong method", method, path: "/graphql", headers: JSON_HEADERS, body: "{}" })),
  fc.constantFrom("/graphql?query=%7B", "/graphql?query=mutation%7BdeleteEntity(id:%22x%22)%7Bid%7D%7D", "/graphql?variables=%7B", "/export?format=exe",
    "/export?involving=" + "x".repeat(5000), "/%00", "/graphql/../etc/passwd", "/playground/../../package.json", "/export?from=abcd", "/health/ready?x=%ff")
    .map((path) => ({ kind: `hostile GET ${path.slice(0, 60)}`, method: "GET", path, headers: { "apollo-require-preflight": "1" } })),
  fc.constantFrom("Bearer ", "Basic abc", "Bearer " + "k".repeat(5000), "Bearer a b c").map((authorization) => ({
    kind: "bad credentials", method: "POST", path: "/graphql", headers: { ...JSON_HEADERS, authorization }, body: JSON.stringify({ query: "{ themes { id } }" }),
  })),
];

/** `count` hostile requests, the families in turn, sizes drawn from `seed`. */
export function hostileRequests(count: number, seed = 42): HostileRequest[] {
  const perFamily = Math.ceil(count / FAMILIES.length);
  const samples = FAMILIES.map((family, i) => fc.sample(family, { seed: seed + i, numRuns: perFamily }));
  const out: HostileRequest[] = [];
  for (let i = 0; out.length < count; i++) out.push(samples[i % FAMILIES.length]![Math.floor(i / FAMILIES.length)]!);
  return out;
}

/** Errors without a code; an error answer (4xx/5xx) must carry at least one coded error. */
function uncodedErrors(body: string, status: number): number {
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] };
    const errors = parsed.errors ?? [];
    if (status >= 400 && !errors.length) return 1;
    return errors.filter((e) => typeof e.extensions?.code !== "string").length;
  } catch {
    return status >= 400 ? 1 : 0;
  }
}

/** Sends one raw request (Node's http, so that oversized and malformed bodies go out as they are). */
export function send(base: URL, req: HostileRequest, timeoutMs = 30_000): Promise<HostileOutcome> {
  return new Promise((resolve) => {
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
    const headers: Record<string, string | number> = { ...req.headers };
    if (body) headers["content-length"] = body.length;
    const outgoing = http.request({ host: base.hostname, port: base.port, method: req.method, path: req.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ kind: req.kind, status: res.statusCode ?? 0, uncoded: uncodedErrors(text, res.statusCode ?? 0), body: text.slice(0, 300) });
      });
      res.on("error", (err) => resolve({ kind: req.kind, status: res.statusCode ?? 0, transportError: err.message, uncoded: 0, body: "" }));
    });
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on("error", (err) => resolve({ kind: req.kind, status: 0, transportError: err.message, uncoded: 0, body: "" }));
    outgoing.end(body);
  });
}

export interface HostileSummary {
  sent: number;
  byStatus: Record<string, number>;
  serverErrors: HostileOutcome[];
  transportErrors: HostileOutcome[];
  uncoded: HostileOutcome[];
}

/** Sends the requests with `concurrency` in flight and sums up the answers. */
export async function runHostile(baseUrl: string, requests: HostileRequest[], concurrency = 8): Promise<HostileSummary> {
  const base = new URL(baseUrl);
  const outcomes: HostileOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests.length) outcomes.push(await send(base, requests[next++]!));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const byStatus: Record<string, number> = {};
  for (const o of outcomes) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
  return {
    sent: outcomes.length,
    byStatus,
    serverErrors: outcomes.filter((o) => o.status >= 500),
    transportErrors: outcomes.filter((o) => o.transportError),
    uncoded: outcomes.filter((o) => o.uncoded > 0),
  };
}
