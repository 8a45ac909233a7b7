// Copilot Runtime on Gemini: the Node binding + GoogleGenAIAdapter (@google/genai, the client the adapter makes:
// { apiKey, baseURL }) + one server action, against the fake Gemini server (the same answers as the OpenAI targets).
import { CopilotRuntime } from "@copilot-runtime/core";
import { GoogleGenAIAdapter } from "@copilot-runtime/google";
import { SAY_HELLO, serve } from "./serve-ours.mjs";

const baseURL = process.argv[2];
const copilotRuntime = new CopilotRuntime({
  actions: [SAY_HELLO],
});
const serviceAdapter = new GoogleGenAIAdapter({
  apiKey: "gemini-bench-key",
  baseURL,
  model: "gemini-2.5-flash",
});
serve(copilotRuntime, serviceAdapter);
