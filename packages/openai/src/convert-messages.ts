import type { ContentPart, Message } from "@copilot-runtime/protocol";
import type OpenAI from "openai";

type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type UserContentPart = OpenAI.Chat.Completions.ChatCompletionContentPart;

export interface ConvertOptions {
  /** Keep `system` messages as `system` instead of `developer`. */
  keepSystemRole: boolean;
}

function textOf(content: string | ContentPart[] | undefined): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content
    .map((part) => (part.type === "text" ? part.text : ""))
    .filter((text) => text !== "")
    .join("\n");
}

function userContent(content: string | ContentPart[]): string | UserContentPart[] {
  if (typeof content === "string") return content;
  const parts: UserContentPart[] = [];
  for (const part of content) {
    if (part.type === "text") parts.push({ type: "text", text: part.text });
    else if (part.type === "image") {
      const source = part.source;
      if (source.type === "url") parts.push({ type: "image_url", image_url: { url: source.value } });
      else if (source.type === "data") {
        parts.push({ type: "image_url", image_url: { url: `data:${source.mimeType};base64,${source.value}` } });
      }
    }
    // audio, video, documents and provider file ids have no Chat Completions form here: skipped.
  }
  return parts.length === 1 && parts[0]?.type === "text" ? parts[0].text : parts;
}

/**
 * AG-UI messages → Chat Completions messages. Tool results are moved right
 * after the assistant message that called them; orphan results (no matching
 * call) are dropped, and so are calls that never got a result, so the API
 * never sees an unanswered `tool_calls`.
 */
export function toOpenAIMessages(messages: readonly Message[], options: ConvertOptions): ChatMessage[] {
  const results = new Map<string, string>();
  for (const message of messages) {
    if (message.role !== "tool" || results.has(message.toolCallId)) continue;
    const content = textOf(message.content);
    results.set(message.toolCallId, message.error != null && content === "" ? `Error: ${message.error}` : content);
  }

  const out: ChatMessage[] = [];
  const answered = new Set<string>();
  for (const message of messages) {
    switch (message.role) {
      case "system":
        out.push({ role: options.keepSystemRole ? "system" : "developer", content: message.content });
        break;
      case "developer":
        out.push({ role: "developer", content: message.content });
        break;
      case "user":
        out.push({ role: "user", content: userContent(message.content) });
        break;
      case "assistant": {
        const calls = (message.toolCalls ?? []).filter((call) => results.has(call.id) && !answered.has(call.id));
        const content = message.content ?? "";
        if (content === "" && calls.length === 0) break;
        out.push({
          role: "assistant",
          content: content === "" ? null : content,
          ...(calls.length > 0
            ? {
                tool_calls: calls.map((call) => ({
                  id: call.id,
                  type: "function" as const,
                  function: { name: call.function.name, arguments: call.function.arguments },
                })),
              }
            : {}),
        });
        for (const call of calls) {
          answered.add(call.id);
          out.push({ role: "tool", tool_call_id: call.id, content: results.get(call.id) ?? "" });
        }
        break;
      }
      default:
        // tool results were placed above; reasoning and activity messages are client-side only
        break;
    }
  }
  return out;
}
