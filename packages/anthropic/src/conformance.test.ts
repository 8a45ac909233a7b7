import Anthropic from "@anthropic-ai/sdk";
import { CopilotRuntime } from "@copilot-runtime/core";
import { createFakeAnthropic } from "@copilot-runtime/testing";
import { describeAdapterConformance } from "@copilot-runtime/testing/conformance";
import { AnthropicAdapter } from "./anthropic-adapter.js";

// @anthropic-ai/sdk 1.x sends API version 2026-10-21, which has no `temperature`.
describeAdapterConformance({
  name: "AnthropicAdapter (@anthropic-ai/sdk 1.x, API 2026-10-21)",
  startFake: createFakeAnthropic,
  createAdapter: (fake, apiKey) =>
    new AnthropicAdapter({ anthropic: new Anthropic({ apiKey, baseURL: fake.baseURL, maxRetries: 0 }), model: "claude-test-1" }),
  createRuntime: (options) => new CopilotRuntime(options),
  sendsTemperature: false,
});

// The client the adapter makes itself (apiKey, baseURL): its own keep-alive node:http pool instead of the global fetch.
describeAdapterConformance({
  name: "AnthropicAdapter with its own client (node:http)",
  startFake: createFakeAnthropic,
  createAdapter: (fake, apiKey) => new AnthropicAdapter({ apiKey, baseURL: fake.baseURL, maxRetries: 0, model: "claude-test-1" }),
  createRuntime: (options) => new CopilotRuntime(options),
  sendsTemperature: false,
});

describeAdapterConformance({
  name: "AnthropicAdapter (API 2023-06-01)",
  startFake: createFakeAnthropic,
  createAdapter: (fake, apiKey) =>
    new AnthropicAdapter({
      anthropic: new Anthropic({ apiKey, baseURL: fake.baseURL, maxRetries: 0 }),
      model: "claude-test-1",
      apiVersion: "2023-06-01",
    }),
  createRuntime: (options) => new CopilotRuntime(options),
});
