// The App Router path must load on the Edge runtime: bundled for the browser
// platform (no Node builtins), it must build without any `node:` module.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("App Router path", () => {
  it("bundles without Node builtins (Edge runtime compatible)", async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL("./app-router.ts", import.meta.url))],
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      logLevel: "silent",
      // the runtime itself is bundled too: core, protocol, @ag-ui/core, zod
      mainFields: ["module", "main"],
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).toContain("copilotRuntimeNextJSAppRouterEndpoint");
    expect(code).not.toMatch(/from\s*["']node:|require\(["']node:/);
  });
});
