// A misconfigured binding is refused when it is built, with a ConfigurationError
// (code `configuration_error`), not a TypeError from deep inside the first request.
import { CopilotRuntime } from "@copilot-runtime/core";
import { ConfigurationError } from "@copilot-runtime/protocol";
import { ScriptedAdapter } from "@copilot-runtime/testing";
import { describe, expect, it } from "vitest";
import { copilotRuntimeNodeHttpEndpoint } from "./node-http-endpoint.js";

function expectConfigurationError(build: () => unknown, message: string | RegExp): void {
  expect(build).toThrow(ConfigurationError);
  expect(build).toThrow(message);
  try {
    build();
  } catch (error) {
    expect((error as ConfigurationError).code).toBe("configuration_error");
  }
}

describe("copilotRuntimeNodeHttpEndpoint misconfiguration", () => {
  const serviceAdapter = new ScriptedAdapter({ respond: () => ({ text: "Hello!" }) });

  it("needs a runtime", () => {
    const message = "copilotRuntimeNodeHttpEndpoint needs a `runtime`: a CopilotRuntime instance.";
    expectConfigurationError(() => copilotRuntimeNodeHttpEndpoint({ serviceAdapter } as never), message);
    expectConfigurationError(() => copilotRuntimeNodeHttpEndpoint(undefined as never), message);
    expectConfigurationError(() => copilotRuntimeNodeHttpEndpoint({ runtime: {}, serviceAdapter } as never), message);
  });

  it("needs a string endpoint when one is given", () => {
    expectConfigurationError(
      () => copilotRuntimeNodeHttpEndpoint({ runtime: new CopilotRuntime(), serviceAdapter, endpoint: 42 as never }),
      'copilotRuntimeNodeHttpEndpoint: `endpoint` must be a path, e.g. "/api/copilotkit".',
    );
  });

  it("needs a service adapter", () => {
    expectConfigurationError(() => copilotRuntimeNodeHttpEndpoint({ runtime: new CopilotRuntime() } as never), /serviceAdapter/);
  });

  it("accepts a runtime and an adapter, with or without an endpoint", () => {
    const runtime = new CopilotRuntime();
    expect(typeof copilotRuntimeNodeHttpEndpoint({ runtime, serviceAdapter })).toBe("function");
    expect(typeof copilotRuntimeNodeHttpEndpoint({ runtime, serviceAdapter, endpoint: "/api/copilotkit" })).toBe("function");
  });
});
