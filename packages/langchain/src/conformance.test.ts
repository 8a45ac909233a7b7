import { ChatOpenAI } from "@langchain/openai";
import { CopilotRuntime } from "@copilot-runtime/core";
import { createFakeOpenAI } from "@copilot-runtime/testing";
import { describeAdapterConformance } from "@copilot-runtime/testing/conformance";
import { LangChainAdapter } from "./langchain-adapter.js";

// A real ChatOpenAI (@langchain/openai 1.5) against the fake OpenAI server.
describeAdapterConformance({
  name: "LangChainAdapter (ChatOpenAI)",
  startFake: createFakeOpenAI,
  createAdapter: (fake, apiKey) =>
    new LangChainAdapter({
      model: "gpt-4o-mini",
      chainFn: ({ messages, tools, parameters, signal }) =>
        new ChatOpenAI({
          model: "gpt-4o-mini",
          apiKey,
          configuration: { baseURL: fake.baseURL },
          maxRetries: 0,
          ...(parameters.temperature != null ? { temperature: parameters.temperature } : {}),
          ...(parameters.maxTokens != null ? { maxTokens: parameters.maxTokens } : {}),
        })
          .bindTools(tools)
          .stream(messages, { signal }),
    }),
  createRuntime: (options) => new CopilotRuntime(options),
});
