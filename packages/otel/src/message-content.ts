import type { Message } from "@copilot-runtime/protocol";

/** One message as the GenAI conventions record it (`gen_ai.input.messages` / `gen_ai.output.messages`). */
interface ConventionMessage {
  role: string;
  parts: ConventionPart[];
}

type ConventionPart =
  | { type: "text"; content: string }
  | { type: "tool_call"; id: string; name: string; arguments: string }
  | { type: "tool_call_response"; id: string; response: string };

function textOf(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.flatMap((part: unknown) =>
    typeof part === "object" && part !== null && "text" in part && typeof part.text === "string" ? [part.text] : [],
  );
  return texts.length > 0 ? texts.join("") : undefined;
}

/** AG-UI messages in the conventions' shape (text, tool calls, tool results; other content left out), as JSON. */
export function conventionMessages(messages: readonly Message[]): string {
  const out: ConventionMessage[] = [];
  for (const message of messages) {
    const parts: ConventionPart[] = [];
    if (message.role === "tool") {
      parts.push({ type: "tool_call_response", id: message.toolCallId, response: textOf(message.content) ?? "" });
    } else {
      const text = textOf((message as { content?: unknown }).content);
      if (text !== undefined && text !== "") parts.push({ type: "text", content: text });
      if (message.role === "assistant") {
        for (const call of message.toolCalls ?? [])
          parts.push({ type: "tool_call", id: call.id, name: call.function.name, arguments: call.function.arguments });
      }
    }
    out.push({ role: message.role, parts });
  }
  return JSON.stringify(out);
}

/** A model's answer in the conventions' shape. */
export function conventionAnswer(text: string | undefined, toolCalls: readonly { id: string; name: string; arguments: string }[]): string {
  const parts: ConventionPart[] = [];
  if (text !== undefined && text !== "") parts.push({ type: "text", content: text });
  for (const call of toolCalls) parts.push({ type: "tool_call", id: call.id, name: call.name, arguments: call.arguments });
  return JSON.stringify([{ role: "assistant", parts }]);
}
