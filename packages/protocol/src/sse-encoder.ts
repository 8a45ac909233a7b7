import type { AGUIEvent, BaseEvent } from "@ag-ui/core";

/** Response headers of an AG-UI event stream. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
});

/**
 * One SSE frame: `data: <one-line JSON>\n\n`. `JSON.stringify` escapes
 * newlines inside strings and drops `undefined`, so optional fields are absent.
 */
export function encodeSSE(event: AGUIEvent | BaseEvent): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

/** A comment frame (`: ping`), ignored by clients; useful as a keep-alive. */
export function encodeSSEComment(text = "ping"): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}

/**
 * A fast path between the runtime and a binding on the same process: a
 * streamed `Response` the runtime creates also carries its SSE frames as
 * strings under this key, so a Node binding can write them without the web
 * stream and the byte encoding in between. Other consumers read `response.body`.
 */
export const SSE_FRAME_SOURCE: unique symbol = Symbol.for("copilot-runtime.sse-frame-source") as never;

export interface SSEFrameSource {
  /**
   * The frames, each `data: …\n\n`, with a keep-alive comment whenever the stream is quiet; iterate once (and then
   * do not read the body).
   */
  frames: AsyncIterable<string>;
  /** The client went away. */
  cancel(): void;
  /**
   * The same frames without the keep-alive comments, for a consumer that keeps the stream alive with a timer of its
   * own (no cost per frame): it writes `keepAliveFrame` whenever it wrote nothing for `keepAliveMs` (0: never).
   * Iterate either this or `frames`, once.
   */
  unpaced?: { frames: AsyncIterable<string>; keepAliveMs: number; keepAliveFrame: string };
}
