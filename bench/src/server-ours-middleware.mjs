// Copilot Runtime behind the middleware a deployment puts in front of it: server-ours.mjs + cors() + bearerAuth() +
// rateLimit() from @copilot-runtime/middleware. The load generator sends `Authorization: Bearer bench-token` and an
// `Origin`, and checks that the CORS and rate-limit headers came back.
import { createServer } from "node:http";
import OpenAI from "openai";
import { CopilotRuntime } from "@copilot-runtime/core";
import { bearerAuth, cors, rateLimit } from "@copilot-runtime/middleware";
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
  middleware: [
    cors({ origin: ["https://app.example.com"], credentials: true }),
    bearerAuth({ verify: (token) => (token === "bench-token" ? { id: "bench-user" } : null) }),
    // one user, counted per request, never over the limit: what counting costs, not what refusing does
    rateLimit({ limit: 1_000_000_000, windowMs: 60_000 }),
  ],
});
const serviceAdapter = new OpenAIAdapter({ openai: new OpenAI({ apiKey: "sk-bench", baseURL, maxRetries: 0 }), model: "gpt-4o" });
const server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime: copilotRuntime, serviceAdapter, endpoint: "/api/copilotkit" }));
server.listen(0, "127.0.0.1", () =>
  process.send?.({
    ready: true,
    port: server.address().port,
    path: "/api/copilotkit/agent/default/run",
    headers: { authorization: "Bearer bench-token", origin: "https://app.example.com" },
    expectHeaders: ["access-control-allow-origin", "ratelimit-remaining"],
  }),
);

// the benchmark asks for a collection before it reads memory after load
process.on("message", (message) => {
  if (message !== "gc") return;
  globalThis.gc?.();
  process.send?.({ heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20 });
});
