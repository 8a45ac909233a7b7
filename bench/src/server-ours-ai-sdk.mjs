// Copilot Runtime through the AI SDK bridge: the Node binding + AISDKAdapter over @ai-sdk/openai's Chat Completions model
// (the same fake, the same answers as server-ours.mjs, which uses the native OpenAIAdapter) + one server action.
import { createServer } from "node:http";
import { createOpenAI } from "@ai-sdk/openai";
import { CopilotRuntime } from "@copilot-runtime/core";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";
import { AISDKAdapter } from "@copilot-runtime/ai-sdk";

const baseURL = process.argv[2];
const copilotRuntime = new CopilotRuntime({
  actions: [
    {
      name: "sayHello",
      description: "Says hello to someone.",
      parameters: [{ name: "arg", type: "string", description: "The name of the person to say hello to.", required: true }],
      handler: async ({ arg }) => `Hello, ${arg}!`,
    },
  ],
});
const serviceAdapter = new AISDKAdapter({ model: createOpenAI({ apiKey: "sk-bench", baseURL }).chat("gpt-4o") });
const server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime: copilotRuntime, serviceAdapter, endpoint: "/api/copilotkit" }));
server.listen(0, "127.0.0.1", () =>
  process.send?.({ ready: true, port: server.address().port, path: "/api/copilotkit/agent/default/run" }),
);

// the benchmark asks for a collection before it reads memory after load
process.on("message", (message) => {
  if (message !== "gc") return;
  globalThis.gc?.();
  process.send?.({ heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20 });
});
