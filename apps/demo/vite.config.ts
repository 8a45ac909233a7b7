import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The demo page: built into dist/web and served by the demo server next to the runtime.
export default defineConfig({
  root: fileURLToPath(new URL("./web", import.meta.url)),
  build: { outDir: fileURLToPath(new URL("./dist/web", import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  esbuild: { jsx: "automatic" },
  logLevel: "error",
});
