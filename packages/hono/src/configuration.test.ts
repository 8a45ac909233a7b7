// A misconfigured binding is refused when it is built, with a ConfigurationError
// (code `configuration_error`), not a TypeError from deep inside the first request.
import { CopilotRuntime } from "@copilot-runtime/core";
import { ConfigurationError } from "@copilot-runtime/protocol";
import { ScriptedAdapter } from "@copilot-runtime/testing";
import { describe, expect, it } from "vitest";
import { copilotRuntimeHonoEndpoint, createCopilotRuntimeHonoApp } from "./hono-endpoint.js";

function expectConfigurationError(build: () => unknown, message: string | RegExp): void {
  expect(build).toThrow(ConfigurationError);
  expect(build).toThrow(message);
  try {
    build();
  } catch (error) {
    expect((error as ConfigurationError).code).toBe("configuration_error");
  }
}

describe("copilotRuntimeHonoEndpoint misconfiguration", () => {
  const serviceAdapter = new ScriptedAdapter({ respond: () => ({ text: "Hello!" }) });

  it("needs a runtime", () => {
    const message = "copilotRuntimeHonoEndpoint needs a `runtime`: a CopilotRuntime instance.";
    expectConfigurationError(() => copilotRuntimeHonoEndpoint({ serviceAdapter, endpoint: "/api/copilotkit" } as never), message);
    expectConfigurationError(() => copilotRuntimeHonoEndpoint(undefined as never), message);
    expectConfigurationError(() => createCopilotRuntimeHonoApp({ serviceAdapter, endpoint: "/api/copilotkit" } as never), message);
  });

  it("needs an endpoint", () => {
    const message = 'copilotRuntimeHonoEndpoint needs an `endpoint`, e.g. "/api/copilotkit".';
    expectConfigurationError(() => copilotRuntimeHonoEndpoint({ runtime: new CopilotRuntime(), serviceAdapter } as never), message);
    expectConfigurationError(() => createCopilotRuntimeHonoApp({ runtime: new CopilotRuntime(), serviceAdapter } as never), message);
  });

  it("needs a service adapter", () => {
    expectConfigurationError(
      () => copilotRuntimeHonoEndpoint({ runtime: new CopilotRuntime(), endpoint: "/api/copilotkit" } as never),
      /serviceAdapter/,
    );
  });
});
