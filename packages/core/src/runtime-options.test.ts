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
    ["telemetry without startRun", { telemetry: {} }, /`telemetry` must implement RuntimeTelemetry/],
    ["agents that are an array", { agents: [] }, /`agents` must be an object of AG-UI agents by id/],
    ["an agent that is not an AG-UI agent", { agents: { research: { url: "http://x" } } }, /`agents`.research must be an AG-UI agent/],
    ["an agent that is null", { agents: { research: null } }, /`agents`.research must be an AG-UI agent/],
    ["an empty agent id", { agents: { "": { run: () => [] } } }, /agent id "" must be non-empty and contain no "\/"/],
    ["an agent id with a slash", { agents: { "a/b": { run: () => [] } } }, /agent id "a\/b" must be non-empty/],
  ])("%s", (_name, options, message) => {
    const make = () => new CopilotRuntime(options as CopilotRuntimeOptions);
    expect(make).toThrow(ConfigurationError);
    expect(make).toThrow(message);
  });

  it("a handler or a run without a service adapter", async () => {
    const runtime = new CopilotRuntime();
    expect(() => runtime.handler({} as never)).toThrow(ConfigurationError);
    expect(() => runtime.handler({} as never)).toThrow(
      "handler() needs a serviceAdapter (e.g. new OpenAIAdapter()), or the runtime needs `agents`.",
    );
    expect(() => runtime.handler({ serviceAdapter: {} as never })).toThrow("handler() needs a serviceAdapter with a stream() method");
    await expect(runtime.process({ input: runInput() } as never).next()).rejects.toThrow(ConfigurationError);
    expect(() => new CopilotRuntime({ agents: {} }).handler({})).toThrow(
      "handler() needs a serviceAdapter (e.g. new OpenAIAdapter()): `agents` is empty.",
    );
  });

  it("a runtime with only remote agents needs no service adapter", () => {
    expect(new CopilotRuntime({ agents: { research: { run: () => [] as never } } }).handler({})).toBeTypeOf("function");
    expect(new CopilotRuntime({ agents: () => ({}) }).handler({})).toBeTypeOf("function");
  });

  it("an agents function that returns no object, when a request needs the agents: a JSON 500", async () => {
    const runtime = new CopilotRuntime({ agents: () => [] as never });
    const response = await runtime.handler({ basePath: "/api" })(new Request("http://localhost/api/info"));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: "configuration_error",
      message: "The `agents` function's result must be an object of AG-UI agents by id, e.g. { research: new HttpAgent({ url }) }.",
    });
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
