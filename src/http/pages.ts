/**
 * The pages people open in a browser: the offline GraphiQL playground at / (and at /graphql when a
 * browser asks for HTML without a query) with its bundled assets under /playground/.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { playgroundAsset, playgroundHtml } from "../playground/playground.js";

function wantsPlayground(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? "";
  return request.method === "GET" && accept.includes("text/html") && !request.url.includes("query=");
}

export function registerPages(app: FastifyInstance): void {
  const html = playgroundHtml("/graphql");
  app.get("/", async (_request, reply) => reply.type("text/html; charset=utf-8").send(html));
  app.addHook("onRequest", async (request, reply) => {
    if (request.url.split("?")[0] === "/graphql" && wantsPlayground(request)) {
      return reply.type("text/html; charset=utf-8").send(html);
    }
  });
  app.get("/playground/*", async (request, reply) => {
    const asset = playgroundAsset(request.url.split("?")[0]!);
    if (!asset) return reply.callNotFound();
    return reply.type(asset.type).header("cache-control", "public, max-age=86400").send(asset.body);
  });
}
