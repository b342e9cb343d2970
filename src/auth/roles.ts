/**
 * Who may do what. Credentials are API keys given in COOPGRAPH_API_KEYS ("role:key,role:key"),
 * sent as `Authorization: Bearer <key>`. Roles are ordered: admin > editor > reader.
 *   reader  reads (needed only when COOPGRAPH_READ_ACCESS=key; reads are open by default)
 *   editor  creates, updates and merges facts
 *   admin   also deletes entities and runs imports through the API
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { GraphQLError } from "graphql";
import { ConfigError } from "../config/config.js";

export const ROLES = ["reader", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];
export type Caller = Role | "anonymous";

const RANK: Record<Caller, number> = { anonymous: 0, reader: 1, editor: 2, admin: 3 };

export function atLeast(caller: Caller, needed: Role): boolean {
  return RANK[caller] >= RANK[needed];
}

const digest = (key: string) => createHash("sha256").update(key).digest();

export class ApiKeys {
  private readonly keys: { hash: Buffer; role: Role }[];

  constructor(spec: string) {
    this.keys = spec.split(",").map((s) => s.trim()).filter(Boolean).map((entry) => {
      const [role, ...rest] = entry.split(":");
      const key = rest.join(":");
      if (!ROLES.includes(role as Role) || key.length < 16) {
        throw new ConfigError(`COOPGRAPH_API_KEYS entries are role:key with a role among ${ROLES.join(", ")} and a key of 16+ characters; "${role}:…" is not`);
      }
      return { hash: digest(key), role: role as Role };
    });
  }

  /** The caller's role from an Authorization header; a wrong key is an error, no key is anonymous. */
  callerFor(authorization: string | undefined): Caller {
    return authorization ? this.keyFor(authorization).role : "anonymous";
  }

  /**
   * Which configured key a header holds, as the key's digest (hex): the same for every spelling of
   * the header ("bearer", extra spaces), so that rate limits count the key, not the header.
   */
  keyDigestFor(authorization: string): string {
    return this.keyFor(authorization).hash.toString("hex");
  }

  private keyFor(authorization: string): { hash: Buffer; role: Role } {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated("the Authorization header must be \"Bearer <api key>\"");
    const hash = digest(match[1]!);
    const found = this.keys.find((k) => timingSafeEqual(k.hash, hash));
    if (!found) throw unauthenticated("this API key is not valid");
    return found;
  }
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "FORBIDDEN", http: { status: 403 } } });
}

/** Throws the right error when the caller lacks the role. */
export function requireRole(caller: Caller, needed: Role, action: string): void {
  if (atLeast(caller, needed)) return;
  if (caller === "anonymous") throw unauthenticated(`${action} needs an API key with the ${needed} role (Authorization: Bearer <key>)`);
  throw forbidden(`${action} needs the ${needed} role; this key has the ${caller} role`);
}
