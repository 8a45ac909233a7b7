import { SSE_FRAME_SOURCE, SSE_HEADERS, encodeSSE, type BaseEvent, type SSEFrameSource } from "@copilot-runtime/protocol";

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

export { errorResponse } from "@copilot-runtime/protocol";

/**
 * Streams events as SSE: one frame per event, written as it comes (the
 * stream pulls the next event only when the previous frame was taken).
 * Cancelling the body (client gone) calls `onCancel` and ends the iterator.
 */
export function eventStreamResponse(events: AsyncIterable<BaseEvent>, onCancel: () => void, onFrame?: (frame: string) => void): Response {
  async function* frames(): AsyncGenerator<string> {
    for await (const event of events) {
      const frame = encodeSSE(event);
      onFrame?.(frame);
      yield frame;
    }
  }
  return frameResponse(frames(), onCancel);
}

/**
 * A `200 text/event-stream` response of SSE frames. Its body is a web stream;
 * a binding on the same process may take the frames directly (`SSE_FRAME_SOURCE`).
 */
function frameResponse(frames: AsyncIterator<string>, onCancel: () => void): Response {
  const encoder = new TextEncoder();
  const cancel = () => {
    onCancel();
    void frames.return?.(undefined);
  };
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let result: IteratorResult<string>;
        try {
          result = await frames.next();
        } catch {
          // the run loop reports its own errors as RUN_ERROR; this is a last guard
          controller.close();
          return;
        }
        if (result.done) controller.close();
        else controller.enqueue(encoder.encode(result.value));
      },
      cancel,
    },
    { highWaterMark: 0 },
  );
  const response = new Response(body, { status: 200, headers: SSE_HEADERS });
  const source: SSEFrameSource = { frames: { [Symbol.asyncIterator]: () => frames }, cancel };
  Object.defineProperty(response, SSE_FRAME_SOURCE, { value: source });
  return response;
}

/** Streams ready-made SSE frames (a replay), ending when they end or the client cancels. */
export function frameStreamResponse(frames: AsyncIterable<string>): Response {
  return frameResponse(frames[Symbol.asyncIterator](), () => undefined);
}
