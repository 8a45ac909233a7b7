import type { ContentPart, Message } from "@copilot-runtime/protocol";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";

type HumanContent = string | ({ type: "text"; text: string } | { type: "image_url"; image_url: { url: string } })[];

function textOf(content: string | ContentPart[] | undefined): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

function humanContent(content: string | ContentPart[]): HumanContent {
  if (typeof content === "string") return content;
  const blocks: Exclude<HumanContent, string> = [];
  for (const part of content) {
    if (part.type === "text") blocks.push({ type: "text", text: part.text });
    else if (part.type === "image") {
      const source = part.source;
      if (source.type === "url") blocks.push({ type: "image_url", image_url: { url: source.value } });
      else if (source.type === "data")
        blocks.push({ type: "image_url", image_url: { url: `data:${source.mimeType};base64,${source.value}` } });
    }
  }
  return blocks.length === 1 && blocks[0]?.type === "text" ? blocks[0].text : blocks;
}

function parseArgs(args: string): Record<string, unknown> {
  if (args.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return parsed != null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
  } catch {
    return { value: args };
  }
}

/**
 * AG-UI messages → LangChain messages: `SystemMessage` (system and developer),
 * `HumanMessage`, `AIMessage` with `tool_calls`, `ToolMessage`. Each tool result
 * follows its call; orphan results and unanswered calls are dropped, as every
 * provider behind a chain would reject them.
 */
export function toLangChainMessages(messages: readonly Message[]): BaseMessage[] {
  const results = new Map<string, string>();
  for (const message of messages) {
    if (message.role !== "tool" || results.has(message.toolCallId)) continue;
    const content = textOf(message.content);
    results.set(message.toolCallId, content === "" && message.error != null ? `Error: ${message.error}` : content);
  }
  const out: BaseMessage[] = [];
  const answered = new Set<string>();
  for (const message of messages) {
    switch (message.role) {
      case "system":
      case "developer":
        out.push(new SystemMessage(message.content));
        break;
      case "user":
        out.push(new HumanMessage({ content: humanContent(message.content) }));
        break;
      case "assistant": {
        const calls = (message.toolCalls ?? []).filter((call) => results.has(call.id) && !answered.has(call.id));
        const content = message.content ?? "";
        if (content === "" && calls.length === 0) break;
        out.push(
          new AIMessage({
            content,
            tool_calls: calls.map((call) => ({
              id: call.id,
              name: call.function.name,
              args: parseArgs(call.function.arguments),
              type: "tool_call" as const,
            })),
          }),
        );
        for (const call of calls) {
          answered.add(call.id);
          out.push(new ToolMessage({ content: results.get(call.id) ?? "", tool_call_id: call.id }));
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}
