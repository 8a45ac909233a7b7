import type { RunAgentInput } from "@copilot-runtime/protocol";

// A run's input in its common shape, checked by hand: what AG-UI's zod schema (`RunAgentInputSchema`) would accept
// and give back unchanged but for `tools` and `context` defaulting to `[]`. Anything less common (multimodal content,
// activity messages, `resume`, a null `state`) or anything wrong returns undefined, and the schema itself decides,
// with its own error messages. So zod loads only for an unusual or bad input, and a common run pays a few property
// checks instead of a schema walk.

type Fields = Record<string, unknown>;

const isString = (value: unknown): value is string => typeof value === "string";
const isObject = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value);

/** Whether `value` is an array whose every item passes `check` (a hole, which `every` skips, does not). */
function everyItem(value: unknown, check: (item: unknown) => boolean): value is unknown[] {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (!check(value[i])) return false;
  return true;
}

/** An optional field: absent (or undefined), or passing `check`. */
function optional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

/** The fields every message role of AG-UI 1.0 may carry besides its own. */
function commonMessageFields(message: Fields): boolean {
  return (
    isString(message.id) &&
    optional(message.subagentRunId, isString) &&
    optional(message.encryptedValue, isString) &&
    optional(message.metadata, isObject)
  );
}

function isToolCall(value: unknown): boolean {
  if (!isObject(value) || !isString(value.id) || value.type !== "function") return false;
  const fn = value.function;
  return (
    isObject(fn) &&
    isString(fn.name) &&
    isString(fn.arguments) &&
    optional(value.encryptedValue, isString) &&
    optional(value.metadata, isObject)
  );
}

function isCommonMessage(value: unknown): boolean {
  if (!isObject(value) || !commonMessageFields(value)) return false;
  switch (value.role) {
    case "developer":
    case "system":
      return isString(value.content) && optional(value.name, isString);
    case "user":
      // content parts (images, files…) are for the schema to check
      return isString(value.content) && optional(value.name, isString);
    case "assistant":
      return (
        optional(value.content, isString) &&
        optional(value.name, isString) &&
        optional(value.toolCalls, (calls) => everyItem(calls, isToolCall))
      );
    case "tool":
      return isString(value.content) && isString(value.toolCallId) && optional(value.error, isString);
    case "reasoning":
      return isString(value.content);
    default:
      return false;
  }
}

function isTool(value: unknown): boolean {
  return (
    isObject(value) &&
    isString(value.name) &&
    isString(value.description) &&
    value.parameters !== null &&
    optional(value.metadata, isObject)
  );
}

function isContext(value: unknown): boolean {
  return isObject(value) && isString(value.description) && isString(value.value);
}

/** Absent (the schema's default, `[]`), or an array whose every item passes `check`. */
function listOf(value: unknown, check: (item: unknown) => boolean): unknown[] | undefined {
  if (value === undefined) return [];
  return everyItem(value, check) ? value : undefined;
}

/**
 * The input as AG-UI's schema would give it back, when it has the common shape; undefined when the schema must
 * decide (an unusual input, or an invalid one).
 */
export function commonRunAgentInput(body: Fields): RunAgentInput | undefined {
  if (!isString(body.threadId) || !isString(body.runId)) return undefined;
  if (!optional(body.protocolVersion, isString) || !optional(body.parentRunId, isString)) return undefined;
  if (body.state === null || body.forwardedProps === null || body.resume !== undefined) return undefined;
  if (!everyItem(body.messages, isCommonMessage)) return undefined;
  const tools = listOf(body.tools, isTool);
  const context = listOf(body.context, isContext);
  if (tools === undefined || context === undefined) return undefined;
  return { ...body, tools, context } as unknown as RunAgentInput;
}
