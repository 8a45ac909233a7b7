import OpenAI, { AzureOpenAI } from "openai";
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

// The client the adapter makes itself (apiKey, baseURL): its own keep-alive node:http pool instead of the global fetch.
describeAdapterConformance({
  name: "OpenAIAdapter with its own client (node:http)",
  startFake: createFakeOpenAI,
  createAdapter: (fake, apiKey) => new OpenAIAdapter({ apiKey, baseURL: fake.baseURL, maxRetries: 0 }),
  createRuntime: (options) => new CopilotRuntime(options),
});

// Azure OpenAI through the `openai` package's AzureOpenAI client: the deployment URL, `api-version`, `api-key`.
describeAdapterConformance({
  name: "OpenAIAdapter + AzureOpenAI (deployment URL, api-version, api-key)",
  startFake: createFakeOpenAI,
  createAdapter: (fake, apiKey) =>
    new OpenAIAdapter({
      openai: new AzureOpenAI({ endpoint: fake.url, apiKey, apiVersion: "2024-10-21", maxRetries: 0 }),
      model: "my-gpt-4o-deployment",
    }),
  createRuntime: (options) => new CopilotRuntime(options),
});
