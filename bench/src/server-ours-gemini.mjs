// Copilot Runtime on Gemini: the Node binding + GoogleGenAIAdapter (@google/genai) + one server action,
// against the fake Gemini server (the same answers as the OpenAI targets).
import { createServer } from "node:http";
import { GoogleGenAI } from "@google/genai";
import { CopilotRuntime } from "@copilot-runtime/core";
import { GoogleGenAIAdapter } from "@copilot-runtime/google";
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
const serviceAdapter = new GoogleGenAIAdapter({
  genai: new GoogleGenAI({ apiKey: "gemini-bench-key", httpOptions: { baseUrl: baseURL } }),
  model: "gemini-2.5-flash",
});
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
