import { isRecord } from "./fake-request.js";
import type { RequestRule } from "./request-rules.js";

/** What the Bedrock rules read of a Converse body. */
export interface BedrockRulesBody {
  messages?: unknown;
  system?: unknown;
  inferenceConfig?: unknown;
  toolConfig?: unknown;
}

type Block = Record<string, unknown>;
interface Turn {
  role: unknown;
  blocks: Block[];
}

function turnsOf(body: BedrockRulesBody): Turn[] {
  if (!Array.isArray(body.messages)) return [];
  return body.messages.filter(isRecord).map((message) => ({
    role: message.role,
    blocks: Array.isArray(message.content) ? message.content.filter(isRecord) : [],
  }));
}

const toolUseIds = (turn: Turn | undefined) =>
  (turn?.blocks ?? []).flatMap((block) => (isRecord(block.toolUse) ? [String(block.toolUse.toolUseId)] : []));
const toolResultIds = (turn: Turn | undefined) =>
  (turn?.blocks ?? []).flatMap((block) => (isRecord(block.toolResult) ? [String(block.toolResult.toolUseId)] : []));

/**
 * The Converse requests Amazon Bedrock refuses (400 `ValidationException`), with the messages it answers them with.
 */
export const bedrockRequestRules: readonly RequestRule<BedrockRulesBody>[] = [
  {
    name: "no-messages",
    rejects: "a request without messages",
    check: (body) =>
      turnsOf(body).length === 0
        ? { message: "A conversation must start with a user message. Try again with a conversation that starts with a user message." }
        : undefined,
  },
  {
    name: "first-not-user",
    rejects: "a conversation whose first message is not the user's",
    check: (body) =>
      turnsOf(body)[0]?.role !== "user" && turnsOf(body).length > 0
        ? { message: "A conversation must start with a user message. Try again with a conversation that starts with a user message." }
        : undefined,
  },
  {
    name: "roles-not-alternating",
    rejects: "two messages of the same role in a row",
    check: (body) => {
      const turns = turnsOf(body);
      for (let i = 1; i < turns.length; i++) {
        if (turns[i]!.role === turns[i - 1]!.role) {
          return {
            message:
              "A conversation must alternate between user and assistant roles. Make sure the conversation alternates " +
              "between user and assistant roles and try again.",
          };
        }
      }
      return undefined;
    },
  },
  {
    name: "empty-content",
    rejects: "a message without content blocks, or a blank text block",
    check: (body) => {
      for (const [index, turn] of turnsOf(body).entries()) {
        if (turn.blocks.length === 0)
          return {
            message:
              `The content field in the Message object at messages.${index} is empty. ` +
              "Add a ContentBlock object to the content field and try again.",
          };
        for (const [blockIndex, block] of turn.blocks.entries()) {
          if (typeof block.text === "string" && block.text.trim() === "") {
            return {
              message:
                `The text field in the ContentBlock object at messages.${index}.content.${blockIndex} is blank. ` +
                "Add text to the text field, and try again.",
            };
          }
        }
      }
      return undefined;
    },
  },
  {
    name: "tool-use-without-result",
    rejects: "a toolUse block whose result is not in the next (user) message",
    check: (body) => {
      const turns = turnsOf(body);
      for (const [index, turn] of turns.entries()) {
        const results = new Set(toolResultIds(turns[index + 1]));
        const missing = toolUseIds(turn).filter((id) => !results.has(id));
        if (missing.length > 0) {
          return { message: `Expected toolResult blocks at messages.${index + 1}.content for the following Ids: ${missing.join(", ")}` };
        }
      }
      return undefined;
    },
  },
  {
    name: "tool-result-without-use",
    rejects: "a toolResult block without its toolUse in the message before",
    check: (body) => {
      const turns = turnsOf(body);
      for (const [index, turn] of turns.entries()) {
        const uses = new Set(toolUseIds(turns[index - 1]));
        if (toolResultIds(turn).some((id) => !uses.has(id))) {
          return {
            message: `The number of toolResult blocks at messages.${index}.content exceeds the number of toolUse blocks of previous turn.`,
          };
        }
      }
      return undefined;
    },
  },
  {
    name: "tool-blocks-without-tool-config",
    rejects: "toolUse or toolResult blocks in a request without toolConfig",
    check: (body) => {
      const turns = turnsOf(body);
      const usesTools = turns.some((turn) => toolUseIds(turn).length > 0 || toolResultIds(turn).length > 0);
      return usesTools && !isRecord(body.toolConfig)
        ? { message: "The toolConfig field must be defined when using toolUse and toolResult content blocks." }
        : undefined;
    },
  },
  {
    name: "tool-spec",
    rejects: "a tool without a valid name (^[a-zA-Z0-9_-]{1,64}$) or a JSON input schema",
    check: (body) => {
      const tools = isRecord(body.toolConfig) && Array.isArray(body.toolConfig.tools) ? body.toolConfig.tools : [];
      for (const [index, tool] of tools.entries()) {
        const spec = isRecord(tool) && isRecord(tool.toolSpec) ? tool.toolSpec : undefined;
        if (spec === undefined) continue; // cachePoint and system tools
        if (typeof spec.name !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(spec.name)) {
          return {
            message:
              `1 validation error detected: Value at 'toolConfig.tools.${index + 1}.member.toolSpec.name' failed to satisfy ` +
              "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+",
          };
        }
        if (!isRecord(spec.inputSchema) || !isRecord(spec.inputSchema.json)) {
          return { message: `The value at toolConfig.tools.${index}.toolSpec.inputSchema.json is not a valid JSON schema.` };
        }
      }
      return undefined;
    },
  },
  {
    name: "inference-config",
    rejects: "maxTokens below 1, temperature outside [0, 1], topP outside [0, 1]",
    check: (body) => {
      const config = isRecord(body.inferenceConfig) ? body.inferenceConfig : {};
      if (config.maxTokens !== undefined && !(Number.isInteger(config.maxTokens) && (config.maxTokens as number) >= 1)) {
        return {
          message:
            "1 validation error detected: Value at 'inferenceConfig.maxTokens' failed to satisfy constraint: " +
            "Member must have value greater than or equal to 1",
        };
      }
      for (const field of ["temperature", "topP"] as const) {
        const value = config[field];
        if (value !== undefined && !(typeof value === "number" && value >= 0 && value <= 1)) {
          return {
            message:
              `1 validation error detected: Value at 'inferenceConfig.${field}' failed to satisfy constraint: ` +
              "Member must have value less than or equal to 1",
          };
        }
      }
      return undefined;
    },
  },
];
