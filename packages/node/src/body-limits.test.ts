// Oversized and slow request bodies: the shared suite over node:http (Node's fetch reads the 413 for a
// 30 MB message and for 200,000 messages; a stalled body gets a 408), then withRequestBodyLimits alone.
import { createServer } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { CopilotRuntime } from "@copilot-runtime/core";
import { ConfigurationError, SSE_FRAME_SOURCE } from "@copilot-runtime/protocol";
import { BindingTestAdapter, describeBodyLimitsConformance } from "@copilot-runtime/testing/conformance";
import { copilotRuntimeNodeHttpEndpoint } from "./node-http-endpoint.js";
import { DEFAULT_REQUEST_BODY_LIMITS, withRequestBodyLimits } from "./request-body-limits.js";

describeBodyLimitsConformance({
  name: "node:http",
  createRuntime: () => new CopilotRuntime(),
  mount: async ({ runtime, serviceAdapter, endpoint, limits }) => {
    const server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime, serviceAdapter, endpoint, ...limits }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  },
});

describe("copilotRuntimeNodeHttpEndpoint and a small body it does not read", () => {
  it("answers without Connection: close and serves the next request on the same connection", async () => {
    const endpoint = copilotRuntimeNodeHttpEndpoint({
      runtime: new CopilotRuntime(),
      serviceAdapter: new BindingTestAdapter(),
      endpoint: "/api",
    });
    const server = createServer(endpoint);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
    const until = async (count: number) => {
      while (received.split("\r\n0\r\n\r\n").length <= count) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    try {
      // a route the runtime answers 404 without reading the body, which has arrived whole
      socket.write("POST /elsewhere HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
      await until(1);
      expect(received).toMatch(/^HTTP\/1\.1 404 /);
      expect(received.toLowerCase()).not.toContain("connection: close");
      socket.write("GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      await until(2);
      expect(received.slice(received.lastIndexOf("HTTP/1.1 "))).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      socket.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/** A request body whose chunks the test hands out one by one, recording how many bytes were read. */
function trickle() {
  const pending: ((chunk: Uint8Array | null) => void)[] = [];
  const queued: (Uint8Array | null)[] = [];
  let read = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = queued.shift() ?? (await new Promise<Uint8Array | null>((resolve) => pending.push(resolve)));
        if (chunk === null) return controller.close();
        read += chunk.byteLength;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  const send = (chunk: Uint8Array | null) => {
    const wake = pending.shift();
    if (wake) wake(chunk);
    else queued.push(chunk);
  };
  return { body, send, read: () => read };
}

const post = (body: ReadableStream<Uint8Array> | string, headers: Record<string, string> = {}) =>
  new Request("http://runtime.test/run", { method: "POST", body, headers, duplex: "half" } as RequestInit);

describe("withRequestBodyLimits", () => {
  it("hands a body read to its end and the answer through as they are", async () => {
    const answer = new Response("ok");
    let seen = "";
    const handler = withRequestBodyLimits(async (request: Request) => {
      seen = await request.text();
      return answer;
    });
    expect(await handler(post('{"a":1}'))).toBe(answer);
    expect(seen).toBe('{"a":1}');
    const get = new Request("http://runtime.test/info");
    expect(await withRequestBodyLimits(async (request: Request) => new Response(request.method))(get).then((r) => r.text())).toBe("GET");
  });

  it("keeps the runtime's SSE fast path of a run (the same Response object)", async () => {
    const sse = Object.assign(new Response("data: {}\n\n"), { [SSE_FRAME_SOURCE]: { frames: [], cancel: () => undefined } });
    const handler = withRequestBodyLimits(async (request: Request) => (await request.text(), sse));
    expect(await handler(post("{}"))).toBe(sse);
  });

  it("answers a body that takes longer than bodyTimeoutMs with 408 request_timeout and Connection: close", async () => {
    const { body, send } = trickle();
    const runtime = new CopilotRuntime();
    const handler = withRequestBodyLimits(
      runtime.handler({ serviceAdapter: { provider: "t", model: "t", stream: async function* () {} } }),
      {
        bodyTimeoutMs: 100,
      },
    );
    send(new TextEncoder().encode('{"threadId":'));
    const started = Date.now();
    const response = await handler(post(body, { "content-type": "application/json" }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(response.status).toBe(408);
    expect(response.headers.get("connection")).toBe("close");
    const text = await response.text();
    expect(response.headers.get("content-length")).toBe(String(text.length));
    expect(JSON.parse(text)).toEqual({ error: "request_timeout", message: "The request body did not arrive within 0.1 s." });
  });

  it("holds an early answer open while it discards the rest of the body, then ends it", async () => {
    const { body, send, read } = trickle();
    const handler = withRequestBodyLimits(async () => new Response('{"error":"payload_too_large"}', { status: 413 }));
    const response = await handler(post(body));
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
    expect(response.headers.get("content-length")).toBe("29");
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('{"error":"payload_too_large"}');
    let ended = false;
    const end = reader.read().then((chunk) => (ended = chunk.done));
    send(new Uint8Array(1000));
    send(new Uint8Array(1000));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(read()).toBe(2000);
    expect(ended).toBe(false);
    send(null);
    await end;
    expect(ended).toBe(true);
  });

  it("stops discarding after discardMaxBytes, or after discardTimeoutMs", async () => {
    const bytes = trickle();
    const byBytes = withRequestBodyLimits(async () => new Response("no", { status: 401 }), { discardMaxBytes: 1500 });
    const answer = (await byBytes(post(bytes.body))).text();
    for (let i = 0; i < 5; i++) bytes.send(new Uint8Array(1000));
    expect(await answer).toBe("no");
    expect(bytes.read()).toBe(2000);

    const time = trickle();
    const byTime = withRequestBodyLimits(async () => new Response("no", { status: 401 }), { discardTimeoutMs: 50 });
    const started = Date.now();
    expect(await (await byTime(post(time.body))).text()).toBe("no");
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);

    const none = trickle();
    const closeAtOnce = withRequestBodyLimits(async () => new Response("no", { status: 401 }), { discardMaxBytes: 0 });
    expect(await (await closeAtOnce(post(none.body))).text()).toBe("no");
    expect(none.read()).toBe(0);
  });

  it("has documented defaults and refuses limits that are not whole numbers, 0 or more", () => {
    expect(DEFAULT_REQUEST_BODY_LIMITS).toEqual({ bodyTimeoutMs: 30_000, discardMaxBytes: 64 * 1024 * 1024, discardTimeoutMs: 30_000 });
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "100"]) {
      expect(() => withRequestBodyLimits(async () => new Response(), { bodyTimeoutMs: bad as number })).toThrow(ConfigurationError);
    }
    expect(() => withRequestBodyLimits(async () => new Response(), { discardMaxBytes: -5 })).toThrow(
      "Request body limits: `discardMaxBytes` must be a whole number of bytes, 0 or more; got -5.",
    );
    const runtime = new CopilotRuntime();
    const serviceAdapter = { provider: "t", model: "t", stream: async function* () {} };
    expect(() => copilotRuntimeNodeHttpEndpoint({ runtime, serviceAdapter, discardTimeoutMs: -1 })).toThrow(ConfigurationError);
  });
});
