// A misconfigured binding is refused when it is built, with a ConfigurationError
// (code `configuration_error`), not a TypeError from deep inside the first request.
import { CopilotRuntime } from "@copilot-runtime/core";
import { ConfigurationError } from "@copilot-runtime/protocol";
import { ScriptedAdapter } from "@copilot-runtime/testing";
import { describe, expect, it } from "vitest";
import { copilotRuntimeExpressEndpoint } from "./express-endpoint.js";

function expectConfigurationError(build: () => unknown, message: string | RegExp): void {
  expect(build).toThrow(ConfigurationError);
  expect(build).toThrow(message);
  try {
    build();
  } catch (error) {
    expect((error as ConfigurationError).code).toBe("configuration_error");
  }
}

describe("copilotRuntimeExpressEndpoint misconfiguration", () => {
  const serviceAdapter = new ScriptedAdapter({ respond: () => ({ text: "Hello!" }) });

  it("needs a runtime", () => {
    const message = "copilotRuntimeExpressEndpoint needs a `runtime`: a CopilotRuntime instance.";
    expectConfigurationError(() => copilotRuntimeExpressEndpoint({ serviceAdapter, endpoint: "/api/copilotkit" } as never), message);
    expectConfigurationError(() => copilotRuntimeExpressEndpoint(undefined as never), message);
  });

  it("needs an endpoint", () => {
    expectConfigurationError(
      () => copilotRuntimeExpressEndpoint({ runtime: new CopilotRuntime(), serviceAdapter } as never),
      'copilotRuntimeExpressEndpoint needs an `endpoint`, e.g. "/api/copilotkit".',
    );
  });

  it("needs a service adapter", () => {
    expectConfigurationError(
      () => copilotRuntimeExpressEndpoint({ runtime: new CopilotRuntime(), endpoint: "/api/copilotkit" } as never),
      /serviceAdapter/,
    );
  });
});
