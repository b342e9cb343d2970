/**
 * The pages people open in a browser: the offline GraphiQL playground at / (and at /graphql when a
 * browser asks for HTML without a query) with its bundled assets under /playground/, and the
 * explorer, map and dashboard (/explore/, /map/, /dashboard/, built by Vite into web/dist/).
 */
import { readFile } from "node:fs/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { playgroundAsset, playgroundHtml } from "../playground/playground.js";
import { webFile } from "../web/web-assets.js";

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
  const servePage = async (request: FastifyRequest, reply: FastifyReply) => {
    const page = webFile(request.url.split("?")[0]!);
    if (!page) return reply.callNotFound();
    return reply.type(page.type).header("cache-control", page.immutable ? "public, max-age=31536000, immutable" : "no-cache").send(await readFile(page.file));
  };
  for (const route of ["/explore", "/explore/*", "/map", "/map/*", "/dashboard", "/dashboard/*", "/assets/*"]) app.get(route, servePage);
  app.get("/playground/*", async (request, reply) => {
    const asset = playgroundAsset(request.url.split("?")[0]!);
    if (!asset) return reply.callNotFound();
    return reply.type(asset.type).header("cache-control", "public, max-age=86400").send(asset.body);
  });
}
