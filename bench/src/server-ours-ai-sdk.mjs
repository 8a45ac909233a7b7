// Copilot Runtime through the AI SDK bridge: the Node binding + AISDKAdapter over @ai-sdk/openai's Chat Completions model
// (the same fake, the same answers as server-ours.mjs, which uses the native OpenAIAdapter) + one server action.
import { createOpenAI } from "@ai-sdk/openai";
import { CopilotRuntime } from "@copilot-runtime/core";
import { AISDKAdapter } from "@copilot-runtime/ai-sdk";
import { SAY_HELLO, serve } from "./serve-ours.mjs";

const baseURL = process.argv[2];
const copilotRuntime = new CopilotRuntime({
  actions: [SAY_HELLO],
});
const serviceAdapter = new AISDKAdapter({ model: createOpenAI({ apiKey: "sk-bench", baseURL }).chat("gpt-4o") });
serve(copilotRuntime, serviceAdapter);
