import { describe, expect, it } from "vitest";
import { ConfigurationError, type ActionDefinition } from "@copilot-runtime/protocol";
import { ScriptedAdapter } from "@copilot-runtime/testing";
import { CopilotRuntime } from "./copilot-runtime.js";
import type { CopilotRuntimeOptions } from "./runtime-options.js";
import { runInput } from "./test-helpers.js";

const hello: ActionDefinition = { name: "hello", handler: () => "hi" };

describe("every misconfiguration is a ConfigurationError naming the option", () => {
  it.each<[string, unknown, RegExp]>([
    ["options that are not an object", "fast", /options must be an object/],
    ["properties that are not a plain object", { properties: [] }, /`properties` must be a plain object/],
    ["a provider timeout of zero", { providerTimeoutMs: 0 }, /providerTimeoutMs must be a positive number/],
    ["maxSteps of zero", { maxSteps: 0 }, /maxSteps must be a positive integer, got 0/],
    ["a fractional maxSteps", { maxSteps: 1.5 }, /maxSteps must be a positive integer, got 1.5/],
    ["a negative body limit", { maxBodyBytes: -1 }, /maxBodyBytes must be a positive integer/],
    ["a limit of zero messages", { limits: { maxMessages: 0 } }, /limits.maxMessages must be a positive integer/],
    ["a run store without begin()", { runStore: {} }, /`runStore` must implement RunStore/],
    ["an unknown onClientDisconnect", { onClientDisconnect: "ignore" }, /onClientDisconnect must be "abort" or "continue", got "ignore"/],
    ["actions that are neither an array nor a function", { actions: { hello } }, /`actions` must be an array of actions or a function/],
    ["langserve chains that are not an array", { langserve: { chainUrl: "http://x" } }, /`langserve` must be an array/],
    ["mcpServers that are neither an array nor a function", { mcpServers: { endpoint: "http://x" } }, /`mcpServers` must be an array/],
    ["a createMCPClient that is not a function", { mcpServers: [], createMCPClient: {} }, /`createMCPClient` must be a function/],
    ["mcpOptions that are not an object", { mcpServers: [], mcpOptions: [] }, /`mcpOptions` must be a plain object/],
    ["two actions with one name", { actions: [hello, hello] }, /Two actions are named "hello"/],
    ["an action without a handler", { actions: [{ name: "broken" }] }, /Action "broken" has no handler function/],
  ])("%s", (_name, options, message) => {
    const make = () => new CopilotRuntime(options as CopilotRuntimeOptions);
    expect(make).toThrow(ConfigurationError);
    expect(make).toThrow(message);
  });

  it("a handler or a run without a service adapter", async () => {
    const runtime = new CopilotRuntime();
    expect(() => runtime.handler({} as never)).toThrow(ConfigurationError);
    expect(() => runtime.handler({} as never)).toThrow("handler() needs a serviceAdapter (e.g. new OpenAIAdapter()).");
    await expect(runtime.process({ input: runInput() } as never).next()).rejects.toThrow(ConfigurationError);
  });

  it("an actions function that returns no array, when a run needs the actions: a JSON 500 before streaming", async () => {
    const runtime = new CopilotRuntime({ actions: () => ({ hello }) as never });
    const handler = runtime.handler({ serviceAdapter: new ScriptedAdapter(), basePath: "/api" });
    const response = await handler(
      new Request("http://localhost/api/agent/default/run", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(runInput()),
      }),
    );
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: "configuration_error",
      message: "The `actions` function must return an array of actions.",
    });
  });
});
