import { describe, expect, it } from "vitest";
import { SSE_FRAME_SOURCE, isLazyBodyResponse, lazyBodyResponse, SSE_HEADERS, type SSEFrameSource } from "@copilot-runtime/protocol";
import { withHeaders } from "./with-headers.js";

type WithSource = Response & { [SSE_FRAME_SOURCE]?: SSEFrameSource };

describe("withHeaders", () => {
  it("adds headers, keeps status and body", async () => {
    const copy = withHeaders(new Response("hello", { status: 201, headers: { "x-a": "1" } }), { "x-b": "2", "x-a": "3" });
    expect(copy.status).toBe(201);
    expect(Object.fromEntries(copy.headers)).toMatchObject({ "x-a": "3", "x-b": "2" });
    expect(await copy.text()).toBe("hello");
  });

  it("keeps a runtime event stream's frame source, so the Node binding's direct path survives CORS and rate limits", () => {
    const source: SSEFrameSource = { frames: (async function* () {})(), cancel: () => undefined };
    const response: WithSource = new Response(new ReadableStream(), { headers: SSE_HEADERS });
    Object.defineProperty(response, SSE_FRAME_SOURCE, { value: source });
    const copy: WithSource = withHeaders(response, { "access-control-allow-origin": "*" });
    expect(copy[SSE_FRAME_SOURCE]).toBe(source);
    expect(copy.headers.get("content-type")).toBe("text/event-stream");
  });

  it("keeps a body made only when read so, and still gives it to a reader", async () => {
    let made = 0;
    const lazy = lazyBodyResponse(
      () => {
        made++;
        return new Response("data: {}\n\n").body;
      },
      { status: 200, headers: SSE_HEADERS },
    );
    const copy = withHeaders(lazy, { "x-a": "1" });
    expect(isLazyBodyResponse(copy)).toBe(true);
    expect(made).toBe(0);
    expect(await copy.text()).toBe("data: {}\n\n");
    expect(made).toBe(1);
  });

  it("adds no frame source to a response that had none", () => {
    const copy: WithSource = withHeaders(new Response("{}"), { "x-a": "1" });
    expect(copy[SSE_FRAME_SOURCE]).toBeUndefined();
  });
});
