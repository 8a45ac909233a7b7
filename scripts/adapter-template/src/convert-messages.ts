import { messageText, providerConversation, type Message } from "@copilot-runtime/protocol";

/** A message of the provider's chat API. TODO(template-provider): your provider's roles and content shapes. */
export type TemplateProviderMessage =
  | { role: "system" | "user"; content: string }
  | {
      role: "assistant";
      content: string | null;
      tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[];
    }
  | { role: "tool"; tool_call_id: string; content: string };

/**
 * AG-UI messages → the provider's messages. `providerConversation` pairs every tool call with its result and drops
 * orphans (results without a call, calls without a result), so the API never sees an unanswered call; each result
 * follows the assistant message that made the call. TODO(template-provider): images (`textAndImageUrlParts`), a
 * `developer` role, turns your provider wants merged (`alternatingConversation`).
 */
export function toTemplateProviderMessages(messages: readonly Message[]): TemplateProviderMessage[] {
  const out: TemplateProviderMessage[] = [];
  for (const entry of providerConversation(messages)) {
    switch (entry.role) {
      case "system":
      case "developer":
        out.push({ role: "system", content: entry.content });
        break;
      case "user":
        out.push({ role: "user", content: messageText(entry.content) });
        break;
      case "assistant": {
        const calls = entry.toolCalls;
        out.push({
          role: "assistant",
          content: entry.content === "" ? null : entry.content,
          ...(calls.length > 0
            ? {
                tool_calls: calls.map((call) => ({
                  id: call.id,
                  type: "function" as const,
                  function: { name: call.name, arguments: call.arguments },
                })),
              }
            : {}),
        });
        for (const call of calls) out.push({ role: "tool", tool_call_id: call.id, content: call.result.plainContent });
        break;
      }
    }
  }
  return out;
}
