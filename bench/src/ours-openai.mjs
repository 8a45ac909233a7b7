// The OpenAI adapter as the OpenAI targets of the bench configure it (ours, ours-middleware, ours-redis, ours-otel).
import OpenAI from "openai";
import { OpenAIAdapter } from "@copilot-runtime/openai";

/**
 * `OpenAIAdapter` on the fake: the client the adapter makes (`{ apiKey, baseURL }`, its keep-alive node:http pool), or
 * with `appClient` the app's own `new OpenAI()` (the global fetch).
 */
export function openaiAdapter(baseURL, { appClient = false } = {}) {
  return appClient
    ? new OpenAIAdapter({ openai: new OpenAI({ apiKey: "sk-bench", baseURL, maxRetries: 0 }), model: "gpt-4o" })
    : new OpenAIAdapter({ apiKey: "sk-bench", baseURL, maxRetries: 0, model: "gpt-4o" });
}
