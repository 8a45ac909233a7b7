import {
  EventType,
  contentText,
  isPlainObject,
  type AGUIEvent,
  type ActionContext,
  type NormalizedAction,
  type RunTelemetry,
} from "@copilot-runtime/protocol";
import { EventChannel } from "./event-channel.js";
import { isMessageLike } from "./message-result.js";

export interface PendingToolCall {
  id: string;
  name: string;
  args: string;
}

export interface ToolCallOutcome {
  call: PendingToolCall;
  resultMessageId: string;
  content: string;
  /** Why the call did not run or failed (its `content` then tells the LLM). */
  failure?: "unknown_tool" | "invalid_arguments" | "action_failed";
}

export interface ExecuteOptions {
  actions: ReadonlyMap<string, NormalizedAction>;
  context: Omit<ActionContext, "toolCallId">;
  onActionError: (error: unknown, call: PendingToolCall) => void;
  /** The run's telemetry: each call that runs here is reported to it. */
  telemetry?: RunTelemetry;
}

const NO_VALUE = "The action completed and returned no value.";

function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `Error: ${message}`;
}

/** The text a streamed chunk contributes: strings as they are, LangChain chunks by their content, anything else as JSON. */
function chunkText(chunk: unknown): string {
  if (typeof chunk === "string") return chunk;
  if (isMessageLike(chunk)) return contentText(chunk.content);
  return stringify(chunk);
}

async function* once(value: string): AsyncGenerator<string> {
  yield value;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof value === "object" && Symbol.asyncIterator in value;
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return NO_VALUE;
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function parseArguments(call: PendingToolCall): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  const text = call.args.trim();
  if (text === "") return { ok: true, value: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      message: `Error: the arguments for "${call.name}" are not valid JSON (${detail}). Call it again with a JSON object.`,
    };
  }
  if (!isPlainObject(parsed)) {
    return { ok: false, message: `Error: the arguments for "${call.name}" must be a JSON object.` };
  }
  return { ok: true, value: parsed };
}

/** One call, reported to the run's telemetry when it is on: its span is the context its handler runs in. */
async function runTraced(call: PendingToolCall, options: ExecuteOptions, channel: EventChannel<AGUIEvent>): Promise<ToolCallOutcome> {
  const action = options.actions.get(call.name);
  if (options.telemetry === undefined) return runOne(call, action, options, channel, undefined);
  const tool = options.telemetry.startTool({
    name: call.name,
    callId: call.id,
    kind: action?.source ?? "action",
    ...(action !== undefined ? { description: action.description } : {}),
    arguments: call.args,
  });
  let thrown: unknown;
  let outcome: ToolCallOutcome | undefined;
  try {
    outcome = await tool.run(() => runOne(call, action, options, channel, { headers: tool.headers, onError: (error) => (thrown = error) }));
    return outcome;
  } finally {
    const code = outcome === undefined ? "action_failed" : outcome.failure;
    tool.end({
      ...(outcome !== undefined ? { result: outcome.content } : {}),
      ...(code !== undefined ? { errorCode: code } : {}),
      ...(thrown !== undefined ? { error: thrown } : {}),
    });
  }
}

async function runOne(
  call: PendingToolCall,
  action: NormalizedAction | undefined,
  options: ExecuteOptions,
  channel: EventChannel<AGUIEvent>,
  traced: { headers: Readonly<Record<string, string>>; onError: (error: unknown) => void } | undefined,
): Promise<ToolCallOutcome> {
  const resultMessageId = crypto.randomUUID();
  if (action === undefined) {
    return { call, resultMessageId, content: `Error: there is no tool named "${call.name}".`, failure: "unknown_tool" };
  }
  const parsed = parseArguments(call);
  if (!parsed.ok) return { call, resultMessageId, content: parsed.message, failure: "invalid_arguments" };
  const checked = action.parseArgs(parsed.value);
  if (!checked.ok) return { call, resultMessageId, content: `Error: ${checked.message}`, failure: "invalid_arguments" };

  try {
    const context = { ...options.context, toolCallId: call.id, ...(traced !== undefined ? { traceHeaders: traced.headers } : {}) };
    const value: unknown = await action.invoke(checked.value, context);
    if (typeof value === "string") return { call, resultMessageId, content: value };
    // A LangChain message is shown to the client as assistant text, like a one-chunk stream.
    const result = isMessageLike(value) ? once(contentText(value.content)) : value;
    if (!isAsyncIterable(result)) return { call, resultMessageId, content: stringify(result) };

    // A streamed result: forward it to the client as it comes, as a text message.
    const messageId = crypto.randomUUID();
    let content = "";
    let opened = false;
    try {
      for await (const chunk of result) {
        if (options.context.signal.aborted) break;
        const delta = chunkText(chunk);
        if (delta === "") continue;
        if (!opened) {
          channel.push({ type: EventType.TEXT_MESSAGE_START, messageId, role: "assistant" });
          opened = true;
        }
        content += delta;
        channel.push({ type: EventType.TEXT_MESSAGE_CONTENT, messageId, delta });
      }
    } finally {
      if (opened) channel.push({ type: EventType.TEXT_MESSAGE_END, messageId });
    }
    return { call, resultMessageId, content: content === "" ? NO_VALUE : content };
  } catch (error) {
    traced?.onError(error);
    try {
      options.onActionError(error, call);
    } catch {
      // a failing error reporter must not change the result
    }
    return { call, resultMessageId, content: errorText(error), failure: "action_failed" };
  }
}

/**
 * Runs the server-side tool calls of one LLM step in parallel. Yields their
 * events (streamed text, then each `TOOL_CALL_RESULT` as it completes) and
 * returns the outcomes in call order. A handler that throws or arguments that
 * are not a JSON object become an error result for the LLM, never a crash.
 */
export async function* executeToolCalls(
  calls: readonly PendingToolCall[],
  options: ExecuteOptions,
): AsyncGenerator<AGUIEvent, ToolCallOutcome[]> {
  if (calls.length === 0) return [];
  const channel = new EventChannel<AGUIEvent>();
  const outcomes: (ToolCallOutcome | undefined)[] = calls.map(() => undefined);
  let pending = calls.length;
  const signal = options.context.signal;
  const onAbort = () => channel.close();
  signal.addEventListener("abort", onAbort, { once: true });

  calls.forEach((call, index) => {
    void runTraced(call, options, channel)
      .catch((error: unknown): ToolCallOutcome => ({ call, resultMessageId: crypto.randomUUID(), content: errorText(error) }))
      .then((outcome) => {
        outcomes[index] = outcome;
        channel.push({
          type: EventType.TOOL_CALL_RESULT,
          messageId: outcome.resultMessageId,
          toolCallId: call.id,
          content: outcome.content,
        });
        if (--pending === 0) channel.close();
      });
  });
  try {
    yield* channel;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  return outcomes.filter((outcome): outcome is ToolCallOutcome => outcome !== undefined);
}
