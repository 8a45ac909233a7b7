import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3FinishReason,
  LanguageModelV3FunctionTool,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
  SharedV3ProviderOptions,
} from "@ai-sdk/provider";
import {
  ConfigurationError,
  abortError,
  type AdapterPart,
  type AdapterRequest,
  type FinishReason,
  type ServiceAdapter,
  type Usage,
} from "@copilot-runtime/protocol";
import { toLanguageModelPrompt } from "./convert-messages.js";
import { toProviderError, type ErrorContext } from "./map-error.js";

/** The model spec version this adapter drives: the one AI SDK 6 providers (`@ai-sdk/*` 3.x, Bedrock 4.x) implement. */
export const SUPPORTED_SPECIFICATION_VERSION = "v3";

export interface AISDKAdapterOptions {
  /**
   * An AI SDK language model (`LanguageModelV3`), e.g. `openai.chat("gpt-4o")`, `anthropic("claude-sonnet-5-5")`,
   * `google("gemini-2.5-flash")`, `bedrock("us.anthropic.claude-sonnet-4-5-20250929-v1:0")`.
   */
  model: LanguageModelV3;
  /** Provider options passed to every call as they are, e.g. `{ anthropic: { thinking: { type: "enabled", budgetTokens: 2048 } } }`. */
  providerOptions?: SharedV3ProviderOptions;
  /** Extra HTTP headers for every call. */
  headers?: Record<string, string>;
  /**
   * Values to remove from error messages and the errors kept as `cause`, e.g. the API key given to the provider
   * (the adapter never sees it). Keys shaped like OpenAI's, Anthropic's, Google's and Groq's are removed anyway.
   */
  secrets?: readonly string[];
}

/** The unified finish reasons of the model spec, as the runtime's. */
const FINISH_REASONS: Readonly<Record<LanguageModelV3FinishReason["unified"], FinishReason>> = {
  stop: "stop",
  length: "length",
  "content-filter": "content_filter",
  "tool-calls": "tool_calls",
  error: "error",
  other: "other",
};

/**
 * Providers' own finish reasons for a generation that failed, which AI SDK providers report as `other`:
 * OpenAI-compatible servers' `error` (vLLM, gateways), Bedrock's `malformed_model_output` and `malformed_tool_use`.
 */
const FAILED_GENERATION_REASONS = new Set(["error", "malformed_model_output", "malformed_tool_use"]);

/** The runtime's finish reason for the model's. */
export function finishReasonOf(reason: LanguageModelV3FinishReason): FinishReason {
  if (reason.unified === "other" && reason.raw !== undefined && FAILED_GENERATION_REASONS.has(reason.raw)) return "error";
  return FINISH_REASONS[reason.unified] ?? "other";
}

/** The runtime's token usage for the model's; undefined when the provider reported no count. */
export function usageOf(usage: LanguageModelV3Usage | undefined): Usage | undefined {
  if (usage === undefined) return undefined;
  const input = usage.inputTokens?.total;
  const output = usage.outputTokens?.total;
  const out: Usage = {};
  if (input !== undefined) out.inputTokens = input;
  if (output !== undefined) out.outputTokens = output;
  if (input !== undefined && output !== undefined) out.totalTokens = input + output;
  if (usage.inputTokens?.cacheRead !== undefined) out.cachedInputTokens = usage.inputTokens.cacheRead;
  if (usage.inputTokens?.cacheWrite !== undefined) out.cacheWriteInputTokens = usage.inputTokens.cacheWrite;
  if (usage.outputTokens?.reasoning !== undefined) out.reasoningTokens = usage.outputTokens.reasoning;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A tool call of the stream, by the id the model gave it. */
interface OpenCall {
  /** The arguments streamed so far. */
  args: string;
  ended: boolean;
}

/**
 * Turns the model's stream parts into the runtime's. Tool calls: `tool-input-start/delta/end` stream the arguments;
 * a `tool-call` without them (Gemini sends calls whole) is announced, given its arguments and closed at once.
 * Calls the provider ran itself (`providerExecuted`: web search, code execution), their results, files, sources and
 * approval requests have no place in the runtime's contract and are left out.
 */
class PartMapper {
  private readonly calls = new Map<string, OpenCall>();
  /** Ids of calls the provider executes: their input parts are skipped. */
  private readonly providerCalls = new Set<string>();
  finish: FinishReason | undefined;
  error: unknown;
  hasError = false;

  *map(part: LanguageModelV3StreamPart): Generator<AdapterPart> {
    switch (part.type) {
      case "text-delta":
        if (part.delta !== "") yield { type: "text-delta", delta: part.delta };
        break;
      case "reasoning-delta":
        if (part.delta !== "") yield { type: "reasoning-delta", delta: part.delta };
        break;
      case "tool-input-start":
        if (part.providerExecuted === true) {
          this.providerCalls.add(part.id);
          break;
        }
        if (this.calls.has(part.id)) break;
        this.calls.set(part.id, { args: "", ended: false });
        yield { type: "tool-call-start", toolCallId: part.id, toolName: part.toolName };
        break;
      case "tool-input-delta": {
        const call = this.calls.get(part.id);
        if (call === undefined || call.ended || part.delta === "") break;
        call.args += part.delta;
        yield { type: "tool-call-delta", toolCallId: part.id, argsDelta: part.delta };
        break;
      }
      case "tool-input-end": {
        const call = this.calls.get(part.id);
        if (call === undefined || call.ended) break;
        // a call whose arguments come only with its `tool-call` part stays open until then
        if (call.args === "") break;
        call.ended = true;
        yield { type: "tool-call-end", toolCallId: part.id };
        break;
      }
      case "tool-call": {
        if (part.providerExecuted === true || this.providerCalls.has(part.toolCallId)) break;
        let call = this.calls.get(part.toolCallId);
        if (call === undefined) {
          call = { args: "", ended: false };
          this.calls.set(part.toolCallId, call);
          yield { type: "tool-call-start", toolCallId: part.toolCallId, toolName: part.toolName };
        }
        if (call.ended) break;
        if (call.args === "" && part.input !== "") {
          call.args = part.input;
          yield { type: "tool-call-delta", toolCallId: part.toolCallId, argsDelta: part.input };
        }
        call.ended = true;
        yield { type: "tool-call-end", toolCallId: part.toolCallId };
        break;
      }
      case "response-metadata":
        if (part.modelId !== undefined || part.id !== undefined)
          yield {
            type: "response-metadata",
            ...(part.modelId !== undefined ? { model: part.modelId } : {}),
            ...(part.id !== undefined ? { id: part.id } : {}),
          };
        break;
      case "finish": {
        const usage = usageOf(part.usage);
        if (usage !== undefined) yield { type: "usage", usage };
        this.finish = finishReasonOf(part.finishReason);
        break;
      }
      case "error":
        this.error = part.error;
        this.hasError = true;
        break;
      default:
        // stream-start (warnings), response-metadata, text/reasoning start and end, raw chunks, provider-executed
        // tool results, files, sources, tool approval requests: nothing the runtime's contract carries
        break;
    }
  }

  /** Closes the calls the stream left open. */
  *close(): Generator<AdapterPart> {
    for (const [id, call] of this.calls) {
      if (!call.ended) yield { type: "tool-call-end", toolCallId: id };
    }
  }
}

/** What the runtime's tools become for the model. */
function functionTools(request: AdapterRequest): LanguageModelV3FunctionTool[] {
  return request.tools.map((tool) => ({
    type: "function",
    name: tool.name,
    description: tool.description,
    inputSchema: tool.parameters as LanguageModelV3FunctionTool["inputSchema"],
  }));
}

/**
 * Any AI SDK language model as a service adapter: the model's own `doStream` (the model spec, `LanguageModelV3`),
 * without `streamText` in between, so that the provider's stream reaches the runtime through one transform and
 * nothing retries behind the runtime's back. Text, reasoning, tool calls with their arguments as they stream,
 * usage and finish reasons become the runtime's parts; errors become `ProviderError`s.
 */
export class AISDKAdapter implements ServiceAdapter {
  readonly provider: string;
  readonly model: string;
  private readonly languageModel: LanguageModelV3;
  private readonly options: AISDKAdapterOptions;

  constructor(options: AISDKAdapterOptions) {
    const model = options?.model as Partial<LanguageModelV3> | string | undefined;
    if (model === undefined || model === null || typeof model !== "object" || typeof model.doStream !== "function") {
      throw new ConfigurationError(
        'AISDKAdapter needs `model`: an AI SDK language model object, e.g. `openai.chat("gpt-4o")` from @ai-sdk/openai ' +
          "(a model id string needs the AI SDK's gateway, which this adapter does not use).",
      );
    }
    if (model.specificationVersion !== SUPPORTED_SPECIFICATION_VERSION) {
      throw new ConfigurationError(
        `AISDKAdapter supports language models of specification ${SUPPORTED_SPECIFICATION_VERSION} (AI SDK 6: @ai-sdk/* 3.x, ` +
          `@ai-sdk/amazon-bedrock 4.x); this model implements ${String(model.specificationVersion)}.`,
      );
    }
    this.options = options;
    this.languageModel = options.model;
    this.provider = options.model.provider.split(".")[0] || options.model.provider;
    this.model = options.model.modelId;
  }

  /** The model call for a request (the prompt, tools and parameters). */
  buildCallOptions(request: AdapterRequest): LanguageModelV3CallOptions {
    const call: LanguageModelV3CallOptions = { prompt: toLanguageModelPrompt(request.messages), abortSignal: request.signal };
    const { temperature, maxTokens, topP, stop } = request.parameters;
    if (temperature !== undefined) call.temperature = temperature;
    if (maxTokens !== undefined) call.maxOutputTokens = maxTokens;
    if (topP !== undefined) call.topP = topP;
    if (stop !== undefined && stop.length > 0) call.stopSequences = stop;
    if (request.tools.length > 0) {
      call.tools = functionTools(request);
      call.toolChoice = { type: "auto" };
    }
    if (this.options.providerOptions !== undefined) call.providerOptions = this.options.providerOptions;
    // the app's headers, then the request's (the trace context)
    if (this.options.headers !== undefined || request.headers !== undefined) call.headers = { ...this.options.headers, ...request.headers };
    return call;
  }

  async *stream(request: AdapterRequest): AsyncIterable<AdapterPart> {
    const context: ErrorContext = {
      provider: this.provider,
      label: `The ${this.languageModel.provider} model (AI SDK)`,
      signal: request.signal,
      secrets: this.options.secrets ?? [],
    };
    const mapper = new PartMapper();
    let reader: ReadableStreamDefaultReader<LanguageModelV3StreamPart> | undefined;
    let done = false;
    try {
      const result = await this.languageModel.doStream(this.buildCallOptions(request));
      reader = result.stream.getReader();
      for (;;) {
        const next = await reader.read();
        if (next.done) {
          done = true;
          break;
        }
        yield* mapper.map(next.value);
        if (mapper.hasError) throw mapper.error;
      }
    } catch (error) {
      throw toProviderError(error, context);
    } finally {
      // stop the provider's stream when the answer failed or the consumer left early
      if (reader !== undefined && !done) await reader.cancel().catch(() => undefined);
    }
    if (request.signal.aborted) throw abortError();
    yield* mapper.close();
    yield { type: "finish", reason: mapper.finish ?? "stop" };
  }
}
