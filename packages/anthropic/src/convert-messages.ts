import { alternatingConversation, toolArgumentsObject, type ContentPart, type Message, type TurnBlocks } from "@copilot-runtime/protocol";
import type Anthropic from "@anthropic-ai/sdk";

type MessageParam = Anthropic.MessageParam;
type ContentBlock = Anthropic.ContentBlockParam;
type TextBlock = Anthropic.TextBlockParam;

export interface AnthropicConversation {
  /** Every system and developer message, in order. */
  system: TextBlock[];
  messages: MessageParam[];
}

function userBlocks(content: string | ContentPart[]): ContentBlock[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: ContentBlock[] = [];
  for (const part of content) {
    if (part.type === "text") {
      if (part.text !== "") blocks.push({ type: "text", text: part.text });
    } else if (part.type === "image") {
      const source = part.source;
      if (source.type === "data") {
        const mediaType = source.mimeType as Anthropic.Base64ImageSource["media_type"];
        blocks.push({ type: "image", source: { type: "base64", media_type: mediaType, data: source.value } });
      } else if (source.type === "url") {
        blocks.push({ type: "image", source: { type: "url", url: source.value } });
      }
    } else if (part.type === "document" && part.source.type === "data" && part.source.mimeType === "application/pdf") {
      blocks.push({ type: "document", source: { type: "base64", media_type: "application/pdf", data: part.source.value } });
    }
  }
  return blocks;
}

const ANTHROPIC_BLOCKS: TurnBlocks<ContentBlock> = {
  user: userBlocks,
  text: (text) => ({ type: "text", text }),
  toolCall: (call) => ({ type: "tool_use", id: call.id, name: call.name, input: toolArgumentsObject(call.arguments) }),
  toolResult: ({ id, result }) => ({
    type: "tool_result",
    tool_use_id: id,
    content: result.content,
    ...(result.isError ? { is_error: true } : {}),
  }),
};

/**
 * AG-UI messages → Anthropic Messages. Every system/developer message goes to
 * the top-level `system`; consecutive turns of one role are merged;
 * `tool_result` blocks come first in the user turn after their `tool_use`;
 * tool calls without a result and results without a call are dropped, so the
 * API never sees an unpaired `tool_use`; the conversation starts with a user turn.
 */
export function toAnthropicMessages(messages: readonly Message[]): AnthropicConversation {
  const { system, turns } = alternatingConversation(messages, ANTHROPIC_BLOCKS);
  return {
    system: system.map((text) => ({ type: "text", text })),
    messages: turns.map((turn) => ({ role: turn.role, content: turn.blocks })),
  };
}
