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

/** What the Ask box sends: the reading, the operation it ran, the answer and its citations. */
export const ASK_OPERATION = `query AskBox($question: String!) {
  ask(question: $question) {
    understood language
    interpretation { intent description operation variables }
    resolvedReferences { text id name type matchedBy }
    answer { summary count items { id name type detail } }
    citations { about quote sourceTitle }
    notUnderstood { reason unknownWords closest { description operation variables } }
  }
}`;

/**
 * The Ask box: plain DOM, every value written with textContent (never as HTML). "Open in the editor"
 * puts the operation it ran, with its variables, into a new GraphiQL tab.
 */
const ASK_SCRIPT = `
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, attrs || {});
    for (const c of children) if (c != null) node.append(c);
    return node;
  }
  async function ask(question) {
    const out = document.getElementById("ask-result");
    out.replaceChildren(el("p", { textContent: "…" }));
    out.hidden = false;
    let body;
    try {
      const res = await fetch(ENDPOINT, { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: ASK_OPERATION, variables: { question } }) });
      body = await res.json();
    } catch (err) {
      out.replaceChildren(el("p", { className: "ask-error", textContent: String(err) }));
      return;
    }
    if (body.errors && body.errors.length) {
      const e = body.errors[0];
      out.replaceChildren(el("p", { className: "ask-error", textContent: (e.extensions && e.extensions.code ? e.extensions.code + ": " : "") + e.message }));
      return;
    }
    const a = body.data.ask;
    const parts = [];
    if (a.understood) {
      parts.push(el("p", { className: "ask-summary", textContent: a.answer.summary }));
      parts.push(el("p", { className: "ask-reading", textContent: a.interpretation.description + " (" + a.resolvedReferences.map((m) => m.text + " = " + m.name + ", " + m.matchedBy).join("; ") + ")" }));
      const variables = JSON.stringify(a.interpretation.variables, null, 2);
      parts.push(el("pre", { className: "ask-operation", textContent: a.interpretation.operation + "\\n\\n# variables\\n" + variables }));
      const open = el("button", { type: "button", className: "ask-open", textContent: "Open in the editor" });
      open.addEventListener("click", () => renderGraphiQL({ query: a.interpretation.operation, variables }));
      parts.push(open);
      if (a.answer.items.length) parts.push(el("ul", {}, ...a.answer.items.slice(0, 50).map((i) => el("li", { textContent: i.name + (i.detail ? " — " + i.detail : "") }))));
      if (a.citations.length) parts.push(el("details", {}, el("summary", { textContent: a.citations.length + " citation(s)" }),
        ...a.citations.slice(0, 50).map((c) => el("blockquote", { textContent: "“" + c.quote + "” — " + (c.sourceTitle || "") }))));
    } else {
      const nu = a.notUnderstood;
      parts.push(el("p", { className: "ask-not-understood", textContent: (a.language === "ES" ? "No entendí la pregunta: " : "Not understood: ") + nu.reason }));
      if (nu.closest.length) parts.push(el("p", { textContent: a.language === "ES" ? "Lecturas más cercanas (no ejecutadas):" : "Closest readings (not run):" }),
        el("ul", {}, ...nu.closest.map((c) => el("li", { textContent: c.description }))));
    }
    out.replaceChildren(...parts);
  }
  document.getElementById("ask-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const question = document.getElementById("ask-question").value;
    ask(question);
  });
`;

export function playgroundHtml(endpoint: string): string {
  const tabs = EXAMPLE_QUERIES.map((e) => ({ query: e.query }));
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>coopgraph playground</title>
  <link rel="stylesheet" href="/playground/graphiql.css">
  <style>
    body { margin: 0; height: 100vh; display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
    #ask { padding: 6px 10px; border-bottom: 1px solid #ddd; background: #fafafa; }
    #ask-form { display: flex; gap: 6px; }
    #ask-question { flex: 1; padding: 4px 6px; font-size: 14px; }
    #ask-result { max-height: 38vh; overflow: auto; font-size: 13px; }
    #ask-result pre { background: #f0f0f0; padding: 6px; overflow: auto; }
    .ask-error, .ask-not-understood { color: #a00; }
    #graphiql { flex: 1; min-height: 0; }
  </style>
</head>
<body>
  <div id="ask">
    <form id="ask-form">
      <label for="ask-question">Ask</label>
      <input id="ask-question" name="question" maxlength="500" placeholder="Which programs involved UNODC and Peru? / ¿Qué programas involucraron a la ONUDD y a Perú?">
      <button id="ask-submit" type="submit">Ask</button>
    </form>
    <div id="ask-result" hidden></div>
  </div>
  <div id="graphiql">Loading the playground…</div>
  <script src="/playground/react.js"></script>
  <script src="/playground/react-dom.js"></script>
  <script src="/playground/graphiql.js"></script>
  <script>
    const ENDPOINT = ${scriptJson(endpoint)};
    const ASK_OPERATION = ${scriptJson(ASK_OPERATION)};
    const fetcher = GraphiQL.createFetcher({ url: ENDPOINT });
    const tabs = ${scriptJson(tabs)};
    const root = ReactDOM.createRoot(document.getElementById("graphiql"));
    // /?query=...&variables=... (the web pages' "open in the playground" links) opens that query first.
    const shared = new URLSearchParams(location.search);
    const opened = shared.get("query") ? { query: shared.get("query"), variables: shared.get("variables") || undefined } : undefined;
    const noStorage = { getItem: () => null, setItem() {}, removeItem() {}, clear() {}, length: 0 };
    let renders = 0;
    function renderGraphiQL(first) {
      const all = first ? [first, ...tabs] : tabs;
      root.render(React.createElement(GraphiQL, {
        key: String(renders++),
        fetcher,
        defaultQuery: all[0].query,
        defaultTabs: all,
        defaultEditorToolsVisibility: true,
        ...(first ? { query: first.query, variables: first.variables, storage: noStorage } : {}),
      }));
    }
    renderGraphiQL(opened);
    ${ASK_SCRIPT}
  </script>
</body>
</html>
`;
}
