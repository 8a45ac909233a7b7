// The Next.js examples in the READMEs compile, alone and together with
// `export const runtime = "edge"`, and the App Router one is, byte for byte,
// the route file `next build` builds and serves in next-server.test.ts.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), "utf8");
const nextReadme = read("../README.md");
const rootReadme = read("../../../README.md");

/** The first ```ts block after `heading`. */
function codeBlockAfter(markdown: string, heading: string): string {
  const start = markdown.indexOf(heading);
  expect(start, `no "${heading}"`).toBeGreaterThanOrEqual(0);
  const block = /```ts\n([\s\S]*?)```/.exec(markdown.slice(start));
  expect(block, `no ts code block after "${heading}"`).not.toBeNull();
  return block![1]!;
}

/** Type errors of these files, as if they sat in packages/next/test/ of this repository (so the packages resolve). */
function typeErrors(sources: Record<string, string>): string[] {
  const files = Object.fromEntries(
    Object.entries(sources).map(([name, text]) => [fileURLToPath(new URL(`../test/${name}`, import.meta.url)), text]),
  );
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
    types: ["node"],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    isolatedModules: true,
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (name) => name in files || fileExists.call(host, name);
  host.readFile = (name) => files[name] ?? readFile.call(host, name);
  host.getSourceFile = (name, language, ...rest) =>
    name in files ? ts.createSourceFile(name, files[name]!, language) : getSourceFile.call(host, name, language, ...rest);
  const program = ts.createProgram(Object.keys(files), options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file ? `${diagnostic.file.fileName.split("/").pop()}: ` : "";
    return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  });
}

describe("the Next.js examples in the READMEs", () => {
  const appRouter = codeBlockAfter(nextReadme, "## App Router");
  const pagesRouter = codeBlockAfter(nextReadme, "## Pages Router");
  const migration = codeBlockAfter(rootReadme, "## Point an existing CopilotKit app at Copilot Runtime");

  it("the App Router example is the route file the `next build` test builds and serves", () => {
    expect(appRouter).toContain('export const runtime = "edge";');
    expect(read("../test/app/app/api/copilotkit/[[...slug]]/route.ts")).toBe(appRouter);
  });

  it("name the CopilotRuntime `copilotRuntime`, leaving `runtime` to Next.js", () => {
    for (const code of [appRouter, pagesRouter, migration]) {
      expect(code).toContain("const copilotRuntime = new CopilotRuntime(");
      expect(code).toContain("runtime: copilotRuntime,");
    }
  });

  it('type-check, the root README\'s route also with `export const runtime = "edge"` added', () => {
    expect(
      typeErrors({
        "readme-app-router.ts": appRouter,
        "readme-pages-router.ts": pagesRouter,
        "readme-migration.ts": migration,
        "readme-migration-edge.ts": `${migration}\nexport const runtime = "edge";\n`,
      }),
    ).toEqual([]);
  });

  it("the check catches the name clash the examples avoid", () => {
    const clash = migration.replaceAll("copilotRuntime", "runtime").replace("runtime: runtime", "runtime");
    expect(typeErrors({ "readme-clash.ts": `${clash}\nexport const runtime = "edge";\n` }).join("\n")).toMatch(
      /Cannot redeclare block-scoped variable 'runtime'/,
    );
  });
});
