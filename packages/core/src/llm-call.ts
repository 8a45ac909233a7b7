import {
  CopilotRuntimeError,
  aggregateTokenUsage,
  EventType,
  ProviderError,
  isAbortError,
  type AGUIEvent,
  type AdapterPart,
  type AdapterRequest,
  type AdapterTool,
  type AssistantMessage,
  type Message,
  type ModelParameters,
  type ServiceAdapter,
  type ChatTelemetry,
  type TelemetryChatEnd,
} from "@copilot-runtime/protocol";
import type { AgentRunContext } from "./agent.js";
import type { PendingToolCall } from "./execute-tool-calls.js";

export interface LlmCallRequest {
  adapter: ServiceAdapter;
  threadId: string;
  runId: string;
  messages: Message[];
  tools: AdapterTool[];
  parameters: ModelParameters;
}

/** What one LLM call answered: its assistant message (absent when it said nothing) and its tool calls. */
export interface LlmAnswer {
  message: AssistantMessage | undefined;
  calls: PendingToolCall[];
}

/**
 * One LLM call, streamed: text, reasoning and tool calls become AG-UI events
 * as they come (tool calls carry the assistant message as their parent), and
 * everything opened is closed when the stream ends. Usage and the finish
 * reason go to the run context. A provider failure or an abort is thrown.
 * The events come in batches, one per batch of the adapter's parts (`streamBatches`, else one per part).
 * Without telemetry it is the answer's own generator (no layer in between: every layer costs per batch).
 */
export function streamLlmCall(request: LlmCallRequest, context: AgentRunContext): AsyncGenerator<readonly AGUIEvent[], LlmAnswer> {
  const chat = context.telemetry?.startChat({
    provider: request.adapter.provider,
    model: request.adapter.model,
    parameters: request.parameters,
    messages: request.messages,
    tools: request.tools,
  });
  return chat === undefined ? streamAnswer(request, context, undefined) : tracedAnswer(request, context, chat);
}

/** The answer, reported to the run's telemetry as one `chat` call. */
async function* tracedAnswer(
  request: LlmCallRequest,
  context: AgentRunContext,
  chat: ChatTelemetry,
): AsyncGenerator<readonly AGUIEvent[], LlmAnswer> {
  const report: TelemetryChatEnd = {};
  try {
    const answer = yield* streamAnswer(request, context, { headers: chat.headers, report });
    if (answer.message?.content !== undefined) report.outputText = answer.message.content;
    if (answer.calls.length > 0) report.toolCalls = answer.calls.map(({ id, name, args }) => ({ id, name, arguments: args }));
    return answer;
  } catch (error) {
    report.error = error;
    report.errorCode = error instanceof CopilotRuntimeError ? error.code : isAbortError(error) ? "aborted" : "provider_error";
    throw error;
  } finally {
    // (also when the consumer left mid-answer)
    if (report.error === undefined && context.signal.aborted) {
      report.error = context.signal.reason;
      report.errorCode = context.signal.reason instanceof CopilotRuntimeError ? context.signal.reason.code : "aborted";
    }
    chat.end(report);
  }
}

/** The parts of an adapter without `streamBatches`, a batch of one each. */
async function* onePerBatch(parts: AsyncIterable<AdapterPart>): AsyncGenerator<readonly AdapterPart[]> {
  for await (const part of parts) yield [part];
}

async function* streamAnswer(
  request: LlmCallRequest,
  context: AgentRunContext,
  traced: { headers: Readonly<Record<string, string>>; report: TelemetryChatEnd } | undefined,
): AsyncGenerator<readonly AGUIEvent[], LlmAnswer> {
  const { adapter } = request;
  const messageId = crypto.randomUUID();
  let text = "";
  let textOpen = false;
  let reasoningId: string | undefined;
  const calls = new Map<string, PendingToolCall & { open: boolean }>();

  function closeText(out: AGUIEvent[]): void {
    if (!textOpen) return;
    textOpen = false;
    out.push({ type: EventType.TEXT_MESSAGE_END, messageId });
  }
  function closeReasoning(out: AGUIEvent[]): void {
    if (reasoningId === undefined) return;
    out.push({ type: EventType.REASONING_MESSAGE_END, messageId: reasoningId });
    reasoningId = undefined;
  }

  /** One part of the answer: its events go to `out`. */
  function take(part: AdapterPart, out: AGUIEvent[]): void {
    switch (part.type) {
      case "text-delta":
        if (part.delta === "") break;
        closeReasoning(out);
        if (!textOpen) {
          textOpen = true;
          out.push({ type: EventType.TEXT_MESSAGE_START, messageId, role: "assistant" });
        }
        text += part.delta;
        out.push({ type: EventType.TEXT_MESSAGE_CONTENT, messageId, delta: part.delta });
        break;
      case "reasoning-delta":
        if (part.delta === "") break;
        if (reasoningId === undefined) {
          reasoningId = crypto.randomUUID();
          out.push({ type: EventType.REASONING_MESSAGE_START, messageId: reasoningId, role: "reasoning" });
        }
        out.push({ type: EventType.REASONING_MESSAGE_CONTENT, messageId: reasoningId, delta: part.delta });
        break;
      case "tool-call-start":
        if (calls.has(part.toolCallId)) break;
        closeReasoning(out);
        closeText(out);
        calls.set(part.toolCallId, { id: part.toolCallId, name: part.toolName, args: "", open: true });
        out.push({ type: EventType.TOOL_CALL_START, toolCallId: part.toolCallId, toolCallName: part.toolName, parentMessageId: messageId });
        break;
      case "tool-call-delta": {
        const call = calls.get(part.toolCallId);
        if (call === undefined || !call.open || part.argsDelta === "") break;
        call.args += part.argsDelta;
        out.push({ type: EventType.TOOL_CALL_ARGS, toolCallId: call.id, delta: part.argsDelta });
        break;
      }
      case "tool-call-end": {
        const call = calls.get(part.toolCallId);
        if (call === undefined || !call.open) break;
        call.open = false;
        out.push({ type: EventType.TOOL_CALL_END, toolCallId: call.id });
        break;
      }
      case "usage":
        context.addUsage({ provider: adapter.provider, model: adapter.model, ...part.usage });
        if (traced !== undefined) {
          // a call may report its usage in several parts: summed
          const [sum] = aggregateTokenUsage(traced.report.usage ? [traced.report.usage, part.usage] : [part.usage]);
          traced.report.usage = sum;
        }
        break;
      case "response-metadata":
        if (traced === undefined) break;
        if (part.model !== undefined) traced.report.responseModel = part.model;
        if (part.id !== undefined) traced.report.responseId = part.id;
        break;
      case "finish":
        context.setFinishReason(part.reason);
        if (traced !== undefined) traced.report.finishReason = part.reason;
        // the provider says its generation failed: the run fails, it does not end as if it answered
        if (part.reason === "error")
          throw new ProviderError("provider_error", `${adapter.provider} ended its answer with an error.`, { provider: adapter.provider });
        break;
      case "error":
        throw part.error;
      default:
        break;
    }
  }

  const adapterRequest: AdapterRequest = {
    threadId: request.threadId,
    runId: request.runId,
    messages: request.messages,
    tools: request.tools,
    parameters: request.parameters,
    signal: context.signal,
    ...(traced !== undefined ? { headers: traced.headers } : {}),
  };
  const batches = adapter.streamBatches?.(adapterRequest) ?? onePerBatch(adapter.stream(adapterRequest));
  for await (const parts of batches) {
    context.watchdog.touch();
    const out: AGUIEvent[] = [];
    try {
      for (const part of parts) take(part, out);
    } catch (error) {
      // what came before the failure in the same batch still goes out
      if (out.length > 0) yield out;
      throw error;
    }
    if (out.length > 0) yield out;
  }
  // The SDKs of some providers end their iteration quietly when aborted.
  context.signal.throwIfAborted();

  const out: AGUIEvent[] = [];
  closeReasoning(out);
  closeText(out);
  for (const call of calls.values()) {
    if (!call.open) continue;
    call.open = false;
    out.push({ type: EventType.TOOL_CALL_END, toolCallId: call.id });
  }
  if (out.length > 0) yield out;
  if (text === "" && calls.size === 0) return { message: undefined, calls: [] };
  const message: AssistantMessage = { id: messageId, role: "assistant" };
  if (text !== "") message.content = text;
  if (calls.size > 0) {
    message.toolCalls = [...calls.values()].map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.args },
    }));
  }
  return { message, calls: [...calls.values()].map(({ id, name, args }) => ({ id, name, args })) };
}
