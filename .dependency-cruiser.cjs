/**
 * The architecture rules `npm run lint` checks (dependency-cruiser). The layers, lowest first:
 *   config <- db, auth <- model <- ingest <- domain <- export, seed <- graphql <- main, cli
 * A folder may use the folders below it, never one above: a top-level folder cycle fails the lint.
 * Imports are TypeScript NodeNext specifiers ("./x.js" for "./x.ts"), resolved through tsconfig.json.
 */
module.exports = {
  forbidden: [
    {
      name: "no-folder-cycles",
      comment: "Top-level folders of src/ must not depend on each other both ways (directly or round a longer loop).",
      severity: "error",
      scope: "folder",
      from: { path: "^src/[^/]+/?$" },
      to: { circular: true, path: "^src/[^/]+/?$" },
    },
    {
      name: "domain-reaches-ingest-through-its-seam",
      comment: "The domain writes through src/ingest/index.ts only, so the write path can change behind one door.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { path: "^src/ingest/", pathNot: "^src/ingest/index\\.ts$" },
    },
    {
      name: "lower-layers-stay-below",
      comment: "config, db, auth and model know nothing of what is built on them.",
      severity: "error",
      from: { path: "^src/(config|db|auth|model)/" },
      to: { path: "^src/(ingest|domain|export|seed|graphql|playground|synthetic|cli)/|^src/main\\.ts$" },
    },
    {
      name: "not-to-unresolvable",
      comment: "Every relative import resolves (a moved file with a stale import fails here, not at run time).",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist)/" },
    enhancedResolveOptions: { extensions: [".ts", ".js"], exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
