import { header, isRecord } from "./fake-request.js";
import type { RequestRule } from "./request-rules.js";

/** What the Anthropic rules read of a Messages body. */
export interface AnthropicRulesBody {
  system?: unknown;
  messages?: unknown;
  temperature?: unknown;
  top_p?: unknown;
  top_k?: unknown;
}

/** The first `anthropic-version` without the sampling parameters. */
const ANTHROPIC_SAMPLING_REMOVED_IN = "2026-10-21";

type Block = Record<string, unknown>;
interface Turn {
  role: unknown;
  blocks: Block[];
  empty: boolean;
}

function turnsOf(body: AnthropicRulesBody): Turn[] {
  if (!Array.isArray(body.messages)) return [];
  return body.messages.filter(isRecord).map((message) => {
    const content = message.content;
    if (typeof content === "string") return { role: message.role, blocks: [{ type: "text", text: content }], empty: content === "" };
    const blocks = Array.isArray(content) ? content.filter(isRecord) : [];
    return { role: message.role, blocks, empty: blocks.length === 0 };
  });
}

const toolUseIds = (turn: Turn) => turn.blocks.filter((block) => block.type === "tool_use").map((block) => String(block.id));

/** The `tool_result` ids at the start of a turn (the only ones the API pairs with the turn before). */
function leadingResultIds(turn: Turn | undefined): string[] {
  const ids: string[] = [];
  for (const block of turn?.blocks ?? []) {
    if (block.type !== "tool_result") break;
    ids.push(String(block.tool_use_id));
  }
  return ids;
}

function unpairedToolUse(body: AnthropicRulesBody, resultsLater: boolean) {
  const turns = turnsOf(body);
  for (const [index, turn] of turns.entries()) {
    if (turn.role !== "assistant") continue;
    const next = turns[index + 1];
    const answered = new Set(leadingResultIds(next));
    const missing = toolUseIds(turn).filter((id) => !answered.has(id));
    if (missing.length === 0) continue;
    const laterInTurn = (next?.blocks ?? []).some((block) => block.type === "tool_result" && missing.includes(String(block.tool_use_id)));
    if (laterInTurn !== resultsLater) continue;
    return {
      message:
        `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. ` +
        "Each `tool_use` block must have a corresponding `tool_result` block in the next message.",
    };
  }
  return undefined;
}

function emptyText(where: string, blocks: Block[]) {
  for (const block of blocks) {
    if (block.type !== "text" || typeof block.text !== "string") continue;
    if (block.text === "") return { message: `${where}: text content blocks must be non-empty` };
    if (block.text.trim() === "") return { message: `${where}: text content blocks must contain non-whitespace text` };
  }
  return undefined;
}

/**
 * The Messages requests the Anthropic API refuses (400, `invalid_request_error`),
 * with the messages it answers them with.
 */
export const anthropicRequestRules: readonly RequestRule<AnthropicRulesBody>[] = [
  {
    name: "sampling-on-new-version",
    rejects: `\`temperature\`, \`top_p\` or \`top_k\` under \`anthropic-version: ${ANTHROPIC_SAMPLING_REMOVED_IN}\` or later`,
    check(body, request) {
      const version = header(request, "anthropic-version") ?? "2023-06-01";
      if (version < ANTHROPIC_SAMPLING_REMOVED_IN) return undefined;
      const field = (["temperature", "top_p", "top_k"] as const).find((name) => body[name] !== undefined);
      return field === undefined ? undefined : { message: `${field}: Extra inputs are not permitted` };
    },
  },
  {
    name: "temperature-and-top-p",
    rejects: "`temperature` and `top_p` together (current models, any API version)",
    check: (body) =>
      body.temperature !== undefined && body.top_p !== undefined
        ? { message: "`temperature` and `top_p` cannot both be specified for this model. Please use only one." }
        : undefined,
  },
  {
    name: "first-turn-not-user",
    rejects: "a conversation whose first message is not a user message",
    check(body) {
      const first = turnsOf(body)[0];
      return first !== undefined && first.role !== "user" ? { message: 'messages: first message must use the "user" role' } : undefined;
    },
  },
  {
    name: "consecutive-roles",
    rejects: "two messages of one role in a row",
    check(body) {
      const turns = turnsOf(body);
      for (let i = 1; i < turns.length; i++) {
        if (turns[i]!.role !== turns[i - 1]!.role) continue;
        return {
          message:
            'messages: roles must alternate between "user" and "assistant", ' +
            `but found multiple "${String(turns[i]!.role)}" roles in a row`,
        };
      }
      return undefined;
    },
  },
  {
    name: "empty-content",
    rejects: 'a message with empty content (`""` or `[]`), except a final assistant message',
    check(body) {
      const turns = turnsOf(body);
      for (const [index, turn] of turns.entries()) {
        if (!turn.empty || (index === turns.length - 1 && turn.role === "assistant")) continue;
        return { message: `messages.${index}: all messages must have non-empty content except for the optional final assistant message` };
      }
      return undefined;
    },
  },
  {
    name: "empty-text-block",
    rejects: "a text block that is empty or only whitespace, in `system` or a message",
    check(body) {
      const system = Array.isArray(body.system) ? emptyText("system", body.system.filter(isRecord)) : undefined;
      if (system !== undefined) return system;
      for (const turn of turnsOf(body)) {
        const found = emptyText("messages", turn.empty ? [] : turn.blocks);
        if (found !== undefined) return found;
      }
      return undefined;
    },
  },
  {
    name: "tool-result-without-call",
    rejects: "a `tool_result` whose `tool_use_id` is not a `tool_use` of the assistant message right before it",
    check(body) {
      const turns = turnsOf(body);
      for (const [index, turn] of turns.entries()) {
        const calls = new Set(index > 0 && turns[index - 1]!.role === "assistant" ? toolUseIds(turns[index - 1]!) : []);
        for (const [position, block] of turn.blocks.entries()) {
          if (block.type !== "tool_result" || calls.has(String(block.tool_use_id))) continue;
          return {
            message:
              `messages.${index}.content.${position}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ` +
              `${String(block.tool_use_id)}. ` +
              "Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
          };
        }
      }
      return undefined;
    },
  },
  {
    name: "tool-result-not-first",
    rejects: "a `tool_result` after another block in its user message (results must open the message after the `tool_use`)",
    check: (body) => unpairedToolUse(body, true),
  },
  {
    name: "unanswered-tool-use",
    rejects: "a `tool_use` without a `tool_result` for its id in the next message",
    check: (body) => unpairedToolUse(body, false),
  },
];
