import { isPlainObject } from "@copilot-runtime/protocol";

/** What a tool call answered, as the runtime passes it on: the text the LLM reads, and whether the tool failed. */
export interface ToolOutcome {
  text: string;
  isError: boolean;
}

export const NO_CONTENT = "The tool returned no content.";

function size(base64: unknown): string {
  const bytes = typeof base64 === "string" ? Math.floor((base64.replace(/=+$/, "").length * 3) / 4) : 0;
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * One content part as text. AG-UI tool results are text (a tool message's `content` is a string), so no provider
 * receives binary parts here: images, audio and binary resources are summarised (kind, MIME type, size) so that
 * the LLM knows they exist; text resources are kept with their URI.
 */
export function contentPartText(part: unknown): string {
  if (!isPlainObject(part)) return "[unreadable content]";
  switch (part.type) {
    case "text":
      return typeof part.text === "string" ? part.text : "";
    case "image":
    case "audio":
      return `[${part.type}: ${str(part.mimeType) ?? "unknown type"}, ${size(part.data)}; not shown to the model]`;
    case "resource": {
      const resource = isPlainObject(part.resource) ? part.resource : {};
      const uri = str(resource.uri) ?? "(no uri)";
      if (typeof resource.text === "string")
        return `[resource ${uri}${resource.mimeType ? ` (${String(resource.mimeType)})` : ""}]\n${resource.text}`;
      return `[resource ${uri}: ${str(resource.mimeType) ?? "binary"}, ${size(resource.blob)}; not shown to the model]`;
    }
    case "resource_link": {
      const description = str(part.description) !== undefined ? ` ${String(part.description)}` : "";
      return `[resource link: ${str(part.name) ?? str(part.uri) ?? "(unnamed)"} <${str(part.uri) ?? ""}>${description}]`;
    }
    default:
      return `[${typeof part.type === "string" ? part.type : "unknown"} content; not shown to the model]`;
  }
}

function sameJson(text: string, value: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

/**
 * A `tools/call` result → the tool result: the text parts (others summarised, see `contentPartText`), then the
 * `structuredContent` as JSON unless a text part already carries it (servers are asked to send both).
 * `isError: true` is kept, so that the LLM sees the tool's own error. A result of the older protocol
 * (`toolResult`) is shown as JSON.
 */
export function toolOutcome(result: unknown): ToolOutcome {
  if (!isPlainObject(result)) return { text: NO_CONTENT, isError: false };
  const content = Array.isArray(result.content) ? result.content : [];
  const texts = content.map(contentPartText).filter((text) => text !== "");
  const structured = result.structuredContent;
  if (
    structured !== undefined &&
    !content.some((part) => isPlainObject(part) && typeof part.text === "string" && sameJson(part.text, structured))
  ) {
    texts.push(JSON.stringify(structured));
  }
  if (texts.length === 0 && "toolResult" in result && result.toolResult !== undefined) texts.push(JSON.stringify(result.toolResult));
  return { text: texts.length > 0 ? texts.join("\n") : NO_CONTENT, isError: result.isError === true };
}
