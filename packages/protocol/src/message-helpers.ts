import type { ContentPart, Message, PartSource } from "@ag-ui/core";

/**
 * The text of message content: a string, or its non-empty text parts joined by newlines.
 * (Unlike `@ag-ui/core`'s `contentToText`, which joins parts with nothing between them:
 * separate parts are separate paragraphs here, so two parts never run into one word.)
 */
export function messageText(content: string | ContentPart[] | undefined): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content
    .map((part) => (part.type === "text" ? part.text : ""))
    .filter((text) => text !== "")
    .join("\n");
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
  /** The result's text, or the error's text when the result has none. */
  content: string;
  /** Whether the tool failed (the tool message carries an `error`). */
  isError: boolean;
  /**
   * The result as plain text, for providers without an error flag (OpenAI, LangChain):
   * the result's text, or `Error: <error>` when it has none.
   */
  plainContent: string;
}

/** The first result of each tool call in a conversation, by call id (what adapters pair calls with). */
export function toolResultsById(messages: readonly Message[]): Map<string, ToolResult> {
  const results = new Map<string, ToolResult>();
  for (const message of messages) {
    if (message.role !== "tool" || results.has(message.toolCallId)) continue;
    const text = messageText(message.content);
    const isError = message.error != null;
    const error = text === "" && isError ? String(message.error) : undefined;
    results.set(message.toolCallId, {
      content: error ?? text,
      isError,
      plainContent: error !== undefined ? `Error: ${error}` : text,
    });
  }
  return results;
}

/** A URL for a content part's source: its URL, or a `data:` URL of inline data; undefined for a provider's file id. */
export function sourceUrl(source: PartSource): string | undefined {
  if (source.type === "url") return source.value;
  if (source.type === "data") return `data:${source.mimeType};base64,${source.value}`;
  return undefined;
}

/** A text or image part in the Chat Completions shape, which OpenAI and LangChain both take. */
export type TextOrImageUrlPart = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string } };

/**
 * User content as text and image parts in the Chat Completions shape: an image
 * as its URL or a data URL; audio, video, documents and provider file ids left
 * out; a lone text part as a plain string.
 */
export function textAndImageUrlParts(content: string | ContentPart[]): string | TextOrImageUrlPart[] {
  if (typeof content === "string") return content;
  const parts: TextOrImageUrlPart[] = [];
  for (const part of content) {
    if (part.type === "text") parts.push({ type: "text", text: part.text });
    else if (part.type === "image") {
      const url = sourceUrl(part.source);
      if (url !== undefined) parts.push({ type: "image_url", image_url: { url } });
    }
  }
  return parts.length === 1 && parts[0]?.type === "text" ? parts[0].text : parts;
}
