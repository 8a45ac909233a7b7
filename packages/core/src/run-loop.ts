import {
  CopilotRuntimeError,
  EventType,
  ProviderError,
  isAbortError,
  redactSecrets,
  type AdapterTool,
  type AssistantMessage,
  type Identity,
  type BaseEvent,
  type Message,
  type ModelParameters,
  type NormalizedAction,
  type RunAgentInput,
  type ServiceAdapter,
  type TokenUsage,
  type ToolCall,
  type Usage,
} from "@copilot-runtime/protocol";
import { executeToolCalls, type PendingToolCall } from "./execute-tool-calls.js";
import type { RunFailure } from "@copilot-runtime/protocol";

export interface RunLoopOptions {
  input: RunAgentInput;
  adapter: ServiceAdapter;
  /** Server actions by name. */
  actions: ReadonlyMap<string, NormalizedAction>;
  /** Tools offered to the LLM: server actions first, then frontend tools they do not shadow. */
  tools: AdapterTool[];
  /** Names of the frontend tools the client executes. */
  frontendToolNames: ReadonlySet<string>;
  parameters: ModelParameters;
  properties: Record<string, unknown>;
  url: string | undefined;
  maxSteps: number;
  signal: AbortSignal;
  /** The LLM call fails with `timeout` when its stream sends nothing for this long (ms). */
  providerTimeoutMs: number;
  identity?: Identity;
  onActionError: (error: unknown, toolCallId: string) => void;
}

/** What a run produced, for `onAfterRequest`. */
export interface RunRecord {
  outputMessages: Message[];
  usage: Usage;
  error?: RunFailure;
}

class AbortedRun extends CopilotRuntimeError {
  constructor() {
    super("aborted", "The run was aborted.", { status: 499 });
  }
}

/** The LLM's stream went silent for too long. */
class ProviderTimeout extends ProviderError {
  constructor(provider: string, ms: number) {
    super("timeout", `The LLM sent nothing for ${ms} ms; the request was abandoned.`, { provider, status: 504 });
  }
}

/** The abort reason of a run stopped on purpose (`stop`), reported as such. */
export class StoppedRun extends CopilotRuntimeError {
  constructor() {
    super("stopped", "The run was stopped.", { status: 499 });
  }
}

function abortedError(signal: AbortSignal): CopilotRuntimeError {
  return signal.reason instanceof StoppedRun ? signal.reason : new AbortedRun();
}

/** Folds the app's context (`RunAgentInput.context`) into a system message after the leading system messages. */
export function conversationFor(input: RunAgentInput): Message[] {
  const context = input.context ?? [];
  if (context.length === 0) return [...input.messages];
  const content = "The app provides this context:\n" + context.map((item) => `- ${item.description}: ${item.value}`).join("\n");
  const messages = [...input.messages];
  let at = 0;
  while (at < messages.length && (messages[at]?.role === "system" || messages[at]?.role === "developer")) at++;
  messages.splice(at, 0, { id: `context-${input.runId}`, role: "system", content });
  return messages;
}

function addUsage(total: Usage, usage: Usage): void {
  for (const key of Object.keys(usage) as (keyof Usage)[]) {
    const value = usage[key];
    if (value != null) total[key] = (total[key] ?? 0) + value;
  }
}

function toFailure(error: unknown): RunFailure {
  if (error instanceof CopilotRuntimeError) return { code: error.code, message: error.message, cause: error };
  const detail = error instanceof Error ? error.message : String(error);
  return {
    code: "internal_error",
    message: `The run failed: ${redactSecrets(detail)}`.slice(0, 1000),
    cause: error,
  };
}

/**
 * The run loop: call the LLM, stream its text and tool calls, run the server
 * actions it asked for (in parallel), feed their results back, and repeat
 * until the LLM answers without server tool calls, asks for a frontend tool,
 * or `maxSteps` LLM calls were made. Every failure becomes one `RUN_ERROR`;
 * the generator never throws.
 */
export async function* runLoop(options: RunLoopOptions, record: RunRecord): AsyncGenerator<BaseEvent> {
  const { input, adapter, signal } = options;
  const { threadId, runId } = input;
  yield { type: EventType.RUN_STARTED, threadId, runId } as BaseEvent;

  try {
    const history = conversationFor(input);
    for (let step = 0; ; step++) {
      if (signal.aborted) throw abortedError(signal);
      const assistantId = crypto.randomUUID();
      let text = "";
      let textOpen = false;
      let reasoningId: string | undefined;
      const calls = new Map<string, PendingToolCall & { open: boolean }>();

      const closeReasoning = function* (): Generator<BaseEvent> {
        if (reasoningId === undefined) return;
        yield { type: EventType.REASONING_MESSAGE_END, messageId: reasoningId } as BaseEvent;
        reasoningId = undefined;
      };

      // The step's own signal: the run's, plus the idle watchdog (one timer per step, none per token).
      const stepAbort = new AbortController();
      const onRunAbort = () => stepAbort.abort(signal.reason);
      signal.addEventListener("abort", onRunAbort, { once: true });
      let lastPartAt = Date.now();
      const watchdog = setInterval(
        () => {
          if (Date.now() - lastPartAt >= options.providerTimeoutMs)
            stepAbort.abort(new ProviderTimeout(adapter.provider, options.providerTimeoutMs));
        },
        Math.max(10, Math.min(1000, options.providerTimeoutMs / 4)),
      );
      try {
        const stream = adapter.stream({
          threadId,
          runId,
          messages: history,
          tools: options.tools,
          parameters: options.parameters,
          signal: stepAbort.signal,
        });
        for await (const part of stream) {
          lastPartAt = Date.now();
          switch (part.type) {
            case "text-delta":
              if (part.delta === "") break;
              yield* closeReasoning();
              if (!textOpen) {
                yield { type: EventType.TEXT_MESSAGE_START, messageId: assistantId, role: "assistant" } as BaseEvent;
                textOpen = true;
              }
              text += part.delta;
              yield { type: EventType.TEXT_MESSAGE_CONTENT, messageId: assistantId, delta: part.delta } as BaseEvent;
              break;
            case "reasoning-delta":
              if (part.delta === "") break;
              if (reasoningId === undefined) {
                reasoningId = crypto.randomUUID();
                yield { type: EventType.REASONING_MESSAGE_START, messageId: reasoningId, role: "reasoning" } as BaseEvent;
              }
              yield { type: EventType.REASONING_MESSAGE_CONTENT, messageId: reasoningId, delta: part.delta } as BaseEvent;
              break;
            case "tool-call-start": {
              if (calls.has(part.toolCallId)) break;
              yield* closeReasoning();
              if (textOpen) {
                yield { type: EventType.TEXT_MESSAGE_END, messageId: assistantId } as BaseEvent;
                textOpen = false;
              }
              calls.set(part.toolCallId, { id: part.toolCallId, name: part.toolName, args: "", open: true });
              yield {
                type: EventType.TOOL_CALL_START,
                toolCallId: part.toolCallId,
                toolCallName: part.toolName,
                parentMessageId: assistantId,
              } as BaseEvent;
              break;
            }
            case "tool-call-delta": {
              const call = calls.get(part.toolCallId);
              if (call === undefined || !call.open || part.argsDelta === "") break;
              call.args += part.argsDelta;
              yield { type: EventType.TOOL_CALL_ARGS, toolCallId: call.id, delta: part.argsDelta } as BaseEvent;
              break;
            }
            case "tool-call-end": {
              const call = calls.get(part.toolCallId);
              if (call === undefined || !call.open) break;
              call.open = false;
              yield { type: EventType.TOOL_CALL_END, toolCallId: call.id } as BaseEvent;
              break;
            }
            case "usage":
              addUsage(record.usage, part.usage);
              break;
            case "error":
              throw part.error;
            default:
              break;
          }
        }
      } catch (error) {
        if (stepAbort.signal.reason instanceof ProviderTimeout) throw stepAbort.signal.reason;
        if (signal.aborted || isAbortError(error)) throw abortedError(signal);
        throw error;
      } finally {
        clearInterval(watchdog);
        signal.removeEventListener("abort", onRunAbort);
      }
      if (stepAbort.signal.reason instanceof ProviderTimeout) throw stepAbort.signal.reason;

      yield* closeReasoning();
      if (textOpen) yield { type: EventType.TEXT_MESSAGE_END, messageId: assistantId } as BaseEvent;
      for (const call of calls.values()) {
        if (!call.open) continue;
        call.open = false;
        yield { type: EventType.TOOL_CALL_END, toolCallId: call.id } as BaseEvent;
      }

      if (text === "" && calls.size === 0) break;
      const toolCalls: ToolCall[] = [...calls.values()].map((call) => ({
        id: call.id,
        type: "function",
        function: { name: call.name, arguments: call.args },
      }));
      const assistant: AssistantMessage = { id: assistantId, role: "assistant" };
      if (text !== "") assistant.content = text;
      if (toolCalls.length > 0) assistant.toolCalls = toolCalls;
      history.push(assistant);
      record.outputMessages.push(assistant);

      // Frontend tools are left to the client; everything else runs here
      // (an unknown tool name gets an error result the LLM can recover from).
      const serverCalls = [...calls.values()].filter((call) => !options.frontendToolNames.has(call.name));
      const hasFrontendCalls = serverCalls.length < calls.size;
      if (serverCalls.length > 0) {
        const outcomes = yield* executeToolCalls(serverCalls, {
          actions: options.actions,
          context: {
            signal,
            properties: options.properties,
            url: options.url,
            threadId,
            runId,
            ...(options.identity ? { identity: options.identity } : {}),
          },
          onActionError: (error, call) => options.onActionError(error, call.id),
        });
        if (signal.aborted) throw abortedError(signal);
        for (const outcome of outcomes) {
          if (outcome.streamedMessage) {
            record.outputMessages.push({ id: outcome.streamedMessage.id, role: "assistant", content: outcome.streamedMessage.content });
          }
          const toolMessage: Message = {
            id: outcome.resultMessageId,
            role: "tool",
            toolCallId: outcome.call.id,
            content: outcome.content,
          };
          history.push(toolMessage);
          record.outputMessages.push(toolMessage);
        }
      }
      if (hasFrontendCalls || serverCalls.length === 0) break;
      if (step + 1 >= options.maxSteps) break;
    }

    const finished: Record<string, unknown> = { type: EventType.RUN_FINISHED, threadId, runId };
    const usage = tokenUsage(record.usage, adapter);
    if (usage) finished.usage = [usage];
    yield finished as unknown as BaseEvent;
  } catch (error) {
    const failure = toFailure(error);
    record.error = failure;
    yield { type: EventType.RUN_ERROR, message: failure.message, code: failure.code } as BaseEvent;
  }
}

/** The run's token usage as AG-UI reports it, or undefined when the provider reported none. */
export function tokenUsage(usage: Usage, adapter: ServiceAdapter): TokenUsage | undefined {
  if (Object.keys(usage).length === 0) return undefined;
  return { provider: adapter.provider, model: adapter.model, ...usage };
}
