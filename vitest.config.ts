import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // One Neo4j serves every test file; files run one after another so counts stay predictable.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
    // type-graphql is CommonJS: inline it so it and the tests share one copy of graphql...
    server: { deps: { inline: ["type-graphql"] } },
    // ...and make every importer (Vite resolves graphql's ESM build, Node its CommonJS one) use the one Node loads.
    alias: { graphql: require.resolve("graphql") },
  },
});
