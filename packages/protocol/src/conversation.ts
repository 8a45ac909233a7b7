import type { ContentPart, Message } from "@ag-ui/core";
import { toolResultsById, type ToolResult } from "./message-helpers.js";

/** A tool call of the conversation, with its result. */
export interface AnsweredToolCall {
  id: string;
  name: string;
  /** The arguments as the model wrote them (JSON text). */
  arguments: string;
  result: ToolResult;
}

/** One message of a conversation as every provider accepts it (see `providerConversation`). */
export type ConversationEntry =
  | { role: "system" | "developer"; content: string }
  | { role: "user"; content: string | ContentPart[] }
  | { role: "assistant"; content: string; toolCalls: AnsweredToolCall[] };

/**
 * AG-UI messages as providers accept them: each assistant message keeps only
 * the tool calls that have a result (each call id once), and carries those
 * results with it, in call order; results without a call are dropped, and so
 * is an assistant message left with neither text nor calls. Tool, reasoning
 * and activity messages are no entries of their own.
 */
export function providerConversation(messages: readonly Message[]): ConversationEntry[] {
  const results = toolResultsById(messages);
  const answered = new Set<string>();
  const entries: ConversationEntry[] = [];
  for (const message of messages) {
    switch (message.role) {
      case "system":
      case "developer":
        entries.push({ role: message.role, content: message.content });
        break;
      case "user":
        entries.push({ role: "user", content: message.content });
        break;
      case "assistant": {
        const toolCalls: AnsweredToolCall[] = [];
        for (const call of message.toolCalls ?? []) {
          const result = results.get(call.id);
          if (result === undefined || answered.has(call.id)) continue;
          answered.add(call.id);
          toolCalls.push({ id: call.id, name: call.function.name, arguments: call.function.arguments, result });
        }
        const content = message.content ?? "";
        if (content !== "" || toolCalls.length > 0) entries.push({ role: "assistant", content, toolCalls });
        break;
      }
      default:
        // results travel with their call; reasoning and activity messages stay client-side
        break;
    }
  }
  return entries;
}

/** Placeholder text for a conversation that does not start with a user turn. */
export const CONVERSATION_START = "(conversation start)";

/** A turn of a conversation whose turns alternate between the user and the assistant. */
export interface Turn<Block> {
  role: "user" | "assistant";
  blocks: Block[];
}

/** How a provider writes the blocks of its turns. */
export interface TurnBlocks<Block> {
  /** A user message's blocks (none for empty content). */
  user(content: string | ContentPart[]): Block[];
  text(text: string): Block;
  toolCall(call: AnsweredToolCall): Block;
  toolResult(call: AnsweredToolCall): Block;
}

export interface AlternatingConversation<Block> {
  /** The text of every system and developer message, in order; empty ones left out. */
  system: string[];
  turns: Turn<Block>[];
}

/**
 * The conversation as alternating user and assistant turns (what Anthropic and
 * Gemini require): system and developer messages set apart; an assistant turn
 * with tool calls followed by a user turn that opens with their results in
 * call order; consecutive turns of one role merged, empty ones dropped; the
 * first turn the user's (`CONVERSATION_START` where the assistant spoke first).
 */
export function alternatingConversation<Block>(messages: readonly Message[], blocks: TurnBlocks<Block>): AlternatingConversation<Block> {
  const system: string[] = [];
  const turns: Turn<Block>[] = [];
  const push = (role: Turn<Block>["role"], content: Block[]) => {
    if (content.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.blocks.push(...content);
    else turns.push({ role, blocks: [...content] });
  };
  for (const entry of providerConversation(messages)) {
    if (entry.role === "user") {
      push("user", blocks.user(entry.content));
    } else if (entry.role === "assistant") {
      const calls = entry.toolCalls.map((call) => blocks.toolCall(call));
      push("assistant", entry.content === "" ? calls : [blocks.text(entry.content), ...calls]);
      push(
        "user",
        entry.toolCalls.map((call) => blocks.toolResult(call)),
      );
    } else if (entry.content !== "") {
      system.push(entry.content);
    }
  }
  if (turns[0]?.role === "assistant") turns.unshift({ role: "user", blocks: [blocks.text(CONVERSATION_START)] });
  return { system, turns };
}
