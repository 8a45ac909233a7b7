import type { Message, TokenUsage } from "@ag-ui/core";
import type { Identity } from "./action.js";
import type { FinishReason } from "./service-adapter.js";

/**
 * Per-request state shared by every hook of every middleware (and, for
 * `identity`, by the action handlers). Created by the runtime for each request.
 */
export interface RequestContext {
  /** Set by an auth middleware; the runtime puts it into `properties.identity` and the action context. */
  identity?: Identity;
  /** The client's network address, when the binding knows it. */
  clientAddress?: string;
  /** Free space for middleware to pass data between their hooks. */
  state: Record<string, unknown>;
}

export interface OnRequestOptions {
  request: Request;
  /** The request's path, e.g. "/api/copilotkit/agent/default/run". */
  path: string;
  context: RequestContext;
}

export interface OnResponseOptions extends OnRequestOptions {
  response: Response;
}

export interface OnBeforeRequestOptions {
  threadId: string;
  runId: string;
  /** Every message the client sent, as AG-UI messages (or as an earlier middleware replaced them). */
  inputMessages: Message[];
  properties: Record<string, unknown>;
  /** The URL of the runtime request. */
  url: string | undefined;
  /** The request and its context (absent for `runtime.process`, which has no HTTP request). */
  request?: Request;
  context?: RequestContext;
}

/** What `onBeforeRequest` may return: replacements for the run (e.g. redacted messages, injected properties). */
export interface OnBeforeRequestResult {
  inputMessages?: Message[];
  properties?: Record<string, unknown>;
}

export interface RunFailure {
  code: string;
  message: string;
  /** The original error, when there was one. */
  cause?: unknown;
}

export interface OnAfterRequestOptions extends OnBeforeRequestOptions {
  /** What the run produced: assistant messages (with tool calls) and tool results. */
  outputMessages: Message[];
  /** Token usage of the whole run (all LLM calls), when the provider reported it. */
  usage?: TokenUsage;
  /** Milliseconds from the start of the run to its last event. */
  durationMs: number;
  /**
   * Why the model stopped on its last call, when the agent reported it:
   * `stop`, `tool_calls` (frontend tools left to the client), `length` (cut by
   * the token limit), `content_filter`, `error` or `other`.
   */
  finishReason?: FinishReason;
  /** Set when the run ended with `RUN_ERROR` or was stopped (including an abort by the client). */
  error?: RunFailure;
}

export interface ErrorReport {
  error: unknown;
  /** Where it happened. */
  source: "request" | "run" | "action" | "middleware" | "store";
  request?: Request;
  threadId?: string;
  runId?: string;
  context?: RequestContext;
}

/**
 * Hooks around requests and runs. All are optional and may be async; with
 * several middleware, each hook runs in array order.
 *
 * - `onRequest`: at the HTTP level, before routing: return a `Response` to
 *   answer at once (auth, CORS preflight, rate limit) or a new `Request`.
 * - `onBeforeRequest`: awaited before the LLM is called; may return
 *   replacement `inputMessages` / `properties`; throwing rejects the request
 *   (a `MiddlewareRejection` picks the status).
 * - `onAfterRequest`: once per run after its last event was written, on
 *   failures and aborts too; its errors go to `onError`, never to the client.
 * - `onResponse`: every HTTP response on its way out; may return a new one.
 * - `onError`: every error (request, run, action, middleware).
 */
export interface CopilotRuntimeMiddleware {
  onRequest?: (options: OnRequestOptions) => void | Request | Response | Promise<void | Request | Response>;
  onBeforeRequest?: (options: OnBeforeRequestOptions) => void | OnBeforeRequestResult | Promise<void | OnBeforeRequestResult>;
  onAfterRequest?: (options: OnAfterRequestOptions) => void | Promise<void>;
  onResponse?: (options: OnResponseOptions) => void | Response | Promise<void | Response>;
  onError?: (report: ErrorReport) => void | Promise<void>;
}
