import type {
  LanguageModelV3FilePart,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3TextPart,
  LanguageModelV3ToolCallPart,
  LanguageModelV3ToolResultPart,
} from "@ai-sdk/provider";
import { providerConversation, type Message } from "@copilot-runtime/protocol";

type ContentPart = Exclude<Extract<Message, { role: "user" }>["content"], string>[number];
type UserPart = LanguageModelV3TextPart | LanguageModelV3FilePart;

/** The media type AI SDK providers expect of a part without one: images may say only "image/*". */
const DEFAULT_MEDIA_TYPES: Record<string, string | undefined> = { image: "image/*" };

/**
 * A user content part as an AI SDK prompt part: text as text, an image, audio, video or document given as data or
 * a URL as a file part (the provider downloads a URL it cannot pass on). A provider's file id is left out: it is
 * no data the model spec can carry to another provider.
 */
function userPart(part: ContentPart): UserPart | undefined {
  if (part.type === "text") return part.text === "" ? undefined : { type: "text", text: part.text };
  const source = part.source;
  if (source.type === "file") return undefined;
  const mediaType = source.mimeType ?? DEFAULT_MEDIA_TYPES[part.type];
  if (mediaType === undefined) return undefined;
  if (source.type === "data") return { type: "file", data: source.value, mediaType };
  try {
    return { type: "file", data: new URL(source.value), mediaType };
  } catch {
    return undefined; // not a URL a provider could fetch
  }
}

/** Tool-call arguments (JSON text) as the value the model spec wants: the parsed JSON, or the text when it is none. */
function toolInput(args: string): unknown {
  if (args.trim() === "") return {};
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}

/**
 * AG-UI messages → an AI SDK prompt (`LanguageModelV3Prompt`). Every system and developer message becomes one
 * system message at the start (Anthropic, Gemini and Bedrock take the system prompt apart from the turns, and the
 * AI SDK refuses a system message between them); each tool call is paired with its result, which follows it as a
 * `tool` message (orphans dropped, see `providerConversation`); turns that are empty are left out.
 */
export function toLanguageModelPrompt(messages: readonly Message[]): LanguageModelV3Prompt {
  const system: string[] = [];
  const turns: LanguageModelV3Message[] = [];
  for (const entry of providerConversation(messages)) {
    switch (entry.role) {
      case "system":
      case "developer":
        if (entry.content !== "") system.push(entry.content);
        break;
      case "user": {
        const content: UserPart[] =
          typeof entry.content === "string"
            ? entry.content === ""
              ? []
              : [{ type: "text", text: entry.content }]
            : entry.content.flatMap((part) => userPart(part) ?? []);
        if (content.length > 0) turns.push({ role: "user", content });
        break;
      }
      case "assistant": {
        const calls: LanguageModelV3ToolCallPart[] = entry.toolCalls.map((call) => ({
          type: "tool-call",
          toolCallId: call.id,
          toolName: call.name,
          input: toolInput(call.arguments),
        }));
        turns.push({
          role: "assistant",
          content: [...(entry.content === "" ? [] : [{ type: "text" as const, text: entry.content }]), ...calls],
        });
        if (entry.toolCalls.length > 0) {
          const results: LanguageModelV3ToolResultPart[] = entry.toolCalls.map((call) => ({
            type: "tool-result",
            toolCallId: call.id,
            toolName: call.name,
            output: call.result.isError ? { type: "error-text", value: call.result.content } : { type: "text", value: call.result.content },
          }));
          turns.push({ role: "tool", content: results });
        }
        break;
      }
    }
  }
  return system.length > 0 ? [{ role: "system", content: system.join("\n\n") }, ...turns] : turns;
}
