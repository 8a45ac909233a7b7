// The published CopilotKit runtime, v2 API: BuiltInAgent (AI SDK) + the v2 fetch handler on Node.
// BuiltInAgent takes a model string ("openai/gpt-4o": `createOpenAI(...)(model)`, which is the OpenAI *Responses* API
// in @ai-sdk/openai 3) or a ready AI SDK LanguageModel. To put it on the same API as ours (Chat Completions), it is
// given `createOpenAI({ baseURL, apiKey }).chat("gpt-4o")`, built with the @ai-sdk/openai copy CopilotKit itself
// resolves. The second argument "responses" serves the model string instead (the Responses API, CopilotKit's default).
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

process.env.COPILOTKIT_TELEMETRY_DISABLED = "true";
process.env.DO_NOT_TRACK = "1";
process.env.LOG_LEVEL = "error";
const [baseURL, api = "chat"] = process.argv.slice(2);
process.env.OPENAI_BASE_URL = baseURL;
process.env.OPENAI_API_KEY = "sk-bench";
const { createServer } = await import("node:http");
const { z } = await import("zod");
const { BuiltInAgent, CopilotRuntime, defineTool } = await import("@copilotkit/runtime/v2");
const { createCopilotNodeListener } = await import("@copilotkit/runtime/v2/node");

/** CopilotKit's own @ai-sdk/openai (the one its "openai/…" model strings use). */
async function copilotKitOpenAI() {
  const fromCopilotKit = createRequire(createRequire(import.meta.url).resolve("@copilotkit/runtime/package.json"));
  const main = fromCopilotKit.resolve("@ai-sdk/openai");
  // the ESM build next to the CommonJS one require() finds
  return import(pathToFileURL(main.replace(/index\.js$/, "index.mjs")).href);
}

const model =
  api === "responses" ? "openai/gpt-4o" : (await copilotKitOpenAI()).createOpenAI({ baseURL, apiKey: "sk-bench" }).chat("gpt-4o");
const agent = new BuiltInAgent({
  model,
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
