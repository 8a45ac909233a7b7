import { defineConfig, type Options } from "tsup";

/** The build every published package shares: ESM + CJS + .d.ts for Node 20. */
export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    ...overrides,
  });
}
