// Copilot Runtime: the Node binding + OpenAIAdapter + one server action.
import { CopilotRuntime } from "@copilot-runtime/core";
import { openaiAdapter } from "./ours-openai.mjs";
import { SAY_HELLO, serve } from "./serve-ours.mjs";

const baseURL = process.argv[2];
const copilotRuntime = new CopilotRuntime({
  actions: [SAY_HELLO],
});
// the adapter's own client (its keep-alive node:http pool), or with "client" the app's `new OpenAI()` (the global fetch)
const serviceAdapter = openaiAdapter(baseURL, { appClient: process.argv[3] === "client" });
serve(copilotRuntime, serviceAdapter);
