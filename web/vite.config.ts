/** The browser pages: a Vite multi-page app built into web/dist/ and served by the API. */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export default defineConfig({
  root: here("."),
  base: "/",
  publicDir: false,
  logLevel: "warn",
  build: {
    outDir: here("dist"),
    emptyOutDir: true,
    assetsDir: "assets",
    // The map's world atlas stays a separate file fetched from /assets/, not inlined into JS.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      input: {
        explore: here("explore/index.html"),
        map: here("map/index.html"),
        dashboard: here("dashboard/index.html"),
      },
    },
  },
  worker: { format: "es" },
});
