/**
 * Registered operations: a manifest of the operations a deployment's dashboards send, made by
 * `npm run operations:register -- <folder of .graphql files>` (each checked against the schema).
 * With GRAPHQL_PERSISTED_ONLY=true only these run: a client sends the full text or just its
 * SHA-256 (the automatic-persisted-queries extension); anything else is refused with
 * PERSISTED_QUERY_NOT_ALLOWED once it is parsed (before it runs). Turn introspection off in this
 * mode (GRAPHQL_INTROSPECTION=false): it also stops validation errors from suggesting field names.
 */
import { hash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import { PROJECT_ROOT } from "../config/config.js";
import type { Context } from "./context.js";

export const MANIFEST_FILE = path.join(PROJECT_ROOT, "operations", "registered.json");

export interface RegisteredOperation {
  name: string;
  file: string;
  query: string;
}

export type Manifest = Record<string, RegisteredOperation>;

export const sha256 = (text: string) => hash("sha256", text);

export function readManifest(file = MANIFEST_FILE): Manifest {
  if (!fs.existsSync(file)) return {};
  return JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
}

function notAllowed(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "PERSISTED_QUERY_NOT_ALLOWED", http: { status: 400 } } });
}

const NOT_REGISTERED = "this server runs registered operations only (GRAPHQL_PERSISTED_ONLY); register the operation with `npm run operations:register`";

/** For a subscription started over WebSocket (no Apollo plugin sees it): null when its text is registered. */
export function unregistered(manifest: Manifest, query: string): GraphQLError | null {
  return manifest[sha256(query)] ? null : notAllowed(NOT_REGISTERED);
}

/**
 * A hash the manifest knows is turned into its text before Apollo's persisted-query step; the
 * check itself runs once the operation is resolved (errors thrown there become clean 400s).
 */
export function persistedOnly(manifest: Manifest): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      const hash = (request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
      if (request.query === undefined && typeof hash === "string" && manifest[hash]) request.query = manifest[hash].query;
      return {
        async didResolveOperation({ request: resolved }) {
          const refused = resolved.query === undefined ? notAllowed(NOT_REGISTERED) : unregistered(manifest, resolved.query);
          if (refused) throw refused;
        },
      };
    },
  };
}
