import { CopilotRuntimeError, SSE_HEADERS, encodeSSE, type BaseEvent, type ErrorBody } from "@copilot-runtime/protocol";

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** A JSON error body for an error raised before streaming; never a stack trace. */
export function errorResponse(error: unknown, headers: Record<string, string> = {}): Response {
  if (error instanceof CopilotRuntimeError) {
    const body: ErrorBody = { error: error.code, message: error.message };
    return jsonResponse(body, error.status, headers);
  }
  const body: ErrorBody = { error: "internal_error", message: "An internal error occurred." };
  return jsonResponse(body, 500, headers);
}

/**
 * Streams events as SSE: one frame per event, written as it comes (the
 * stream pulls the next event only when the previous frame was taken).
 * Cancelling the body (client gone) calls `onCancel` and ends the iterator.
 */
export function eventStreamResponse(events: AsyncIterable<BaseEvent>, onCancel: () => void, onFrame?: (frame: string) => void): Response {
  const iterator = events[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let result: IteratorResult<BaseEvent>;
        try {
          result = await iterator.next();
        } catch {
          // The run loop reports its own errors as RUN_ERROR; this is a last guard.
          controller.close();
          return;
        }
        if (result.done) {
          controller.close();
          return;
        }
        const frame = encodeSSE(result.value);
        onFrame?.(frame);
        controller.enqueue(encoder.encode(frame));
      },
      async cancel() {
        onCancel();
        await iterator.return?.(undefined);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}

/** Streams ready-made SSE frames (a replay), ending when they end or the client cancels. */
export function frameStreamResponse(frames: AsyncIterable<string>): Response {
  const iterator = frames[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const result = await iterator.next().catch(() => ({ done: true as const, value: undefined }));
        if (result.done) controller.close();
        else controller.enqueue(encoder.encode(result.value));
      },
      async cancel() {
        await iterator.return?.(undefined);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
