/** Settings from the environment: defaults, and values refused with a message naming the variable. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadServerConfig } from "../../src/config/config.js";

describe("server settings", () => {
  it("gives timeouts and limits their defaults, the export its own longer timeout", () => {
    const cfg = loadServerConfig({});
    expect(cfg.queryTimeoutMs).toBe(5000);
    expect(cfg.exportTimeoutMs).toBe(300_000);
    expect(loadServerConfig({ EXPORT_TIMEOUT_MS: "60000" }).exportTimeoutMs).toBe(60_000);
  });

  it("refuses 0 where it would mean no limit at all (Neo4j reads a 0 timeout as none) or a busy loop", () => {
    for (const name of ["QUERY_TIMEOUT_MS", "EXPORT_TIMEOUT_MS", "GRAPHQL_MAX_DEPTH", "GRAPHQL_MAX_COST", "BODY_LIMIT_BYTES", "ANALYTICS_TIMEOUT_MS", "GRAPH_VERSION_POLL_MS"]) {
      expect(() => loadServerConfig({ [name]: "0" }), name).toThrow(ConfigError);
      expect(() => loadServerConfig({ [name]: "0" }), name).toThrow(`${name} must be an integer of at least 1, got "0"`);
    }
    // Where 0 means something (limits off, any free port), it stays allowed.
    expect(loadServerConfig({ RATE_LIMIT_PER_MINUTE: "0" }).rateLimitPerMinute).toBe(0);
    expect(loadServerConfig({ PORT: "0" }).port).toBe(0);
    expect(() => loadServerConfig({ QUERY_TIMEOUT_MS: "-5" })).toThrow("QUERY_TIMEOUT_MS must be an integer of at least 1");
  });
});
