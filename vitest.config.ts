import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // type-graphql is CommonJS: inline it so it and the tests share one copy of graphql...
    server: { deps: { inline: ["type-graphql"] } },
    // ...and make every importer (Vite resolves graphql's ESM build, Node its CommonJS one) use the one Node loads.
    alias: { graphql: require.resolve("graphql") },
    projects: [
      {
        extends: true,
        // Pure functions: no database, no server; `npx vitest run test/unit` runs them in seconds.
        test: { name: "unit", include: ["test/unit/**/*.test.ts"] },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: ["test/unit/**"],
          globalSetup: ["test/support/global-setup.ts"],
          // One Neo4j serves every test file; files run one after another so counts stay predictable.
          fileParallelism: false,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
