// What every package under packages/ needs so that CI builds, tests and typechecks it. turbo runs a task only in
// the packages whose package.json has that script: a package without `test` is skipped without a word, and CI
// stays green while its tests never run. `pnpm new:adapter <name>` writes all of it.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

interface PackageJson {
  name?: string;
  version?: string;
  private?: boolean;
  type?: string;
  main?: string;
  types?: string;
  exports?: Record<string, unknown>;
  files?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const packagesDir = join(import.meta.dirname, "..", "..");
const folders = readdirSync(packagesDir).filter((dir) => !dir.startsWith(".") && statSync(join(packagesDir, dir)).isDirectory());
const manifests = folders
  .filter((dir) => existsSync(join(packagesDir, dir, "package.json")))
  .map((dir) => [dir, JSON.parse(readFileSync(join(packagesDir, dir, "package.json"), "utf8")) as PackageJson] as const);
const REQUIRED_SCRIPTS = ["build", "test", "typecheck"] as const;

describe("workspace packages", () => {
  it("every folder under packages/ is a package (has a package.json)", () => {
    const without = folders.filter((dir) => !existsSync(join(packagesDir, dir, "package.json")));
    expect(without, "folders under packages/ without a package.json: pnpm and turbo ignore them").toEqual([]);
  });

  it.each(manifests)("%s has build, test and typecheck scripts, so turbo cannot skip it", (dir, manifest) => {
    const missing = REQUIRED_SCRIPTS.filter((script) => (manifest.scripts?.[script] ?? "").trim() === "");
    expect(missing, `packages/${dir}/package.json lacks scripts that turbo would skip without a word`).toEqual([]);
    expect(manifest.scripts?.test, `packages/${dir}: the test script runs vitest`).toMatch(/\bvitest run\b/);
  });

  it.each(manifests)("%s depends on the packages of this repository through workspace:", (dir, manifest) => {
    const internal = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }).filter(([name]) =>
      name.startsWith("@copilot-runtime/"),
    );
    for (const [name, range] of internal) expect(range, `packages/${dir} → ${name}`).toMatch(/^workspace:/);
  });

  it.each(manifests.filter(([, manifest]) => manifest.private !== true))("%s is publishable: ESM + CJS + types from dist", (dir, m) => {
    expect(m.name, dir).toMatch(/^@copilot-runtime\/[a-z0-9-]+$/);
    expect(m.version, dir).toMatch(/^\d+\.\d+\.\d+/);
    expect(m.type, dir).toBe("module");
    expect([m.main, m.types], dir).toEqual(["./dist/index.cjs", "./dist/index.d.ts"]);
    expect(Object.keys(m.exports ?? {}), dir).toEqual(expect.arrayContaining([".", "./package.json"]));
    expect(m.files, dir).toContain("dist");
  });
});
