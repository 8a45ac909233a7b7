import { alternatingConversation, toolArgumentsObject, type ContentPart, type Message, type TurnBlocks } from "@copilot-runtime/protocol";

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
    else parts.push({ fileData: { fileUri: source.value, ...(source.mimeType ? { mimeType: source.mimeType } : {}) } });
  }
  return parts;
}

const GEMINI_PARTS: TurnBlocks<GeminiPart> = {
  user: userParts,
  text: (text) => ({ text }),
  toolCall: (call) => ({ functionCall: { name: call.name, args: toolArgumentsObject(call.arguments) } }),
  toolResult: ({ name, result }) => ({
    functionResponse: { name, response: result.isError ? { error: result.content } : { result: result.content } },
  }),
};

/**
 * AG-UI messages → Gemini contents. Roles are `user` / `model`; system and
 * developer messages become the `systemInstruction`; each model turn with
 * function calls is followed by a user turn of `functionResponse` parts in
 * call order (Gemini matches them by name and position, there are no ids);
 * calls without a result and results without a call are dropped; turns of
 * one role are merged; the conversation starts with a user turn.
 */
export function toGeminiContents(messages: readonly Message[]): GeminiConversation {
  const { system, turns } = alternatingConversation(messages, GEMINI_PARTS);
  return {
    systemInstruction: system.length > 0 ? system.join("\n\n") : undefined,
    contents: turns.map((turn) => ({ role: turn.role === "assistant" ? "model" : "user", parts: turn.blocks })),
  };
}
