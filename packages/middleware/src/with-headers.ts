import { SSE_FRAME_SOURCE, isLazyBodyResponse, lazyBodyResponse, type SSEFrameSource } from "@copilot-runtime/protocol";

/**
 * A copy of a response with extra headers. A streamed body is passed through, not read; a runtime event stream keeps
 * its frame source (`SSE_FRAME_SOURCE`), so a Node binding still writes its frames straight to the socket.
 */
export function withHeaders(response: Response, extra: Record<string, string>): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  const init = { status: response.status, statusText: response.statusText, headers };
  // a body made only when read stays so (the Node binding writes the frames and never reads it)
  const copy = isLazyBodyResponse(response) ? lazyBodyResponse(() => response.body, init) : new Response(response.body, init);
  const source = (response as Response & { [SSE_FRAME_SOURCE]?: SSEFrameSource })[SSE_FRAME_SOURCE];
  if (source !== undefined) Object.defineProperty(copy, SSE_FRAME_SOURCE, { value: source });
  return copy;
}
