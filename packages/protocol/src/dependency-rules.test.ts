// The package layout's rules (dependencies point down the package table of the root README; an LLM SDK or a
// framework is a peer of its one package), checked on every package.json of the repository.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const packagesDir = join(import.meta.dirname, "..", "..");
// (a folder without a package.json fails the workspace packages test)
const packages = new Map<string, PackageJson>(
  readdirSync(packagesDir)
    .filter((dir) => existsSync(join(packagesDir, dir, "package.json")))
    .map((dir) => [dir, JSON.parse(readFileSync(join(packagesDir, dir, "package.json"), "utf8")) as PackageJson]),
);
const deps = (dir: string) => Object.keys(packages.get(dir)?.dependencies ?? {}).toSorted();
const peers = (dir: string) => Object.keys(packages.get(dir)?.peerDependencies ?? {}).toSorted();

/**
 * Vendor SDKs and frameworks: the ones named here, and every package some package of ours takes as a peer (a new
 * adapter's SDK, `pnpm new:adapter <name> --sdk <package>`, counts as soon as its package.json declares it).
 */
const VENDOR_SDKS = [
  ...new Set([
    "openai",
    "@anthropic-ai/sdk",
    "@google/genai",
    "@google/generative-ai",
    "@langchain/core",
    "express",
    "next",
    "hono",
    ...[...packages.keys()].flatMap((dir) => peers(dir).filter((name) => !name.startsWith("@copilot-runtime/"))),
  ]),
];

/** LLM adapters: the packages that run the adapter conformance suite (every adapter does, the scaffold's included). */
const adapters = [...packages.keys()].filter((dir) => {
  const test = join(packagesDir, dir, "src", "conformance.test.ts");
  return existsSync(test) && readFileSync(test, "utf8").includes("describeAdapterConformance");
});

describe("dependency rules", () => {
  it("protocol depends on AG-UI's core and zod only", () => {
    expect(deps("protocol")).toEqual(["@ag-ui/core", "zod"]);
  });

  it("core depends on protocol only: no LLM SDK, no framework", () => {
    expect(deps("core")).toEqual(["@copilot-runtime/protocol"]);
  });

  it.each([
    ["openai", ["openai"]],
    ["anthropic", ["@anthropic-ai/sdk"]],
    ["google", ["@google/genai", "@google/generative-ai"]],
    ["langchain", ["@langchain/core"]],
  ])("the %s adapter depends on protocol (and an SSE parser) only and takes its SDK as a peer", (dir, sdks) => {
    expect(deps(dir).filter((name) => name !== "eventsource-parser")).toEqual(["@copilot-runtime/protocol"]);
    expect(peers(dir)).toEqual(sdks);
  });

  it("every LLM adapter (a package running the adapter conformance suite) depends on protocol (and an SSE parser) only", () => {
    expect(adapters).toEqual(expect.arrayContaining(["openai", "anthropic", "google", "langchain"]));
    for (const dir of adapters) {
      expect(deps(dir), dir).toContain("@copilot-runtime/protocol");
      for (const name of deps(dir)) expect(["@copilot-runtime/protocol", "eventsource-parser"], `${dir} → ${name}`).toContain(name);
    }
  });

  it("no published package carries a vendor SDK or a framework as a dependency", () => {
    for (const [dir, pkg] of packages) {
      for (const name of Object.keys(pkg.dependencies ?? {})) expect(VENDOR_SDKS, `${dir} → ${name}`).not.toContain(name);
    }
  });

  it("the LangServe bridge uses plain fetch: protocol and an SSE parser, no LangChain", () => {
    expect(deps("langserve")).toEqual(["@copilot-runtime/protocol", "eventsource-parser"]);
    expect(peers("langserve")).toEqual([]);
  });

  it("OpenTelemetry is the otel package's peer, and only its: core loads no telemetry code", () => {
    expect(deps("otel")).toEqual(["@copilot-runtime/protocol"]);
    expect(peers("otel")).toEqual(["@opentelemetry/api"]);
    for (const [dir, pkg] of packages) {
      if (dir === "otel") continue;
      const runtime = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
      expect(
        runtime.filter((name) => name.startsWith("@opentelemetry/")),
        dir,
      ).toEqual([]);
    }
  });

  it("the MCP bridge depends on protocol only and takes the MCP SDK as an (optional) peer", () => {
    expect(deps("mcp")).toEqual(["@copilot-runtime/protocol"]);
    expect(peers("mcp")).toEqual(["@modelcontextprotocol/sdk"]);
    expect(VENDOR_SDKS).toContain("@modelcontextprotocol/sdk");
  });

  it("core loads the LangServe and MCP bridges on demand: optional peers, never dependencies", () => {
    expect(peers("core")).toEqual(["@copilot-runtime/langserve", "@copilot-runtime/mcp"]);
  });

  it("the ready middleware depend on protocol only", () => {
    expect(deps("middleware")).toEqual(["@copilot-runtime/protocol"]);
  });

  it("the node binding depends on core (and protocol for types) only", () => {
    expect(deps("node")).toEqual(["@copilot-runtime/core", "@copilot-runtime/protocol"]);
  });

  it.each([
    ["express", ["express"]],
    ["hono", ["hono"]],
    ["next", ["next"]],
  ])("the %s binding takes its framework as a peer and pulls in no other", (dir, framework) => {
    expect(peers(dir)).toEqual(framework);
    for (const name of deps(dir)) expect(name.startsWith("@copilot-runtime/"), `${dir} → ${name}`).toBe(true);
  });
});
