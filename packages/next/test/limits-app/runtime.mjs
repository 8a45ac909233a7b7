// The runtime the routes serve, with the default maxBodyBytes (4 MiB). The LLM is whatever adapter the
// test put on globalThis (in the same process), and every route takes the suite's short body limits.
import { CopilotRuntime } from "@copilot-runtime/core";

export const copilotRuntime = new CopilotRuntime();

export const serviceAdapter = {
  provider: "binding-test",
  model: "binding-test",
  stream: (request) => globalThis.__copilotRuntimeTestAdapter.stream(request),
};

// BODY_LIMITS_SUITE_LIMITS of @copilot-runtime/testing/conformance, which the Edge route cannot import
// (it loads node:net); body-limits.test.ts checks that they are the same.
export const limits = { bodyTimeoutMs: 2_000, discardMaxBytes: 40 * 1024 * 1024, discardTimeoutMs: 3_000 };
