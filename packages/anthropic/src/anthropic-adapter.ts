import Anthropic from "@anthropic-ai/sdk";
import { VERSION as SDK_VERSION } from "@anthropic-ai/sdk/version";
import {
  abortError,
  nodeHttpFetch,
  providerParameters,
  type AdapterPart,
  type AdapterRequest,
  type FinishReason,
  type ServiceAdapter,
  type Usage,
} from "@copilot-runtime/protocol";
import { toAnthropicMessages } from "./convert-messages.js";
import { toProviderError } from "./map-error.js";
import { readMessageEvents } from "./read-message-events.js";

export interface AnthropicAdapterOptions {
  /**
   * A configured client (API key, baseURL, retries), used as it is. Without it the adapter makes its own from
   * `apiKey` and `baseURL` (default: the environment, `ANTHROPIC_API_KEY`), on a keep-alive `node:http` connection
   * pool of its own instead of the global `fetch`.
   */
  anthropic?: Anthropic;
  /** The API key of the client the adapter makes (without `anthropic`). Default: `ANTHROPIC_API_KEY`. */
  apiKey?: string;
  /** The base URL of the client the adapter makes (without `anthropic`). */
  baseURL?: string;
  /** Default "claude-sonnet-5-5". */
  model?: string;
  /** `max_tokens` when the request sets none. Default 4096. */
  maxTokens?: number;
  /** Marks the system prompt and the last message with `cache_control` so Anthropic caches the prompt prefix. */
  promptCaching?: { enabled: boolean };
  /**
   * The `anthropic-version` to send. Default: the SDK's own (2026-10-21 for
   * `@anthropic-ai/sdk` 1.x, 2023-06-01 for 0.x). API version 2026-10-21
   * rejects `temperature` and `top_p`, so they are only sent under 2023-06-01,
   * and never together (current models refuse both): `temperature` wins.
   */
  apiVersion?: string;
  /**
   * Retries of a failed request (429, 5xx and 529, connection errors), overriding
   * the client's own setting (the SDK's default is 2, with backoff).
   */
  maxRetries?: number;
}

/** The API version that removed the sampling parameters. */
const SAMPLING_REMOVED_IN = "2026-10-21";

/** The model parameters sent under API 2023-06-01. */
const SAMPLING_PARAMETERS = { temperature: "temperature", topP: "top_p", stop: "stop_sequences" } as const;
/** The same without `top_p`: current models refuse `temperature` and `top_p` together, and `temperature` wins. */
const TEMPERATURE_AND_STOP = { temperature: "temperature", stop: "stop_sequences" } as const;
/** The model parameters sent under later API versions, which have no `temperature` and `top_p`. */
const STOP_ONLY = { stop: "stop_sequences" } as const;

type CreateParams = Anthropic.MessageCreateParamsStreaming;

const STOP_REASONS: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

const CACHE = { type: "ephemeral" } as const;

function markLastBlock(blocks: Anthropic.ContentBlockParam[] | Anthropic.TextBlockParam[]): void {
  const last = blocks.at(-1);
  if (last !== undefined && last.type !== "thinking" && last.type !== "redacted_thinking") {
    (last as { cache_control?: typeof CACHE }).cache_control = CACHE;
  }
}

/** Claude through the Messages streaming API of `@anthropic-ai/sdk`. */
export class AnthropicAdapter implements ServiceAdapter {
  readonly provider = "anthropic";
  readonly model: string;
  private client: Anthropic | undefined;
  /** The `anthropic-version` requests are sent with. */
  readonly apiVersion: string;
  private readonly options: AnthropicAdapterOptions;

  constructor(options: AnthropicAdapterOptions = {}) {
    this.options = options;
    this.client = options.anthropic;
    this.model = options.model ?? "claude-sonnet-5-5";
    this.apiVersion = options.apiVersion ?? (SDK_VERSION.startsWith("0.") ? "2023-06-01" : SAMPLING_REMOVED_IN);
  }

  /** Whether the API version still takes `temperature` / `top_p`. */
  get acceptsSampling(): boolean {
    return this.apiVersion < SAMPLING_REMOVED_IN;
  }

  /** The model parameters this API version takes for a request. */
  private samplingParameterNames(parameters: AdapterRequest["parameters"]) {
    if (!this.acceptsSampling) return STOP_ONLY;
    return parameters.temperature != null ? TEMPERATURE_AND_STOP : SAMPLING_PARAMETERS;
  }

  /**
   * The client; the default one is made on first use. (The SDK finds out that
   * it has no key only when it sends, see `toProviderError`.)
   */
  private getClient(): Anthropic {
    if (this.client !== undefined) return this.client;
    // Node's own keep-alive HTTP client (undefined on an edge runtime, which keeps the global fetch)
    const ownFetch = nodeHttpFetch();
    return (this.client ??= new Anthropic({
      ...(this.options.apiKey !== undefined ? { apiKey: this.options.apiKey } : {}),
      ...(this.options.baseURL !== undefined ? { baseURL: this.options.baseURL } : {}),
      ...(ownFetch !== undefined ? { fetch: ownFetch } : {}),
    }));
  }

  /** The Messages API request for an adapter request. */
  buildRequest(request: AdapterRequest): CreateParams {
    const { parameters } = request;
    const { system, messages } = toAnthropicMessages(request.messages);
    const caching = this.options.promptCaching?.enabled === true;
    const body: CreateParams = {
      model: this.model,
      max_tokens: parameters.maxTokens ?? this.options.maxTokens ?? 4096,
      messages,
      stream: true,
      ...providerParameters(parameters, this.samplingParameterNames(parameters)),
    };
    if (system.length > 0) {
      if (caching) markLastBlock(system);
      body.system = caching ? system : system.map((block) => block.text).join("\n\n");
    }
    if (caching) {
      const last = messages.at(-1);
      if (last !== undefined) {
        if (typeof last.content === "string") last.content = [{ type: "text", text: last.content }];
        markLastBlock(last.content);
      }
    }
    if (request.tools.length > 0) {
      body.tools = request.tools.map((tool) => ({
        name: tool.name,
        description: tool.description,
        input_schema: tool.parameters as Anthropic.Tool.InputSchema,
      }));
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
    const toolBlocks = new Map<number, string>(); // content block index → tool_use id
    const usage: Usage = {};
    let finish: FinishReason = "stop";
    try {
      const headers =
        this.options.apiVersion !== undefined ? { ...request.headers, "anthropic-version": this.options.apiVersion } : request.headers;
      // the SDK makes the request (auth, retries, its errors); the stream is read from the raw response
      const response = await client.messages
        .create(body, {
          signal: request.signal,
          ...(headers ? { headers } : {}),
          ...(this.options.maxRetries != null ? { maxRetries: this.options.maxRetries } : {}),
        })
        .asResponse();
      const batches = readMessageEvents(response);
      for await (const events of batches) {
        const out: AdapterPart[] = [];
        for (const event of events) {
          switch (event.type) {
            case "message_start": {
              const { id, model } = event.message;
              if (id || model) out.push({ type: "response-metadata", ...(model ? { model } : {}), ...(id ? { id } : {}) });
              const u = event.message.usage;
              usage.inputTokens = u.input_tokens;
              usage.outputTokens = u.output_tokens;
              if (u.cache_read_input_tokens != null) usage.cachedInputTokens = u.cache_read_input_tokens;
              if (u.cache_creation_input_tokens != null) usage.cacheWriteInputTokens = u.cache_creation_input_tokens;
              break;
            }
            case "content_block_start": {
              const block = event.content_block;
              if (block.type === "tool_use") {
                toolBlocks.set(event.index, block.id);
                out.push({ type: "tool-call-start", toolCallId: block.id, toolName: block.name });
              } else if (block.type === "text" && block.text !== "") {
                out.push({ type: "text-delta", delta: block.text });
              } else if (block.type === "thinking" && block.thinking !== "") {
                out.push({ type: "reasoning-delta", delta: block.thinking });
              }
              break;
            }
            case "content_block_delta": {
              const delta = event.delta;
              if (delta.type === "text_delta") {
                if (delta.text !== "") out.push({ type: "text-delta", delta: delta.text });
              } else if (delta.type === "input_json_delta") {
                const id = toolBlocks.get(event.index);
                if (id !== undefined && delta.partial_json !== "")
                  out.push({ type: "tool-call-delta", toolCallId: id, argsDelta: delta.partial_json });
              } else if (delta.type === "thinking_delta") {
                if (delta.thinking !== "") out.push({ type: "reasoning-delta", delta: delta.thinking });
              }
              break;
            }
            case "content_block_stop": {
              const id = toolBlocks.get(event.index);
              if (id !== undefined) out.push({ type: "tool-call-end", toolCallId: id });
              break;
            }
            case "message_delta": {
              if (event.delta.stop_reason != null) finish = STOP_REASONS[event.delta.stop_reason] ?? "other";
              const u = event.usage;
              if (u.output_tokens != null) usage.outputTokens = u.output_tokens;
              if (u.input_tokens != null) usage.inputTokens = u.input_tokens;
              if (u.cache_read_input_tokens != null) usage.cachedInputTokens = u.cache_read_input_tokens;
              if (u.cache_creation_input_tokens != null) usage.cacheWriteInputTokens = u.cache_creation_input_tokens;
              break;
            }
            default:
              break;
          }
        }
        if (out.length > 0) yield out;
      }
    } catch (error) {
      if (request.signal.aborted) throw abortError(error);
      throw toProviderError(error, client.apiKey);
    }
    if (request.signal.aborted) throw abortError();
    const end: AdapterPart[] = [];
    if (usage.inputTokens != null || usage.outputTokens != null) {
      end.push({
        type: "usage",
        usage: { ...usage, totalTokens: (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0) },
      });
    }
    end.push({ type: "finish", reason: finish });
    yield end;
  }
}
