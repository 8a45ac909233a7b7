import { describe, expect, it } from "vitest";
import { ConfigurationError } from "@copilot-runtime/protocol";
import { loadMCP } from "./mcp-loader.js";

describe("loadMCP", () => {
  it("says which package to install when the bridge is missing", async () => {
    const error = await loadMCP({ servers: [] }, "@copilot-runtime/mcp-not-installed").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe("The `mcpServers` option needs the @copilot-runtime/mcp package: npm i @copilot-runtime/mcp");
  });

  it("rejects a module that is not the bridge", async () => {
    await expect(loadMCP({ servers: [] }, "node:path")).rejects.toThrow(/does not export mcpActionSource/);
  });
});
