import type { AGUIEvent, BaseEvent } from "@ag-ui/core";

/** Response headers of an AG-UI event stream. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
});

/** A token's event whose frame is a constant prefix (per message or tool call) and its JSON-encoded delta. */
interface DeltaShape {
  readonly idKey: "messageId" | "toolCallId";
  /** The last id seen and the frame's prefix for it (a stream's tokens come one message or call at a time). */
  id: string | undefined;
  prefix: string;
}

const DELTA_SHAPES: Readonly<Record<string, DeltaShape>> = {
  TEXT_MESSAGE_CONTENT: { idKey: "messageId", id: undefined, prefix: "" },
  TOOL_CALL_ARGS: { idKey: "toolCallId", id: undefined, prefix: "" },
  REASONING_MESSAGE_CONTENT: { idKey: "messageId", id: undefined, prefix: "" },
};

/**
 * The frame of a token's event that is exactly `{ type, <id>, delta }` (a plain object, those keys in that order,
 * string values): the constant part is encoded once per message or call, only the delta per token. Anything else
 * (a timestamp, a `rawEvent`, another key order) is left to `JSON.stringify`.
 */
function deltaFrame(event: Record<string, unknown>, shape: DeltaShape): string | undefined {
  if (Object.getPrototypeOf(event) !== Object.prototype) return undefined;
  let keys = 0;
  for (const key in event) {
    if (key !== (keys === 0 ? "type" : keys === 1 ? shape.idKey : "delta")) return undefined;
    keys++;
  }
  const id = event[shape.idKey];
  const delta = event.delta;
  if (keys !== 3 || typeof id !== "string" || typeof delta !== "string") return undefined;
  if (id !== shape.id) {
    shape.id = id;
    shape.prefix = `data: {"type":${JSON.stringify(event.type)},"${shape.idKey}":${JSON.stringify(id)},"delta":`;
  }
  return `${shape.prefix}${JSON.stringify(delta)}}\n\n`;
}

/**
 * One SSE frame: `data: <one-line JSON>\n\n`. `JSON.stringify` escapes
 * newlines inside strings and drops `undefined`, so optional fields are absent.
 * A token's event (`TEXT_MESSAGE_CONTENT`, `TOOL_CALL_ARGS`, `REASONING_MESSAGE_CONTENT`) of the common shape has
 * only its delta encoded: the same bytes, without encoding the rest again per token.
 */
export function encodeSSE(event: AGUIEvent | BaseEvent): string {
  const shape = DELTA_SHAPES[event.type];
  const frame = shape === undefined ? undefined : deltaFrame(event as unknown as Record<string, unknown>, shape);
  return frame ?? `data: ${JSON.stringify(event)}\n\n`;
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
