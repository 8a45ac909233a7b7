import { isRecord } from "./fake-request.js";
import type { RequestRule } from "./request-rules.js";

/** What the OpenAI rules read of a Chat Completions body. */
export interface OpenAIRulesBody {
  messages?: unknown;
  tools?: unknown;
}

const ROLES = ["system", "developer", "user", "assistant", "tool", "function"];

const messagesOf = (body: OpenAIRulesBody): Record<string, unknown>[] =>
  Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];

const toolCallIds = (message: Record<string, unknown>): string[] =>
  Array.isArray(message.tool_calls) ? message.tool_calls.filter(isRecord).map((call) => String(call.id)) : [];

/**
 * The Chat Completions requests the OpenAI API refuses (400, `invalid_request_error`),
 * with the messages it answers them with.
 */
export const openaiRequestRules: readonly RequestRule<OpenAIRulesBody>[] = [
  {
    name: "unknown-role",
    rejects: "a message whose role is not system, developer, user, assistant, tool or function",
    check(body) {
      const messages = messagesOf(body);
      for (const [index, message] of messages.entries()) {
        if (ROLES.includes(String(message.role))) continue;
        return {
          message:
            `Invalid value: '${String(message.role)}'. ` +
            "Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.",
          param: `messages[${index}].role`,
          code: "invalid_value",
        };
      }
      return undefined;
    },
  },
  {
    name: "empty-tools",
    rejects: "an empty `tools` array",
    check: (body) =>
      Array.isArray(body.tools) && body.tools.length === 0
        ? {
            message: "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            param: "tools",
            code: "empty_array",
          }
        : undefined,
  },
  {
    name: "empty-tool-calls",
    rejects: "an assistant message with an empty `tool_calls` array",
    check(body) {
      for (const [index, message] of messagesOf(body).entries()) {
        if (!Array.isArray(message.tool_calls) || message.tool_calls.length > 0) continue;
        return {
          message:
            `Invalid 'messages[${index}].tool_calls': empty array. ` +
            "Expected an array with minimum length 1, but got an empty array instead.",
          param: `messages[${index}].tool_calls`,
          code: "empty_array",
        };
      }
      return undefined;
    },
  },
  {
    name: "tool-without-call",
    rejects: "a `tool` message that does not answer a tool call of the assistant message right before it (tool messages in between)",
    check(body) {
      let open = new Set<string>();
      for (const [index, message] of messagesOf(body).entries()) {
        if (message.role === "tool") {
          if (!open.has(String(message.tool_call_id))) {
            return {
              message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
              param: `messages.[${index}].role`,
            };
          }
          continue;
        }
        open = new Set(message.role === "assistant" ? toolCallIds(message) : []);
      }
      return undefined;
    },
  },
  {
    name: "unanswered-tool-call",
    rejects: "an assistant tool call without a `tool` message answering it before the next non-tool message (or the end)",
    check(body) {
      const messages = messagesOf(body);
      for (const [index, message] of messages.entries()) {
        const pending = new Set(message.role === "assistant" ? toolCallIds(message) : []);
        if (pending.size === 0) continue;
        let next = index + 1;
        for (; next < messages.length && messages[next]!.role === "tool"; next++) pending.delete(String(messages[next]!.tool_call_id));
        if (pending.size === 0) continue;
        return {
          message:
            "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. " +
            `The following tool_call_ids did not have response messages: ${[...pending].join(", ")}`,
          param: `messages.[${next < messages.length ? next : index}].role`,
        };
      }
      return undefined;
    },
  },
];
