// What the client sees for what Node's HTTP parser refuses before there is a request (headers over
// maxHeaderSize, headers that take longer than headersTimeout, malformed HTTP): Node's own answers, the
// server options that move those limits, and copilotRuntimeClientErrorHandler's readable JSON answers.
import { execFile } from "node:child_process";
import { createServer, type RequestListener, type Server, type ServerOptions } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CopilotRuntime } from "@copilot-runtime/core";
import { ConfigurationError } from "@copilot-runtime/protocol";
import { BindingTestAdapter } from "@copilot-runtime/testing/conformance";
import { copilotRuntimeClientErrorHandler } from "./client-error-handler.js";
import { copilotRuntimeNodeHttpEndpoint } from "./node-http-endpoint.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const endpoint = () =>
  copilotRuntimeNodeHttpEndpoint({ runtime: new CopilotRuntime(), serviceAdapter: new BindingTestAdapter(), endpoint: "/api" });

async function listen(options: ServerOptions, listener: RequestListener = endpoint(), withHandler = false): Promise<string> {
  const server = createServer(options, listener);
  if (withHandler) server.on("clientError", copilotRuntimeClientErrorHandler({ discardTimeoutMs: 2_000 }));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Writes `text` on a raw connection and collects what comes back until the server closes it. */
function raw(url: string, text: string): Promise<{ received: string; closedAfterMs: number }> {
  const { port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(Number(port), "127.0.0.1", () => socket.write(text));
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve({ received, closedAfterMs: Date.now() - started }));
  });
}

// Node's fetch in its own process: a POST with 20 KB of headers and a 30 MB body, `rounds` times.
const BIG_HEADERS_CLIENT = `
const [url, rounds] = process.argv.slice(1);
const results = [];
for (let round = 0; round < Number(rounds); round++) {
  try {
    const response = await fetch(url, { method: "POST", headers: { "x-big": "a".repeat(20_000) }, body: "x".repeat(30_000_000) });
    results.push({ status: response.status, body: await response.text() });
  } catch (error) {
    results.push({ error: error.message + " (" + (error.cause?.code ?? error.cause?.message) + ")" });
  }
}
console.log(JSON.stringify(results));
`;

function postBigHeadersFromAnotherProcess(url: string, rounds: number): Promise<{ status?: number; body?: string; error?: string }[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--input-type=module", "-e", BIG_HEADERS_CLIENT, url, String(rounds)], (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as { status?: number; body?: string; error?: string }[]);
    });
  });
}

describe("headers over maxHeaderSize", () => {
  it("Node answers 431 itself (16 KiB by default), which a GET reads; createServer({ maxHeaderSize }) raises the limit", async () => {
    const headers = { "x-big": "a".repeat(20_000) };
    const strict = await listen({});
    const refused = await fetch(`${strict}/api/info`, { headers });
    expect(refused.status).toBe(431);
    expect(refused.headers.get("connection")).toBe("close");
    expect(await refused.text()).toBe("");

    const roomy = await listen({ maxHeaderSize: 64 * 1024 });
    expect((await fetch(`${roomy}/api/info`, { headers })).status).toBe(200);
  });

  it("with copilotRuntimeClientErrorHandler, a POST still sending its 30 MB body reads a JSON 431 every time", async () => {
    const url = await listen({}, endpoint(), true);
    const results = await postBigHeadersFromAnotherProcess(`${url}/api/agent/default/run`, 5);
    for (const result of results) {
      expect(result.error).toBeUndefined();
      expect(result.status).toBe(431);
      expect(JSON.parse(result.body!)).toEqual({ error: "invalid_request", message: expect.stringContaining("maxHeaderSize") });
    }
  }, 60_000);
});

describe("headers that take longer than headersTimeout", () => {
  const stalled = "POST /api/agent/default/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
  // Node checks the timeouts every connectionsCheckingInterval (30 s by default): shortened here.
  const options: ServerOptions = { headersTimeout: 300, requestTimeout: 600, connectionsCheckingInterval: 50 };

  it("Node answers a bare 408 and closes", async () => {
    const { received, closedAfterMs } = await raw(await listen(options), stalled);
    expect(received).toBe("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n");
    expect(closedAfterMs).toBeLessThan(2_000);
  });

  it("copilotRuntimeClientErrorHandler answers a JSON 408 request_timeout and closes", async () => {
    const { received } = await raw(await listen(options, endpoint(), true), stalled);
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\nConnection: close\r\n/);
    expect(JSON.parse(received.slice(received.indexOf("\r\n\r\n") + 4))).toEqual({
      error: "request_timeout",
      message: expect.stringContaining("headersTimeout"),
    });
  });
});

describe("copilotRuntimeClientErrorHandler", () => {
  it("answers malformed HTTP with a JSON 400", async () => {
    const { received } = await raw(await listen({}, endpoint(), true), "NOT HTTP AT ALL\r\n\r\n");
    expect(received).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(received).toContain('{"error":"invalid_request","message":"The request is not valid HTTP."}');
  });

  it("closes a connection that sends nothing more after its answer, after discardTimeoutMs", async () => {
    const server = createServer({}, endpoint());
    server.on("clientError", copilotRuntimeClientErrorHandler({ discardTimeoutMs: 300 }));
    const serverSideClosed = new Promise<number>((resolve) =>
      server.once("connection", (socket) => {
        const accepted = Date.now();
        socket.once("close", () => resolve(Date.now() - accepted));
      }),
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    // a half-open client: it reads the answer but never ends its side, so only the server's timer closes the connection
    const socket = connect({ port: (server.address() as AddressInfo).port, host: "127.0.0.1", allowHalfOpen: true });
    socket.on("error", () => undefined);
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
    socket.write(`GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    const closedAfter = await serverSideClosed;
    expect(received).toMatch(/^HTTP\/1\.1 431 /);
    expect(closedAfter).toBeGreaterThanOrEqual(250);
    expect(closedAfter).toBeLessThan(2_000);
    socket.destroy();
  });

  it("refuses limits that are not whole numbers, 0 or more", () => {
    expect(() => copilotRuntimeClientErrorHandler({ discardMaxBytes: -1 })).toThrow(ConfigurationError);
  });
});
