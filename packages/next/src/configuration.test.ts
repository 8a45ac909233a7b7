// A misconfigured binding is refused when it is built, with a ConfigurationError
// (code `configuration_error`), not a TypeError from deep inside the first request.
import { CopilotRuntime } from "@copilot-runtime/core";
import { ConfigurationError } from "@copilot-runtime/protocol";
import { ScriptedAdapter } from "@copilot-runtime/testing";
import { describe, expect, it } from "vitest";
import { copilotRuntimeNextJSAppRouterEndpoint } from "./app-router.js";
import { copilotRuntimeNextJSPagesRouterEndpoint } from "./pages-router.js";

function expectConfigurationError(build: () => unknown, message: string | RegExp): void {
  expect(build).toThrow(ConfigurationError);
  expect(build).toThrow(message);
  try {
    build();
  } catch (error) {
    expect((error as ConfigurationError).code).toBe("configuration_error");
  }
}

const serviceAdapter = new ScriptedAdapter({ respond: () => ({ text: "Hello!" }) });

describe.each([
  ["copilotRuntimeNextJSAppRouterEndpoint", copilotRuntimeNextJSAppRouterEndpoint],
  ["copilotRuntimeNextJSPagesRouterEndpoint", copilotRuntimeNextJSPagesRouterEndpoint],
] as const)("%s misconfiguration", (name, endpoint) => {
  it("needs a runtime", () => {
    const message = `${name} needs a \`runtime\`: a CopilotRuntime instance.`;
    expectConfigurationError(() => endpoint({ serviceAdapter, endpoint: "/api/copilotkit" } as never), message);
    expectConfigurationError(() => endpoint(undefined as never), message);
  });

  it("needs an endpoint", () => {
    expectConfigurationError(
      () => endpoint({ runtime: new CopilotRuntime(), serviceAdapter } as never),
      `${name} needs an \`endpoint\`, e.g. "/api/copilotkit".`,
    );
  });

  it("needs a service adapter", () => {
    expectConfigurationError(() => endpoint({ runtime: new CopilotRuntime(), endpoint: "/api/copilotkit" } as never), /serviceAdapter/);
  });
});
