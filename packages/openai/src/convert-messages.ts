import { providerConversation, textAndImageUrlParts, type Message } from "@copilot-runtime/protocol";
import type OpenAI from "openai";

type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

export interface ConvertOptions {
  /** Keep `system` messages as `system` instead of `developer`. */
  keepSystemRole: boolean;
}

/**
 * AG-UI messages → Chat Completions messages. Tool results are moved right
 * after the assistant message that called them; orphan results (no matching
 * call) are dropped, and so are calls that never got a result, so the API
 * never sees an unanswered `tool_calls`.
 */
export function toOpenAIMessages(messages: readonly Message[], options: ConvertOptions): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const entry of providerConversation(messages)) {
    switch (entry.role) {
      case "system":
        out.push({ role: options.keepSystemRole ? "system" : "developer", content: entry.content });
        break;
      case "developer":
        out.push({ role: "developer", content: entry.content });
        break;
      case "user":
        out.push({ role: "user", content: textAndImageUrlParts(entry.content) });
        break;
      case "assistant": {
        const calls = entry.toolCalls;
        out.push({
          role: "assistant",
          content: entry.content === "" ? null : entry.content,
          ...(calls.length > 0
            ? {
                tool_calls: calls.map((call) => ({
                  id: call.id,
                  type: "function" as const,
                  function: { name: call.name, arguments: call.arguments },
                })),
              }
            : {}),
        });
        for (const call of calls) out.push({ role: "tool", tool_call_id: call.id, content: call.result.plainContent });
        break;
      }
    }
  }
  return out;
}
