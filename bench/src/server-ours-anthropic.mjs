// Copilot Runtime on Anthropic: the Node binding + AnthropicAdapter (@anthropic-ai/sdk) + one server action,
// against the fake Anthropic server (the same answers as the OpenAI targets).
import { createServer } from "node:http";
import { AnthropicAdapter } from "@copilot-runtime/anthropic";
import { CopilotRuntime } from "@copilot-runtime/core";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";

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
// the client the adapter makes itself (its keep-alive node:http pool), as `ours` does for OpenAI
const serviceAdapter = new AnthropicAdapter({ apiKey: "sk-ant-bench", baseURL, maxRetries: 0, model: "claude-sonnet-4-5" });
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
