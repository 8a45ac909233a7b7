// The runtime both routes serve. The LLM is whatever adapter the test put on
// globalThis (the binding suite's test adapter, in the same process).
import { CopilotRuntime } from "@copilot-runtime/core";
import { BINDING_SUITE_KEEP_ALIVE_MS, BINDING_SUITE_MAX_BODY } from "@copilot-runtime/testing/conformance";

export const copilotRuntime = new CopilotRuntime({ maxBodyBytes: BINDING_SUITE_MAX_BODY, keepAliveMs: BINDING_SUITE_KEEP_ALIVE_MS });

export const serviceAdapter = {
  provider: "binding-test",
  model: "binding-test",
  stream: (request) => globalThis.__copilotRuntimeTestAdapter.stream(request),
};
