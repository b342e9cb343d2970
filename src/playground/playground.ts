/**
 * GraphiQL served from the project's own installed packages, so the playground works offline
 * (Apollo's default landing page loads from a CDN and is blank without internet).
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { EXAMPLE_QUERIES } from "./examples.js";

const require = createRequire(import.meta.url);

/** A file inside an installed package (whose "exports" may hide it from require.resolve). */
function packageFile(pkg: string, file: string): string {
  let dir = path.dirname(require.resolve(pkg));
  while (!fs.existsSync(path.join(dir, "package.json")) || path.basename(dir) !== pkg) dir = path.dirname(dir);
  return path.join(dir, file);
}

/** URL path -> file in node_modules. Nothing else is served under /playground/. */
export const PLAYGROUND_ASSETS: Record<string, { file: string; type: string }> = {
  "/playground/react.js": { file: packageFile("react", "umd/react.production.min.js"), type: "text/javascript" },
  "/playground/react-dom.js": { file: packageFile("react-dom", "umd/react-dom.production.min.js"), type: "text/javascript" },
  "/playground/graphiql.js": { file: packageFile("graphiql", "graphiql.min.js"), type: "text/javascript" },
  "/playground/graphiql.css": { file: packageFile("graphiql", "graphiql.min.css"), type: "text/css" },
};

const assetCache = new Map<string, Buffer>();

export function playgroundAsset(path: string): { body: Buffer; type: string } | null {
  const asset = PLAYGROUND_ASSETS[path];
  if (!asset) return null;
  let body = assetCache.get(path);
  if (!body) {
    body = fs.readFileSync(asset.file);
    assetCache.set(path, body);
  }
  return { body, type: asset.type };
}

/** JSON inside a <script> must not be able to close it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

export function playgroundHtml(endpoint: string): string {
  const tabs = EXAMPLE_QUERIES.map((e) => ({ query: e.query }));
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>coopgraph playground</title>
  <link rel="stylesheet" href="/playground/graphiql.css">
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading the playground…</div>
  <script src="/playground/react.js"></script>
  <script src="/playground/react-dom.js"></script>
  <script src="/playground/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: ${scriptJson(endpoint)} });
    const examples = ${scriptJson(tabs)};
    // /?query=...&variables=... (the web pages' "open in the playground" links) opens that query first.
    const shared = new URLSearchParams(location.search);
    const opened = shared.get("query") ? [{ query: shared.get("query"), variables: shared.get("variables") || undefined }] : [];
    const tabs = [...opened, ...examples];
    const root = ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: tabs[0].query,
      defaultTabs: tabs,
      ...(opened.length ? { query: opened[0].query, variables: opened[0].variables, storage: { getItem: () => null, setItem() {}, removeItem() {}, clear() {}, length: 0 } } : {}),
      defaultEditorToolsVisibility: true,
    }));
  </script>
</body>
</html>
`;
}
