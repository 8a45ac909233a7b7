import { toolArgumentsObject, toolResultsById, type ContentPart, type Message } from "@copilot-runtime/protocol";
import type Anthropic from "@anthropic-ai/sdk";

type MessageParam = Anthropic.MessageParam;
type ContentBlock = Anthropic.ContentBlockParam;
type TextBlock = Anthropic.TextBlockParam;

export interface AnthropicConversation {
  /** Every system and developer message, in order. */
  system: TextBlock[];
  messages: MessageParam[];
}

/** Placeholder for a conversation that does not start with a user turn (the API requires one). */
export const CONVERSATION_START = "(conversation start)";

function userBlocks(content: string | ContentPart[]): ContentBlock[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: ContentBlock[] = [];
  for (const part of content) {
    if (part.type === "text") {
      if (part.text !== "") blocks.push({ type: "text", text: part.text });
    } else if (part.type === "image") {
      const source = part.source;
      if (source.type === "data") {
        blocks.push({
          type: "image",
          source: { type: "base64", media_type: source.mimeType as Anthropic.Base64ImageSource["media_type"], data: source.value },
        });
      } else if (source.type === "url") {
        blocks.push({ type: "image", source: { type: "url", url: source.value } });
      }
    } else if (part.type === "document" && part.source.type === "data" && part.source.mimeType === "application/pdf") {
      blocks.push({ type: "document", source: { type: "base64", media_type: "application/pdf", data: part.source.value } });
    }
  }
  return blocks;
}

/** Tool arguments as the object Anthropic requires; anything else is wrapped. */
export const toolInput = toolArgumentsObject;

/**
 * AG-UI messages → Anthropic Messages. Every system/developer message goes to
 * the top-level `system`; consecutive turns of one role are merged;
 * `tool_result` blocks come first in the user turn after their `tool_use`;
 * tool calls without a result and results without a call are dropped, so the
 * API never sees an unpaired `tool_use`; the conversation starts with a user turn.
 */
export function toAnthropicMessages(messages: readonly Message[]): AnthropicConversation {
  const results = toolResultsById(messages);

  const system: TextBlock[] = [];
  const turns: { role: "user" | "assistant"; content: ContentBlock[] }[] = [];
  const push = (role: "user" | "assistant", blocks: ContentBlock[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: [...blocks] });
  };
  const answered = new Set<string>();

  for (const message of messages) {
    switch (message.role) {
      case "system":
      case "developer":
        if (message.content !== "") system.push({ type: "text", text: message.content });
        break;
      case "user":
        push("user", userBlocks(message.content));
        break;
      case "assistant": {
        const blocks: ContentBlock[] = [];
        if (message.content != null && message.content !== "") blocks.push({ type: "text", text: message.content });
        const calls = (message.toolCalls ?? []).filter((call) => results.has(call.id) && !answered.has(call.id));
        for (const call of calls) {
          blocks.push({ type: "tool_use", id: call.id, name: call.function.name, input: toolInput(call.function.arguments) });
        }
        push("assistant", blocks);
        if (calls.length > 0) {
          const resultBlocks: ContentBlock[] = calls.map((call) => {
            answered.add(call.id);
            const result = results.get(call.id)!;
            return {
              type: "tool_result",
              tool_use_id: call.id,
              content: result.content,
              ...(result.isError ? { is_error: true } : {}),
            };
          });
          turns.push({ role: "user", content: resultBlocks });
        }
        break;
      }
      default:
        // tool results are placed with their call; reasoning and activity stay client-side
        break;
    }
  }

  // A user message after tool results was merged behind them, so tool_result blocks stay first.
  if (turns[0]?.role === "assistant") turns.unshift({ role: "user", content: [{ type: "text", text: CONVERSATION_START }] });
  return { system, messages: turns };
}
