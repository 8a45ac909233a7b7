import { toolArgumentsObject, toolResultsById, type ContentPart, type Message } from "@copilot-runtime/protocol";

/** A part of a Gemini `Content`, as both SDKs type it. */
export interface GeminiPart {
  text?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: { name: string; args: Record<string, unknown> };
  functionResponse?: { name: string; response: Record<string, unknown> };
}

export interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

export interface GeminiConversation {
  /** Every system and developer message, joined; undefined when there is none. */
  systemInstruction: string | undefined;
  contents: GeminiContent[];
}

/** Placeholder for a conversation that does not start with a user turn (Gemini requires one). */
export const CONVERSATION_START = "(conversation start)";

function userParts(content: string | ContentPart[]): GeminiPart[] {
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  const parts: GeminiPart[] = [];
  for (const part of content) {
    if (part.type === "text") {
      if (part.text !== "") parts.push({ text: part.text });
      continue;
    }
    const source = part.source;
    if (source.type === "data") parts.push({ inlineData: { mimeType: source.mimeType, data: source.value } });
    else if (source.type === "url")
      parts.push({ fileData: { fileUri: source.value, ...(source.mimeType ? { mimeType: source.mimeType } : {}) } });
    else if (source.type === "file")
      parts.push({ fileData: { fileUri: source.value, ...(source.mimeType ? { mimeType: source.mimeType } : {}) } });
  }
  return parts;
}

/** Function-call arguments as the object Gemini requires; anything else is wrapped. */
export const functionArgs = toolArgumentsObject;

/**
 * AG-UI messages → Gemini contents. Roles are `user` / `model`; system and
 * developer messages become the `systemInstruction`; each model turn with
 * function calls is followed by a user turn of `functionResponse` parts in
 * call order (Gemini matches them by name and position, there are no ids);
 * calls without a result and results without a call are dropped; turns of
 * one role are merged; the conversation starts with a user turn.
 */
export function toGeminiContents(messages: readonly Message[]): GeminiConversation {
  const results = toolResultsById(messages);

  const system: string[] = [];
  const contents: GeminiContent[] = [];
  const push = (role: GeminiContent["role"], parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts: [...parts] });
  };
  const answered = new Set<string>();

  for (const message of messages) {
    switch (message.role) {
      case "system":
      case "developer":
        if (message.content !== "") system.push(message.content);
        break;
      case "user":
        push("user", userParts(message.content));
        break;
      case "assistant": {
        const parts: GeminiPart[] = [];
        if (message.content != null && message.content !== "") parts.push({ text: message.content });
        const calls = (message.toolCalls ?? []).filter((call) => results.has(call.id) && !answered.has(call.id));
        for (const call of calls) parts.push({ functionCall: { name: call.function.name, args: functionArgs(call.function.arguments) } });
        push("model", parts);
        if (calls.length > 0) {
          contents.push({
            role: "user",
            parts: calls.map((call) => {
              answered.add(call.id);
              const result = results.get(call.id)!;
              return {
                functionResponse: {
                  name: call.function.name,
                  response: result.isError ? { error: result.content } : { result: result.content },
                },
              };
            }),
          });
        }
        break;
      }
      default:
        break;
    }
  }
  if (contents[0]?.role === "model") contents.unshift({ role: "user", parts: [{ text: CONVERSATION_START }] });
  return { systemInstruction: system.length > 0 ? system.join("\n\n") : undefined, contents };
}
