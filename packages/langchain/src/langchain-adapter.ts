import {
  ConfigurationError,
  abortError,
  type AdapterPart,
  type AdapterRequest,
  type ModelParameters,
  type ServiceAdapter,
} from "@copilot-runtime/protocol";
import type { ToolDefinition } from "@langchain/core/language_models/base";
import type { BaseMessage, BaseMessageChunk } from "@langchain/core/messages";
import { toLangChainMessages } from "./convert-messages.js";
import { LangChainResultReader } from "./langchain-result.js";
import { toProviderError } from "./map-error.js";

export interface ChainFnParameters {
  /** The conversation as LangChain messages (System, Human, AI with `tool_calls`, Tool). */
  messages: BaseMessage[];
  /** The tools, in the OpenAI function format every `bindTools` accepts. */
  tools: ToolDefinition[];
  /** The adapter's `model` option, if any. */
  model: string | undefined;
  /** `temperature`, `maxTokens`, `topP`, `stop` when the client set them. */
  parameters: ModelParameters;
  threadId: string;
  runId: string;
  /** Aborted when the client goes away: pass it on (`model.stream(messages, { signal })`). */
  signal: AbortSignal;
}

/** What a chain may return. `IterableReadableStream<BaseMessageChunk>` (from `.stream()`) is an async iterable. */
export type ChainFnResult = string | BaseMessage | BaseMessageChunk | AsyncIterable<BaseMessageChunk | string>;

export interface LangChainAdapterOptions {
  chainFn: (parameters: ChainFnParameters) => ChainFnResult | Promise<ChainFnResult>;
  /** Reported in token usage and passed to `chainFn`. */
  model?: string;
}

/**
 * Any LangChain chain or chat model as an LLM: `chainFn` gets the conversation
 * and tools as LangChain objects and returns a string, a message, or a stream
 * of chunks (e.g. `model.bindTools(tools).stream(messages)`), which is streamed.
 */
export class LangChainAdapter implements ServiceAdapter {
  readonly provider = "langchain";
  readonly model: string;
  private readonly options: LangChainAdapterOptions;

  constructor(options: LangChainAdapterOptions) {
    if (options == null || typeof options.chainFn !== "function") {
      throw new ConfigurationError(
        "LangChainAdapter needs a chainFn: " +
          "new LangChainAdapter({ chainFn: ({ messages, tools }) => model.bindTools(tools).stream(messages) })",
      );
    }
    this.options = options;
    this.model = options.model ?? "langchain";
  }

  async *stream(request: AdapterRequest): AsyncIterable<AdapterPart> {
    const tools: ToolDefinition[] = request.tools.map((tool) => ({
      type: "function",
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
    try {
      const result = await this.options.chainFn({
        messages: toLangChainMessages(request.messages),
        tools,
        model: this.options.model,
        parameters: request.parameters,
        threadId: request.threadId,
        runId: request.runId,
        signal: request.signal,
      });
      yield* new LangChainResultReader().read(result, request.signal);
    } catch (error) {
      if (request.signal.aborted) throw abortError(error);
      throw toProviderError(error);
    }
    if (request.signal.aborted) throw abortError();
  }
}
