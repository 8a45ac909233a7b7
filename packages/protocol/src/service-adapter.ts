import type { Message } from "@ag-ui/core";
import type { ProviderError } from "./errors.js";
import type { ObjectJSONSchema } from "./json-schema.js";

/** A tool the LLM may call: a server action or a frontend tool. */
export interface AdapterTool {
  name: string;
  description: string;
  parameters: ObjectJSONSchema;
}

/**
 * Model parameters a request may set. Absent means "provider default";
 * `0` is a value, never dropped.
 */
export interface ModelParameters {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stop?: string[];
}

export interface AdapterRequest {
  threadId: string;
  runId: string;
  /**
   * The conversation as AG-UI messages. The app's context (`RunAgentInput.context`)
   * is already folded into a system message at the start.
   */
  messages: Message[];
  tools: AdapterTool[];
  parameters: ModelParameters;
  /** Aborted when the client goes away or the run is stopped: cancel the provider request. */
  signal: AbortSignal;
  /**
   * Extra HTTP headers to send with the provider request: the trace context (`traceparent`) when the app turned
   * telemetry on. An adapter sends them where its SDK takes per-request headers; absent or empty otherwise.
   */
  headers?: Readonly<Record<string, string>>;
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cachedInputTokens?: number;
  cacheWriteInputTokens?: number;
  reasoningTokens?: number;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "error" | "other";

/** One piece of a streamed LLM answer. */
export type AdapterPart =
  | { type: "text-delta"; delta: string }
  | { type: "reasoning-delta"; delta: string }
  | { type: "tool-call-start"; toolCallId: string; toolName: string }
  | { type: "tool-call-delta"; toolCallId: string; argsDelta: string }
  | { type: "tool-call-end"; toolCallId: string }
  | { type: "usage"; usage: Usage }
  /** What the provider says about its answer: the model that answered (it may differ from the one asked for) and its id. */
  | { type: "response-metadata"; model?: string; id?: string }
  | { type: "finish"; reason: FinishReason }
  | { type: "error"; error: ProviderError };

/**
 * What every LLM adapter implements: one streaming call. The adapter owns the
 * vendor conversion (roles, system prompt, tool-id pairing, parallel calls);
 * the runtime owns everything else.
 *
 * Rules: tool calls are announced with `tool-call-start` before their
 * arguments; `tool-call-end` is optional (the runtime closes open calls when
 * the stream ends). Failures are thrown (or yielded) as `ProviderError`s.
 */
export interface ServiceAdapter {
  /** e.g. "openai", "anthropic", "google". */
  readonly provider: string;
  /** The model this adapter calls, reported in token usage. */
  readonly model: string;
  stream(request: AdapterRequest): AsyncIterable<AdapterPart>;
  /**
   * Optional: the same parts as `stream`, a batch per piece of the provider's answer read (e.g. every chunk of one
   * network read). The runtime uses it when present: a promise per batch instead of one per token, on every layer up
   * to the socket. Same rules as `stream`; an empty batch is allowed.
   */
  streamBatches?(request: AdapterRequest): AsyncIterable<readonly AdapterPart[]>;
}
