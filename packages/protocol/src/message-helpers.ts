import type { ContentPart, Message } from "@ag-ui/core";

/** The text of message content: a string, or its text parts joined by newlines. */
export function messageText(content: string | ContentPart[] | undefined): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

/**
 * The text of any message-like content, typed or not (e.g. a LangChain
 * message's `content`): a string, or the strings and `{ type: "text" }` blocks
 * of an array, joined; anything else gives "".
 */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const block of content) {
    if (typeof block === "string") text += block;
    else if (block != null && typeof block === "object" && (block as { type?: unknown }).type === "text") {
      const value = (block as { text?: unknown }).text;
      if (typeof value === "string") text += value;
    }
  }
  return text;
}

/**
 * Tool-call arguments (JSON text) as the object providers require: an object
 * as is, anything else wrapped as `{ value }`, empty as `{}`.
 */
export function toolArgumentsObject(args: string): Record<string, unknown> {
  if (args.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(args);
    if (parsed != null && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    return { value: parsed };
  } catch {
    return { value: args };
  }
}

export interface ToolResult {
  content: string;
  isError: boolean;
}

/** The first result of each tool call in a conversation, by call id (what adapters pair calls with). */
export function toolResultsById(messages: readonly Message[]): Map<string, ToolResult> {
  const results = new Map<string, ToolResult>();
  for (const message of messages) {
    if (message.role !== "tool" || results.has(message.toolCallId)) continue;
    const content = messageText(message.content);
    const isError = message.error != null;
    results.set(message.toolCallId, { content: content === "" && isError ? String(message.error) : content, isError });
  }
  return results;
}
