// Copilot Runtime with the Redis run store: server-ours.mjs + RedisRunStore on the bench's own redis-server.
import { createServer } from "node:http";
import OpenAI from "openai";
import { CopilotRuntime } from "@copilot-runtime/core";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";
import { OpenAIAdapter } from "@copilot-runtime/openai";
import { RedisRunStore } from "@copilot-runtime/redis";

const [baseURL, redisUrl] = process.argv.slice(2);
const copilotRuntime = new CopilotRuntime({
  actions: [
    {
      name: "sayHello",
      description: "Says hello to someone.",
      parameters: [{ name: "arg", type: "string", description: "The name of the person to say hello to.", required: true }],
      handler: async ({ arg }) => `Hello, ${arg}!`,
    },
  ],
  runStore: new RedisRunStore({ url: redisUrl }),
  onError: ({ error, source }) => console.error(`[${source}]`, error instanceof Error ? error.message : error),
});
const serviceAdapter = new OpenAIAdapter({ openai: new OpenAI({ apiKey: "sk-bench", baseURL, maxRetries: 0 }), model: "gpt-4o" });
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
