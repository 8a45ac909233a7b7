import {
  ProviderError,
  abortError,
  missingApiKeyError,
  providerParameters,
  type AdapterPart,
  type AdapterRequest,
  type FinishReason,
  type ServiceAdapter,
} from "@copilot-runtime/protocol";
import { toTemplateProviderMessages, type TemplateProviderMessage } from "./convert-messages.js";
import { httpError, toProviderError } from "./map-error.js";
import { readSseData } from "./read-sse.js";

// TODO(template-provider): everything marked TODO speaks an OpenAI-like Chat Completions API (POST
// {baseURL}/chat/completions, `data:` frames, `data: [DONE]`). Replace it with what your provider's API documents;
// the conformance suite (src/conformance.test.ts) tells you what still differs from the other adapters.

export interface TemplateProviderAdapterOptions {
  /** The model to call. */
  model: string;
  /** Default: the `TEMPLATE_PROVIDER_API_KEY` environment variable. */
  apiKey?: string;
  /** Default: `https://api.template-provider.example/v1`. */
  baseURL?: string;
}

// TODO(template-provider): the provider's API address.
const DEFAULT_BASE_URL = "https://api.template-provider.example/v1";

/** The request body the provider takes. TODO(template-provider): its real fields. */
export interface TemplateProviderRequestBody {
  model: string;
  messages: TemplateProviderMessage[];
  stream: true;
  stream_options: { include_usage: true };
  tools?: { type: "function"; function: { name: string; description: string; parameters: unknown } }[];
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  stop?: string[];
}

/** One streamed chunk. TODO(template-provider): the shape of your provider's stream events. */
interface StreamChunk {
  choices?: {
    delta?: {
      content?: string | null;
      tool_calls?: { index?: number; id?: string | null; function?: { name?: string | null; arguments?: string | null } }[];
    };
    finish_reason?: string | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
  error?: { message?: string; type?: string; code?: string | number | null };
}

/**
 * The provider's finish reasons → the runtime's. `error` fails the run (RUN_ERROR); `length` and
 * `content_filter` reach the client in `RUN_FINISHED.result`. TODO(template-provider): your provider's reasons.
 */
const FINISH_REASONS: Record<string, FinishReason> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool_calls",
  content_filter: "content_filter",
  error: "error",
};

/** The request's model parameters under the provider's names (`temperature: 0` is kept). */
const PARAMETER_NAMES = { temperature: "temperature", maxTokens: "max_tokens", topP: "top_p", stop: "stop" } as const;

/** Streams chat answers from Template Provider's API with `fetch`. */
export class TemplateProviderAdapter implements ServiceAdapter {
  readonly provider = "template-provider";
  readonly model: string;
  private readonly options: TemplateProviderAdapterOptions;

  constructor(options: TemplateProviderAdapterOptions) {
    this.options = options;
    this.model = options.model;
  }

  /** The API key; a missing one is a configuration error, reported when the first request is made. */
  private apiKey(): string {
    const apiKey = this.options.apiKey ?? globalThis.process?.env.TEMPLATE_PROVIDER_API_KEY;
    if (apiKey === undefined || apiKey === "") {
      throw missingApiKeyError({
        adapter: "TemplateProviderAdapter",
        envVars: ["TEMPLATE_PROVIDER_API_KEY"],
        option: "`apiKey`",
      });
    }
    return apiKey;
  }

  /** The provider request for an adapter request. */
  buildRequest(request: AdapterRequest): TemplateProviderRequestBody {
    const body: TemplateProviderRequestBody = {
      model: this.model,
      messages: toTemplateProviderMessages(request.messages),
      stream: true,
      stream_options: { include_usage: true },
      ...providerParameters(request.parameters, PARAMETER_NAMES),
    };
    if (request.tools.length > 0) {
      body.tools = request.tools.map((tool) => ({
        type: "function",
        function: { name: tool.name, description: tool.description, parameters: tool.parameters },
      }));
    }
    return body;
  }

  async *stream(request: AdapterRequest): AsyncIterable<AdapterPart> {
    const apiKey = this.apiKey();
    const baseURL = (this.options.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    // Tool calls by their index in the stream; the provider sends the id and name once, then argument fragments.
    const calls = new Map<number, { id: string; open: boolean }>();
    let finish: FinishReason | undefined;
    let done = false;
    try {
      // TODO(template-provider): your provider's endpoint and headers (or its SDK's streaming call, given
      // `signal: request.signal` and no retries of its own in tests).
      const response = await fetch(`${baseURL}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify(this.buildRequest(request)),
        signal: request.signal,
      });
      if (!response.ok || response.body === null) throw await httpError(response);
      for await (const data of readSseData(response)) {
        if (data === "[DONE]") {
          done = true;
          break;
        }
        // a frame that is not JSON throws here, and fails the run as provider_error
        const chunk = JSON.parse(data) as StreamChunk;
        // TODO(template-provider): how your provider reports an error in the middle of a stream.
        if (chunk.error != null) throw Object.assign(new Error(chunk.error.message ?? "error event"), { error: chunk.error });
        if (chunk.usage != null) {
          const usage = chunk.usage;
          yield {
            type: "usage",
            usage: { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, totalTokens: usage.total_tokens },
          };
        }
        const choice = chunk.choices?.[0];
        if (choice == null) continue;
        const content = choice.delta?.content;
        if (content != null && content !== "") yield { type: "text-delta", delta: content };
        for (const toolCall of choice.delta?.tool_calls ?? []) {
          const index = toolCall.index ?? 0;
          let call = calls.get(index);
          if (call === undefined || (toolCall.id != null && toolCall.id !== "" && toolCall.id !== call.id)) {
            if (call?.open) yield { type: "tool-call-end", toolCallId: call.id };
            call = { id: toolCall.id || `call_${crypto.randomUUID()}`, open: true };
            calls.set(index, call);
            yield { type: "tool-call-start", toolCallId: call.id, toolName: toolCall.function?.name ?? "" };
          }
          const args = toolCall.function?.arguments;
          if (args != null && args !== "") yield { type: "tool-call-delta", toolCallId: call.id, argsDelta: args };
        }
        if (choice.finish_reason != null) finish = FINISH_REASONS[choice.finish_reason] ?? "other";
      }
      if (!done && finish === undefined) {
        throw new ProviderError("provider_error", "The Template Provider API ended its stream before the answer was complete.", {
          provider: this.provider,
        });
      }
    } catch (error) {
      throw toProviderError(error, { signal: request.signal, apiKey });
    }
    if (request.signal.aborted) throw abortError();
    for (const call of calls.values()) {
      if (call.open) yield { type: "tool-call-end", toolCallId: call.id };
    }
    yield { type: "finish", reason: finish ?? "stop" };
  }
}
