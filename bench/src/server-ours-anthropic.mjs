// Copilot Runtime on Anthropic: the Node binding + AnthropicAdapter (@anthropic-ai/sdk) + one server action,
// against the fake Anthropic server (the same answers as the OpenAI targets).
import { AnthropicAdapter } from "@copilot-runtime/anthropic";
import { CopilotRuntime } from "@copilot-runtime/core";
import { SAY_HELLO, serve } from "./serve-ours.mjs";

const baseURL = process.argv[2];
const copilotRuntime = new CopilotRuntime({
  actions: [SAY_HELLO],
});
// the client the adapter makes itself (its keep-alive node:http pool), as `ours` does for OpenAI
const serviceAdapter = new AnthropicAdapter({ apiKey: "sk-ant-bench", baseURL, maxRetries: 0, model: "claude-sonnet-5-5" });
serve(copilotRuntime, serviceAdapter);
