import { SSE_FRAME_SOURCE, SSE_HEADERS, lazyBodyResponse, type SSEFrameSource } from "@copilot-runtime/protocol";
import { KEEP_ALIVE_FRAME, withKeepAlive } from "./keep-alive.js";

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
 * directly (`SSE_FRAME_SOURCE`), and keep it alive with a timer of its own; with `lazyBody` (a caller that reads
 * the frames, or the body through its public getter), the web stream is made only if the body is read.
 */
export function sseResponse(
  stream: AsyncIterable<string>,
  options: { onCancel?: () => void; keepAliveMs?: number; lazyBody?: boolean } = {},
): Response {
  const keepAliveMs = options.keepAliveMs ?? 0;
  const raw = stream[Symbol.asyncIterator]();
  // the keep-alive wrapper only for a consumer that reads `frames` or the body
  let paced: AsyncIterator<string> | undefined;
  const pacedFrames = () => (paced ??= withKeepAlive(raw, keepAliveMs));
  const onCancel = options.onCancel ?? (() => undefined);
  const encoder = new TextEncoder();
  const cancel = () => {
    onCancel();
    void (paced ?? raw).return?.(undefined);
  };
  const body = () =>
    new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          let result: IteratorResult<string>;
          try {
            result = await pacedFrames().next();
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
  const response = options.lazyBody
    ? lazyBodyResponse(body, { status: 200, headers: SSE_HEADERS })
    : new Response(body(), { status: 200, headers: SSE_HEADERS });
  const source: SSEFrameSource = {
    frames: { [Symbol.asyncIterator]: pacedFrames },
    cancel,
    unpaced: { frames: { [Symbol.asyncIterator]: () => raw }, keepAliveMs, keepAliveFrame: KEEP_ALIVE_FRAME },
  };
  Object.defineProperty(response, SSE_FRAME_SOURCE, { value: source });
  return response;
}
