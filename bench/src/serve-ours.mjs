// What every Copilot Runtime target of the bench shares: the server action, the OpenAI adapter as `ours` configures
// it, and the server around a runtime (ready message over IPC, a GC on request for the memory reading).
import { createServer } from "node:http";
import OpenAI from "openai";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";
import { OpenAIAdapter } from "@copilot-runtime/openai";

/** The one server action every scenario may call. */
export const SAY_HELLO = {
  name: "sayHello",
  description: "Says hello to someone.",
  parameters: [{ name: "arg", type: "string", description: "The name of the person to say hello to.", required: true }],
  handler: async ({ arg }) => `Hello, ${arg}!`,
};

/**
 * `OpenAIAdapter` on the fake: the client the adapter makes (`{ apiKey, baseURL }`, its keep-alive node:http pool), or
 * with `appClient` the app's own `new OpenAI()` (the global fetch).
 */
export function openaiAdapter(baseURL, { appClient = false } = {}) {
  return appClient
    ? new OpenAIAdapter({ openai: new OpenAI({ apiKey: "sk-bench", baseURL, maxRetries: 0 }), model: "gpt-4o" })
    : new OpenAIAdapter({ apiKey: "sk-bench", baseURL, maxRetries: 0, model: "gpt-4o" });
}

/** Serves a runtime on a free port and tells the bench (IPC) where, with `ready` extras (request headers to send…). */
export function serve(copilotRuntime, serviceAdapter, ready = {}) {
  const server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime: copilotRuntime, serviceAdapter, endpoint: "/api/copilotkit" }));
  server.listen(0, "127.0.0.1", () =>
    process.send?.({ ready: true, port: server.address().port, path: "/api/copilotkit/agent/default/run", ...ready }),
  );
  // the benchmark asks for a collection before it reads memory after load
  process.on("message", (message) => {
    if (message !== "gc") return;
    globalThis.gc?.();
    process.send?.({ heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20 });
  });
  return server;
}
