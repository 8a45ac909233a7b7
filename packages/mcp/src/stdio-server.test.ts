import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { normalizeAction, type MCPActionSource } from "@copilot-runtime/protocol";
import { mcpActionSource } from "./mcp-action-source.js";

const script = fileURLToPath(new URL("./fixtures/stdio-server.mjs", import.meta.url));
let source: MCPActionSource | undefined;
afterEach(async () => {
  await source?.close();
});

describe("a stdio server configured in code", () => {
  it("is started as a child process with its environment; its tools are actions", async () => {
    const errors: unknown[] = [];
    source = mcpActionSource({
      servers: [{ command: process.execPath, args: [script], env: { GREETING: "Bonjour" } }],
      onError: (error) => void errors.push(error),
    });
    const actions = await source.resolve({ request: undefined, properties: {}, url: undefined, reservedNames: new Set(["greet"]) });
    expect(errors).toEqual([]);
    // named after the command's file name when it clashes
    const name = `${process.execPath.split("/").pop()}_greet`;
    expect(actions.map((action) => action.name)).toEqual([name]);
    const greet = normalizeAction(actions[0]!);
    const context = { signal: new AbortController().signal, properties: {}, url: undefined, threadId: "t", runId: "r", toolCallId: "c" };
    // the child got its environment; env values count as secrets (they often hold keys), so an echo is redacted
    expect(await greet.invoke({ name: "Ada" }, context)).toBe("[redacted], Ada!");
  });

  it("a command that cannot start: no tools, reported", async () => {
    const errors: unknown[] = [];
    source = mcpActionSource({ servers: [{ command: "/nonexistent/mcp-server" }], onError: (error) => void errors.push(error) });
    expect(await source.resolve({ request: undefined, properties: {}, url: undefined, reservedNames: new Set() })).toEqual([]);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toMatch(/The MCP server "mcp-server"/);
  });
});
