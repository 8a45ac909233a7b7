import {
  ConfigurationError,
  aggregateTokenUsage,
  contentText,
  tokenUsageFromLangChainMetadata,
  type AdapterPart,
  type FinishReason,
  type TokenUsage,
} from "@copilot-runtime/protocol";

interface ToolCallChunkLike {
  index?: number;
  id?: string;
  name?: string;
  args?: string;
}

interface ToolCallLike {
  id?: string;
  name: string;
  args: Record<string, unknown>;
}

/** The fields of `AIMessage` / `AIMessageChunk` the adapter reads. */
interface MessageLike {
  content: unknown;
  tool_calls?: ToolCallLike[];
  tool_call_chunks?: ToolCallChunkLike[];
  /** LangChain's `usage_metadata`, read by `@ag-ui/core`'s `tokenUsageFromLangChainMetadata`. */
  usage_metadata?: unknown;
  /** The provider's own metadata; OpenAI-style models put `finish_reason` here, Anthropic-style ones `stop_reason`. */
  response_metadata?: { finish_reason?: unknown; stop_reason?: unknown };
}

/** The provider finish reasons LangChain passes through, in the adapter contract's terms. */
const FINISH_REASONS: Record<string, FinishReason> = {
  stop: "stop",
  end_turn: "stop",
  stop_sequence: "stop",
  length: "length",
  max_tokens: "length",
  tool_calls: "tool_calls",
  tool_use: "tool_calls",
  function_call: "tool_calls",
  content_filter: "content_filter",
  error: "error",
};

function isMessage(value: unknown): value is MessageLike {
  return value != null && typeof value === "object" && "content" in value;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof value === "object" && Symbol.asyncIterator in value;
}

/** Assembles a LangChain result into adapter parts: text, tool calls (by index, so parallel calls stay distinct), usage. */
export class LangChainResultReader {
  private readonly calls = new Map<string, { id: string; open: boolean }>();
  /** The usage of every message or chunk that reported some, summed at the end. */
  private readonly usage: TokenUsage[] = [];
  private position = 0;
  /** The finish reason the provider reported, when its chunks carry one. */
  private finish: FinishReason | undefined;

  async *read(result: unknown, signal: AbortSignal): AsyncGenerator<AdapterPart> {
    if (typeof result === "string") {
      if (result !== "") yield { type: "text-delta", delta: result };
    } else if (isMessage(result)) {
      yield* this.message(result);
    } else if (isAsyncIterable(result)) {
      for await (const chunk of result) {
        if (signal.aborted) break;
        if (typeof chunk === "string") {
          if (chunk !== "") yield { type: "text-delta", delta: chunk };
        } else if (isMessage(chunk)) yield* this.message(chunk);
      }
    } else if (result != null) {
      const kind = Object.prototype.toString.call(result);
      throw new ConfigurationError(`chainFn returned ${kind}; return a string, an AIMessage, a BaseMessageChunk or a stream of chunks.`);
    }
    yield* this.end();
  }

  private *message(message: MessageLike): Generator<AdapterPart> {
    const text = contentText(message.content);
    if (text !== "") yield { type: "text-delta", delta: text };
    const chunks = message.tool_call_chunks ?? [];
    if (chunks.length > 0) {
      for (const chunk of chunks) yield* this.toolCallChunk(chunk);
    } else {
      // Whole tool calls (an AIMessage, or a chunk that carries complete calls).
      for (const call of message.tool_calls ?? []) {
        if (call.id !== undefined && this.calls.has(`id:${call.id}`)) continue;
        const id = call.id ?? `call_${crypto.randomUUID()}`;
        this.calls.set(`id:${id}`, { id, open: false });
        yield { type: "tool-call-start", toolCallId: id, toolName: call.name };
        yield { type: "tool-call-delta", toolCallId: id, argsDelta: JSON.stringify(call.args ?? {}) };
        yield { type: "tool-call-end", toolCallId: id };
      }
    }
    const usage = tokenUsageFromLangChainMetadata(message.usage_metadata, {});
    if (usage !== undefined) this.usage.push(usage);
    const reason = message.response_metadata?.finish_reason ?? message.response_metadata?.stop_reason;
    if (typeof reason === "string") this.finish = FINISH_REASONS[reason] ?? "other";
  }

  private *toolCallChunk(chunk: ToolCallChunkLike): Generator<AdapterPart> {
    const key =
      chunk.index !== undefined ? `index:${chunk.index}` : chunk.id !== undefined ? `id:${chunk.id}` : `position:${this.position}`;
    let call = this.calls.get(key);
    if (call === undefined || (chunk.id && chunk.name && chunk.id !== call.id)) {
      if (call?.open) yield { type: "tool-call-end", toolCallId: call.id };
      call = { id: chunk.id || `call_${crypto.randomUUID()}`, open: true };
      this.calls.set(key, call);
      this.position++;
      yield { type: "tool-call-start", toolCallId: call.id, toolName: chunk.name ?? "" };
    }
    if (chunk.args) yield { type: "tool-call-delta", toolCallId: call.id, argsDelta: chunk.args };
  }

  private *end(): Generator<AdapterPart> {
    let calls = 0;
    for (const call of this.calls.values()) {
      calls++;
      if (call.open) yield { type: "tool-call-end", toolCallId: call.id };
      call.open = false;
    }
    const [total] = aggregateTokenUsage(this.usage);
    if (total !== undefined) {
      const { provider: _provider, model: _model, ...usage } = total;
      yield { type: "usage", usage };
    }
    const reported = this.finish === "stop" && calls > 0 ? "tool_calls" : this.finish;
    yield { type: "finish", reason: reported ?? (calls > 0 ? "tool_calls" : "stop") };
  }
}
