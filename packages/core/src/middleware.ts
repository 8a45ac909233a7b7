import type { Message } from "@copilot-runtime/protocol";

export interface OnBeforeRequestOptions {
  threadId: string;
  runId: string;
  /** Every message the client sent, as AG-UI messages. */
  inputMessages: Message[];
  properties: Record<string, unknown>;
  /** The URL of the runtime request. */
  url: string | undefined;
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
  /** Set when the run ended with `RUN_ERROR` (including an abort by the client). */
  error?: RunFailure;
}

/**
 * Hooks around each run. `onBeforeRequest` is awaited before the LLM is called;
 * throwing rejects the request (a `MiddlewareRejection` picks the status).
 * `onAfterRequest` runs once per run after its last event was written, on
 * failures too; its errors go to `onError`, never to the client.
 */
export interface CopilotRuntimeMiddleware {
  onBeforeRequest?: (options: OnBeforeRequestOptions) => void | Promise<void>;
  onAfterRequest?: (options: OnAfterRequestOptions) => void | Promise<void>;
}

export interface ErrorReport {
  error: unknown;
  /** Where it happened. */
  source: "request" | "run" | "action" | "middleware";
  threadId?: string;
  runId?: string;
}
