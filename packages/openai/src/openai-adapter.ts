import {
  abortError,
  nodeHttpFetch,
  missingApiKeyError,
  providerParameters,
  type AdapterPart,
  type AdapterRequest,
  type FinishReason,
  type ServiceAdapter,
} from "@copilot-runtime/protocol";
import OpenAI from "openai";
import { toOpenAIMessages } from "./convert-messages.js";
import { toProviderError } from "./map-error.js";
import { readChatChunks } from "./read-chat-chunks.js";

export interface OpenAIAdapterOptions {
  /**
   * A configured client (API key, baseURL for OpenAI-compatible servers, Azure, retries), used as it is. Without it
   * the adapter makes its own from `apiKey` and `baseURL` (default: the environment, `OPENAI_API_KEY` and
   * `OPENAI_BASE_URL`), on a keep-alive `node:http` connection pool of its own instead of the global `fetch`.
   */
  openai?: OpenAI;
  /** The API key of the client the adapter makes (without `openai`). Default: `OPENAI_API_KEY`. */
  apiKey?: string;
  /** The base URL of the client the adapter makes (without `openai`), e.g. an OpenAI-compatible server's. */
  baseURL?: string;
  /** Default "gpt-4o". */
  model?: string;
  /** Ask for one tool call at a time (`parallel_tool_calls: false`). */
  disableParallelToolCalls?: boolean;
  /**
   * Send system messages with the `system` role. By default they are sent as
   * `developer`, which newer OpenAI models expect; set this for
   * OpenAI-compatible servers that only know `system`.
   */
  keepSystemRole?: boolean;
  /**
   * Retries of a failed request (429, 5xx, connection errors), overriding the
   * client's own setting (the `openai` SDK's default is 2, with backoff).
   */
  maxRetries?: number;
}

type ChatCompletionCreateParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming;

const FINISH_REASONS: Record<string, FinishReason> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool_calls",
  function_call: "tool_calls",
  content_filter: "content_filter",
  // OpenAI-compatible servers (vLLM, some gateways) end a failed generation this way
  error: "error",
};

const PARAMETER_NAMES = { temperature: "temperature", maxTokens: "max_tokens", topP: "top_p", stop: "stop" } as const;

/**
 * Chat Completions streaming through the `openai` SDK. Works with every
 * OpenAI-compatible server (Azure, Groq, Ollama, OpenRouter, vLLM) through the
 * client's `baseURL`.
 */
export class OpenAIAdapter implements ServiceAdapter {
  readonly provider = "openai";
  readonly model: string;
  private client: OpenAI | undefined;
  private readonly options: OpenAIAdapterOptions;

  constructor(options: OpenAIAdapterOptions = {}) {
    this.options = options;
    this.client = options.openai;
    this.model = options.model ?? "gpt-4o";
  }

  /** The client; the default one is made on first use, when a missing key is a configuration error. */
  private getClient(): OpenAI {
    if (this.client !== undefined) return this.client;
    // Node's own keep-alive HTTP client (undefined on an edge runtime, which keeps the global fetch)
    const ownFetch = nodeHttpFetch();
    try {
      this.client ??= new OpenAI({
        ...(this.options.apiKey !== undefined ? { apiKey: this.options.apiKey } : {}),
        ...(this.options.baseURL !== undefined ? { baseURL: this.options.baseURL } : {}),
        ...(ownFetch !== undefined ? { fetch: ownFetch } : {}),
      });
    } catch (cause) {
      throw missingApiKeyError({
        adapter: "OpenAIAdapter",
        envVars: ["OPENAI_API_KEY"],
        option: "`openai: new OpenAI({ apiKey })`",
        cause,
      });
    }
    return this.client;
  }

  /** The Chat Completions request for an adapter request. */
  buildRequest(request: AdapterRequest): ChatCompletionCreateParams {
    const body: ChatCompletionCreateParams = {
      model: this.model,
      messages: toOpenAIMessages(request.messages, { keepSystemRole: this.options.keepSystemRole === true }),
      stream: true,
      stream_options: { include_usage: true },
      ...providerParameters(request.parameters, PARAMETER_NAMES),
    };
    if (request.tools.length > 0) {
      body.tools = request.tools.map((tool) => ({
        type: "function",
        function: { name: tool.name, description: tool.description, parameters: tool.parameters },
      }));
      if (this.options.disableParallelToolCalls === true) body.parallel_tool_calls = false;
    }
    return body;
  }

  async *stream(request: AdapterRequest): AsyncIterable<AdapterPart> {
    for await (const parts of this.streamBatches(request)) yield* parts;
  }

  /** The parts of each piece of the provider's answer read, as one batch (what the runtime reads). */
  async *streamBatches(request: AdapterRequest): AsyncIterable<AdapterPart[]> {
    const client = this.getClient();
    const body = this.buildRequest(request);
    // Calls by stream index; a compatible server that reuses an index with a new id starts a new call.
    const calls = new Map<number, { id: string; open: boolean }>();
    let finish: FinishReason | undefined;
    try {
      // the SDK makes the request (auth, Azure, retries, its errors); the stream is read from the raw response
      const response = await client.chat.completions
        .create(body, {
          signal: request.signal,
          ...(request.headers !== undefined ? { headers: request.headers } : {}),
          ...(this.options.maxRetries != null ? { maxRetries: this.options.maxRetries } : {}),
        })
        .asResponse();
      const batches = readChatChunks(response);
      let described = false;
      for await (const chunks of batches) {
        const out: AdapterPart[] = [];
        for (const chunk of chunks) {
          if (!described && (chunk.model || chunk.id)) {
            described = true;
            out.push({ type: "response-metadata", ...(chunk.model ? { model: chunk.model } : {}), ...(chunk.id ? { id: chunk.id } : {}) });
          }
          if (chunk.usage) {
            const usage = chunk.usage;
            out.push({
              type: "usage",
              usage: {
                inputTokens: usage.prompt_tokens,
                outputTokens: usage.completion_tokens,
                totalTokens: usage.total_tokens,
                ...(usage.prompt_tokens_details?.cached_tokens != null
                  ? { cachedInputTokens: usage.prompt_tokens_details.cached_tokens }
                  : {}),
                ...(usage.completion_tokens_details?.reasoning_tokens != null
                  ? { reasoningTokens: usage.completion_tokens_details.reasoning_tokens }
                  : {}),
              },
            });
          }
          const choice = chunk.choices?.[0];
          if (choice == null) continue;
          const delta = choice.delta;
          if (delta?.content != null && delta.content !== "") out.push({ type: "text-delta", delta: delta.content });
          for (const toolCall of delta?.tool_calls ?? []) {
            const index = toolCall.index ?? 0;
            let call = calls.get(index);
            if (call === undefined || (toolCall.id != null && toolCall.id !== "" && toolCall.id !== call.id)) {
              if (call?.open) out.push({ type: "tool-call-end", toolCallId: call.id });
              call = { id: toolCall.id || `call_${crypto.randomUUID()}`, open: true };
              calls.set(index, call);
              out.push({ type: "tool-call-start", toolCallId: call.id, toolName: toolCall.function?.name ?? "" });
            }
            const args = toolCall.function?.arguments;
            if (args != null && args !== "") out.push({ type: "tool-call-delta", toolCallId: call.id, argsDelta: args });
          }
          if (choice.finish_reason != null) finish = FINISH_REASONS[choice.finish_reason] ?? "other";
        }
        if (out.length > 0) yield out;
      }
    } catch (error) {
      if (request.signal.aborted) throw abortError(error);
      throw toProviderError(error, client.apiKey);
    }
    // The SDK ends the iteration quietly when aborted; report it as an abort.
    if (request.signal.aborted) throw abortError();
    const end: AdapterPart[] = [];
    for (const call of calls.values()) {
      if (call.open) end.push({ type: "tool-call-end", toolCallId: call.id });
    }
    end.push({ type: "finish", reason: finish ?? "stop" });
    yield end;
  }
}
