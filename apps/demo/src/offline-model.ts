import type { AdapterRequest, Message } from "@copilot-runtime/protocol";
import { ScriptedAdapter, type ScriptedStep } from "@copilot-runtime/testing";

function textOf(message: Message | undefined): string {
  if (message == null || !("content" in message)) return "";
  const content = message.content;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => ("text" in part ? part.text : "")).join(" ");
  return "";
}

/** The name of the tool a tool-result message answers. */
function toolNameOf(messages: readonly Message[], result: Message): string | undefined {
  if (result.role !== "tool") return undefined;
  for (const message of messages) {
    if (message.role !== "assistant") continue;
    const call = message.toolCalls?.find((candidate) => candidate.id === result.toolCallId);
    if (call) return call.function.name;
  }
  return undefined;
}

const HELP =
  "I'm the embedded offline model of the Copilot Runtime demo (no API key is set). " +
  'Try "add buy milk to my list" (a frontend action that changes the page), "say hello to Ada" (the server action sayHello), ' +
  '"what is the weather in Paris?" (a data lookup on the server) or "tell me a long story" (to try the stop button). ' +
  "Set OPENAI_API_KEY, ANTHROPIC_API_KEY or GOOGLE_API_KEY to talk to a real model.";

const STORY = Array.from(
  { length: 360 },
  (_, i) => ["Once", "upon", "a", "time,", "a", "runtime", "streamed", "tokens", "to", "a", "patient", "reader."][i % 12],
).join(" ");

const clean = (text: string | undefined) => (text ?? "").trim().replace(/[.!?]+$/, "");

/**
 * A tiny rule-based "LLM" so the demo shows the whole loop with no key: it
 * calls the page's frontend action and the server actions when asked, and
 * answers with their results.
 */
export function offlineAnswer(request: AdapterRequest): ScriptedStep {
  const messages = request.messages;
  const last = messages.at(-1);
  const tools = new Set(request.tools.map((tool) => tool.name));

  if (last?.role === "tool") {
    const result = textOf(last);
    const name = toolNameOf(messages, last);
    const text = name === "addTodo" ? `Done: ${result}` : `The server action answered: ${result}`;
    return { text, usage: { inputTokens: 20, outputTokens: 12 } };
  }

  const text = textOf(last).trim();
  const todo = /\badd\s+(.+?)\s+to\s+(?:my|the)\s+(?:todo\s+)?list\b/i.exec(text);
  if (todo && tools.has("addTodo")) {
    return { text: "Adding it to your list.", toolCalls: [{ name: "addTodo", args: { item: clean(todo[1]) } }] };
  }
  const hello = /\b(?:say hello|greet|hello to|hi to)\b(?:\s+to)?\s+([\p{L}][\p{L}' -]{0,40})/iu.exec(text);
  if (hello && tools.has("sayHello")) {
    const name = clean(hello[1]);
    return { text: `Let me ask the server to greet ${name}.`, toolCalls: [{ name: "sayHello", args: { arg: name } }] };
  }
  const weather = /\bweather\b.*?\bin\s+([\p{L}][\p{L} -]{0,40})/iu.exec(text);
  if (weather && tools.has("lookupWeather")) {
    return { toolCalls: [{ name: "lookupWeather", args: { city: clean(weather[1]) } }] };
  }
  if (/\blong\b.*\bstory\b/i.test(text)) return { text: STORY, usage: { inputTokens: 10, outputTokens: 360 } };
  return { text: HELP, usage: { inputTokens: 10, outputTokens: 40 } };
}

export function createOfflineModel(delayMs = 25): ScriptedAdapter {
  return new ScriptedAdapter({ provider: "offline", model: "demo-offline-model", delayMs, respond: offlineAnswer });
}
