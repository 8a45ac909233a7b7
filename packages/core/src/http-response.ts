import { SSE_FRAME_SOURCE, SSE_HEADERS, type SSEFrameSource } from "@copilot-runtime/protocol";
import { withKeepAlive } from "./keep-alive.js";

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/**
 * A `200 text/event-stream` response of SSE frames, each written as it comes
 * (the body pulls the next frame only when the previous one was taken).
 * Cancelling the body (the client went away) calls `onCancel` and ends the
 * frames. A quiet stream gets a keep-alive comment every `keepAliveMs`. Its
 * body is a web stream; a binding on the same process may take the frames
 * directly (`SSE_FRAME_SOURCE`).
 */
export function sseResponse(stream: AsyncIterable<string>, options: { onCancel?: () => void; keepAliveMs?: number } = {}): Response {
  const frames = withKeepAlive(stream[Symbol.asyncIterator](), options.keepAliveMs ?? 0);
  const onCancel = options.onCancel ?? (() => undefined);
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
          // a run session reports its own errors as RUN_ERROR; this is a last guard
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
