import { CopilotRuntime } from "@copilot-runtime/core";
import { copilotRuntimeNextJSAppRouterEndpoint } from "@copilot-runtime/next";
import { OpenAIAdapter } from "@copilot-runtime/openai";

// Optional: run on the Edge runtime (remove the line for the Node.js runtime).
export const runtime = "edge";

const copilotRuntime = new CopilotRuntime({ actions: [] });

export const { GET, POST, OPTIONS } = copilotRuntimeNextJSAppRouterEndpoint({
  runtime: copilotRuntime,
  serviceAdapter: new OpenAIAdapter(),
  endpoint: "/api/copilotkit",
});
