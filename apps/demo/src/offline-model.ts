import type { AdapterRequest, Message } from "@copilot-runtime/protocol";
import { ScriptedAdapter, type ScriptedStep } from "@copilot-runtime/testing";

function textOf(message: Message | undefined): string {
  if (message == null || !("content" in message)) return "";
  const content = message.content;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => ("text" in part ? part.text : "")).join(" ");
  return "";
}

const HELP =
  "I'm the embedded offline model of the Copilot Runtime demo (no API key is set). " +
  'Try "say hello to Ada" (runs the server action sayHello) or "what is the weather in Paris?" (runs lookupWeather). ' +
  "Set OPENAI_API_KEY to talk to a real model.";

/**
 * A tiny rule-based "LLM" so the demo shows the whole loop with no key:
 * it calls the server actions when asked, then answers with their results.
 */
export function offlineAnswer(request: AdapterRequest): ScriptedStep {
  const last = request.messages.at(-1);
  const toolNames = new Set(request.tools.map((tool) => tool.name));

  if (last?.role === "tool") {
    const result = textOf(last);
    return { text: `The server action answered: ${result}`, usage: { inputTokens: 20, outputTokens: 12 } };
  }

  const text = textOf(last).trim();
  const hello = /\b(?:say hello|greet|hello to|hi to)\b(?:\s+to)?\s+([\p{L}][\p{L}' -]{0,40})/iu.exec(text);
  if (hello && toolNames.has("sayHello")) {
    const name = (hello[1] ?? "").trim().replace(/[.!?]+$/, "");
    return { text: `Let me ask the server to greet ${name}.`, toolCalls: [{ name: "sayHello", args: { arg: name } }] };
  }
  const weather = /\bweather\b.*?\bin\s+([\p{L}][\p{L} -]{0,40})/iu.exec(text);
  if (weather && toolNames.has("lookupWeather")) {
    const city = (weather[1] ?? "").trim().replace(/[.!?]+$/, "");
    return { toolCalls: [{ name: "lookupWeather", args: { city } }] };
  }
  return { text: HELP, usage: { inputTokens: 10, outputTokens: 40 } };
}

export function createOfflineModel(): ScriptedAdapter {
  return new ScriptedAdapter({ provider: "offline", model: "demo-offline-model", delayMs: 15, respond: offlineAnswer });
}
