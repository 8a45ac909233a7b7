import OpenAI from "openai";
import { CopilotRuntime } from "@copilot-runtime/core";
import { createFakeOpenAI } from "@copilot-runtime/testing";
import { describeAdapterConformance } from "@copilot-runtime/testing/conformance";
import { OpenAIAdapter } from "./openai-adapter.js";

describeAdapterConformance({
  name: "OpenAIAdapter (openai 6.x)",
  startFake: createFakeOpenAI,
  createAdapter: (fake, apiKey) => new OpenAIAdapter({ openai: new OpenAI({ apiKey, baseURL: fake.baseURL, maxRetries: 0 }) }),
  createRuntime: (options) => new CopilotRuntime(options),
});
