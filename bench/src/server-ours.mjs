// Copilot Runtime: the Node binding + OpenAIAdapter + one server action.
import { createServer } from "node:http";
import OpenAI from "openai";
import { CopilotRuntime } from "@copilot-runtime/core";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";
import { OpenAIAdapter } from "@copilot-runtime/openai";

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
// the adapter's own client (its keep-alive node:http pool), or with "client" the app's `new OpenAI()` (the global fetch)
const serviceAdapter =
  process.argv[3] === "client"
    ? new OpenAIAdapter({ openai: new OpenAI({ apiKey: "sk-bench", baseURL, maxRetries: 0 }), model: "gpt-4o" })
    : new OpenAIAdapter({ apiKey: "sk-bench", baseURL, maxRetries: 0, model: "gpt-4o" });
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
