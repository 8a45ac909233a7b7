// The published CopilotKit runtime, v2 API: BuiltInAgent (AI SDK) + the v2 fetch handler on Node.
process.env.COPILOTKIT_TELEMETRY_DISABLED = "true";
process.env.DO_NOT_TRACK = "1";
process.env.LOG_LEVEL = "error";
process.env.OPENAI_BASE_URL = process.argv[2];
process.env.OPENAI_API_KEY = "sk-bench";
const { createServer } = await import("node:http");
const { z } = await import("zod");
const { BuiltInAgent, CopilotRuntime, defineTool } = await import("@copilotkit/runtime/v2");
const { createCopilotNodeListener } = await import("@copilotkit/runtime/v2/node");

const agent = new BuiltInAgent({
  model: "openai/gpt-4o",
  maxSteps: 3,
  tools: [
    defineTool({
      name: "sayHello",
      description: "Says hello to someone.",
      parameters: z.object({ arg: z.string().describe("The name of the person to say hello to.") }),
      execute: async ({ arg }) => `Hello, ${arg}!`,
    }),
  ],
});
const runtime = new CopilotRuntime({ agents: { default: agent } });
const server = createServer(createCopilotNodeListener({ runtime, basePath: "/api/copilotkit" }));
server.listen(0, "127.0.0.1", () =>
  process.send?.({ ready: true, port: server.address().port, path: "/api/copilotkit/agent/default/run" }),
);

// the benchmark asks for a collection before it reads memory after load
process.on("message", (message) => {
  if (message !== "gc") return;
  globalThis.gc?.();
  process.send?.({ heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20 });
});
