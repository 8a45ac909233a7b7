import { describe, expect, it } from "vitest";
import { ConfigurationError } from "@copilot-runtime/protocol";
import { loadLangServe } from "./langserve-loader.js";

describe("loadLangServe", () => {
  it("says which package to install when the bridge is missing", async () => {
    const error = await loadLangServe([], "@copilot-runtime/langserve-not-installed").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      "The `langserve` option needs the @copilot-runtime/langserve package: npm i @copilot-runtime/langserve",
    );
  });

  it("rejects a module that is not the bridge", async () => {
    await expect(loadLangServe([], "node:path")).rejects.toThrow(/does not export langServeActionSource/);
  });
});
