import { providerConversation, textAndImageUrlParts, toolArgumentsObject, type Message } from "@copilot-runtime/protocol";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";

/**
 * AG-UI messages → LangChain messages: `SystemMessage` (system and developer),
 * `HumanMessage`, `AIMessage` with `tool_calls`, `ToolMessage`. Each tool result
 * follows its call; orphan results and unanswered calls are dropped, as every
 * provider behind a chain would reject them.
 */
export function toLangChainMessages(messages: readonly Message[]): BaseMessage[] {
  const out: BaseMessage[] = [];
  for (const entry of providerConversation(messages)) {
    switch (entry.role) {
      case "system":
      case "developer":
        out.push(new SystemMessage(entry.content));
        break;
      case "user":
        out.push(new HumanMessage({ content: textAndImageUrlParts(entry.content) }));
        break;
      case "assistant": {
        const toolCalls = entry.toolCalls.map((call) => ({
          id: call.id,
          name: call.name,
          args: toolArgumentsObject(call.arguments),
          type: "tool_call" as const,
        }));
        out.push(new AIMessage({ content: entry.content, tool_calls: toolCalls }));
        for (const call of entry.toolCalls) out.push(new ToolMessage({ content: call.result.plainContent, tool_call_id: call.id }));
        break;
      }
    }
  }
  return out;
}
