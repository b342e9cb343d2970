import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // One Neo4j serves every test file; files run one after another so counts stay predictable.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
    // type-graphql is CommonJS: inline it so it and the tests share one copy of graphql.
    server: { deps: { inline: ["type-graphql"] } },
  },
});
