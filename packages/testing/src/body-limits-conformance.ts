// What every binding does with request bodies that are too large or too slow, over real HTTP on 127.0.0.1:
// Node's global fetch (in a child process, as a separate client is) reads the 413 for a 30 MB message and
// for 200,000 messages instead of failing with "fetch failed"; a client that writes its whole body before
// reading gets the 413 too; a stalled body gets a 408; the discarding is bounded in bytes and in time.
// Import it from "@copilot-runtime/testing/conformance" inside a vitest test file.
import { execFile } from "node:child_process";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceAdapter } from "@copilot-runtime/protocol";
import { BindingTestAdapter, type MountedRuntime } from "./binding-conformance.js";
import { parseSSE } from "./collect-events.js";

/** The request body limits the suite gives the binding (short, so that the suite is quick; not so short that a busy machine fails it). */
export const BODY_LIMITS_SUITE_LIMITS = Object.freeze({
  bodyTimeoutMs: 2_000,
  discardMaxBytes: 40 * 1024 * 1024,
  discardTimeoutMs: 3_000,
});

export interface BodyLimitsConformanceOptions<R> {
  /** Shown in the test names, e.g. "express 5". */
  name: string;
  /** `() => new CopilotRuntime()` from `@copilot-runtime/core`: the default `maxBodyBytes` (4 MiB). */
  createRuntime: () => R;
  /** Serves the runtime with the binding under test at `endpoint`, with `limits` on the binding's options. */
  mount: (params: {
    runtime: R;
    serviceAdapter: ServiceAdapter;
    endpoint: string;
    limits: typeof BODY_LIMITS_SUITE_LIMITS;
  }) => Promise<MountedRuntime>;
  /** Where to mount. Default "/api/copilotkit". */
  endpoint?: string;
}

/** What Node's fetch in another process saw for one oversized body. */
export interface OversizedBodyResult {
  name: string;
  status?: number;
  connection?: string | null;
  body?: string;
  error?: string;
}

// Node's global fetch in its own process: sends each oversized body, as a string (with content-length)
// and as a stream (chunked), `rounds` times, and reports what it saw.
const FETCH_CLIENT = `
const [url, rounds] = process.argv.slice(1);
const message = (content, i) => ({ id: "m" + i, role: i % 2 ? "assistant" : "user", content });
const bodies = {
  "a 30 MB message": JSON.stringify({ threadId: "t", runId: "r", messages: [message("x".repeat(30_000_000), 0)] }),
  "200,000 messages": JSON.stringify({
    threadId: "t", runId: "r",
    messages: Array.from({ length: 200_000 }, (_, i) => message("message " + i, i)),
  }),
};
const streamed = (text) => {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, (at += 65536)));
    },
  });
};
const results = [];
for (let round = 0; round < Number(rounds); round++) {
  for (const [name, text] of Object.entries(bodies)) {
    for (const [how, body] of [["with content-length", () => text], ["streamed", () => streamed(text)]]) {
      const result = { name: name + ", " + how };
      try {
        const init = { method: "POST", headers: { "content-type": "application/json" }, body: body(), duplex: "half" };
        const response = await fetch(url, init);
        result.status = response.status;
        result.connection = response.headers.get("connection");
        result.body = await response.text();
      } catch (error) {
        result.error = error.message + (error.cause ? " (" + (error.cause.code ?? error.cause.message) + ")" : "");
      }
      results.push(result);
    }
  }
}
console.log(JSON.stringify(results));
`;

/**
 * Sends a 30 MB message and 200,000 messages to `url` (a run route) with Node's global fetch in a child
 * process, each as a string (with content-length) and as a stream (chunked), `rounds` times.
 */
export function fetchOversizedBodies(url: string, rounds: number): Promise<OversizedBodyResult[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", FETCH_CLIENT, url, String(rounds)],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`the fetch client failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as OversizedBodyResult[]);
      },
    );
  });
}

/** A raw HTTP/1.1 client: what it received, and when the connection closed. */
interface RawClient {
  socket: Socket;
  /** Resolves once the whole response (head and body) has arrived. */
  response(): Promise<{ status: number; headers: Record<string, string>; body: string }>;
  /** Resolves when the connection is closed, with the milliseconds since the client connected. */
  closed: Promise<number>;
}

/** The response body once all of it arrived (by `content-length`, or chunked), else undefined. */
function responseBody(rest: string, headers: Record<string, string>): string | undefined {
  if (headers["transfer-encoding"] !== "chunked") {
    const length = Number(headers["content-length"] ?? 0);
    return rest.length >= length ? rest.slice(0, length) : undefined;
  }
  let body = "";
  for (;;) {
    const line = rest.indexOf("\r\n");
    if (line < 0) return undefined;
    const size = Number.parseInt(rest.slice(0, line), 16);
    if (size === 0) return body;
    if (rest.length < line + 2 + size + 2) return undefined;
    body += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

async function rawClient(url: string): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const started = Date.now();
  let text = "";
  const waiting: (() => void)[] = [];
  socket.on("data", (chunk: Buffer) => {
    text += chunk.toString("latin1");
    for (const wake of waiting.splice(0)) wake();
  });
  socket.on("error", () => undefined); // EPIPE/ECONNRESET once the server closes: what the tests look at is `closed`
  const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(Date.now() - started)));
  return {
    socket,
    closed,
    response: async () => {
      for (;;) {
        const end = text.indexOf("\r\n\r\n");
        if (end >= 0) {
          const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
          const headers = Object.fromEntries(
            lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
          );
          const body = responseBody(text.slice(end + 4), headers);
          if (body !== undefined) return { status: Number(statusLine!.split(" ")[1]), headers, body };
        }
        if (socket.destroyed) throw new Error(`the connection closed before a whole response; received: ${JSON.stringify(text)}`);
        await Promise.race([new Promise<void>((resolve) => waiting.push(resolve)), closed]);
      }
    },
  };
}

/** Registers the request body limits suite for one framework binding. */
export function describeBodyLimitsConformance<R>(options: BodyLimitsConformanceOptions<R>): void {
  const endpoint = options.endpoint ?? "/api/copilotkit";
  const limits = BODY_LIMITS_SUITE_LIMITS;
  describe(`${options.name}: oversized and slow request bodies`, () => {
    const adapter = new BindingTestAdapter();
    let mounted: MountedRuntime;
    let runUrl: string;

    beforeAll(async () => {
      mounted = await options.mount({ runtime: options.createRuntime(), serviceAdapter: adapter, endpoint, limits });
      runUrl = `${mounted.url}${endpoint}/agent/default/run`;
    });
    afterAll(async () => {
      adapter.release();
      await mounted?.close();
    });

    const head = (headers: string) =>
      `POST ${new URL(runUrl).pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${headers}\r\n`;

    it("Node's fetch reads the 413 for a 30 MB message and for 200,000 messages, sent whole or streamed", async () => {
      const results = await fetchOversizedBodies(runUrl, 3);
      expect(results).toHaveLength(12);
      for (const result of results) {
        expect(result.error, result.name).toBeUndefined();
        expect(result.status, result.name).toBe(413);
        expect(result.connection, result.name).toBe("close");
        expect(JSON.parse(result.body!), result.name).toMatchObject({ error: "payload_too_large", message: expect.any(String) });
      }
    }, 60_000);

    it("a client that writes its whole 30 MB body before reading gets the 413 (the rest is discarded, not reset)", async () => {
      const client = await rawClient(runUrl);
      const body = Buffer.alloc(30_000_000, "x");
      client.socket.write(head(`Content-Length: ${body.byteLength}\r\n`));
      await new Promise<void>((resolve, reject) => client.socket.write(body, (error) => (error ? reject(error) : resolve())));
      const response = await client.response();
      expect(response.status).toBe(413);
      expect(response.headers.connection).toBe("close");
      expect(JSON.parse(response.body)).toMatchObject({ error: "payload_too_large" });
      await client.closed;
    });

    it("a body that stalls half way is answered 408 request_timeout, and the connection closed at once", async () => {
      const client = await rawClient(runUrl);
      client.socket.write(head("Content-Length: 1000\r\n") + '{"threadId":"t","messages":[' + " ".repeat(472));
      const response = await client.response();
      expect(response.status).toBe(408);
      expect(response.headers.connection).toBe("close");
      expect(JSON.parse(response.body)).toEqual({ error: "request_timeout", message: expect.stringContaining("did not arrive") });
      const closedAt = await client.closed;
      expect(closedAt).toBeGreaterThanOrEqual(limits.bodyTimeoutMs - 50);
      expect(closedAt).toBeLessThan(limits.bodyTimeoutMs + limits.discardTimeoutMs);
    });

    it("discards at most discardMaxBytes: a client that never stops sending is cut off after its 413", async () => {
      const client = await rawClient(runUrl);
      client.socket.write(head("Transfer-Encoding: chunked\r\n"));
      const chunk = Buffer.concat([Buffer.from("100000\r\n"), Buffer.alloc(0x100000, " "), Buffer.from("\r\n")]);
      const max = 200; // MiB: far more than maxBodyBytes + discardMaxBytes
      let sent = 0;
      const pump = () => {
        while (!client.socket.destroyed && sent < max) {
          sent++;
          if (!client.socket.write(chunk)) return void client.socket.once("drain", pump);
        }
      };
      pump();
      const response = await client.response();
      expect(response.status).toBe(413);
      await client.closed;
      expect(sent).toBeLessThan(max); // with backpressure: the server stopped reading long before 200 MiB
    });

    it("discards for at most discardTimeoutMs: a client that stops sending after its 413 is closed then", async () => {
      const client = await rawClient(runUrl);
      client.socket.write(head("Content-Length: 30000000\r\n") + " ".repeat(1000));
      const response = await client.response();
      expect(response.status).toBe(413); // at once (by its content-length), then the discard waits
      const closedAt = await client.closed;
      expect(closedAt).toBeGreaterThanOrEqual(limits.discardTimeoutMs - 100);
      expect(closedAt).toBeLessThan(limits.discardTimeoutMs + 2_000);
    });

    it("still serves runs after all that", async () => {
      const response = await fetch(runUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          threadId: `t-${crypto.randomUUID()}`,
          runId: "r",
          messages: [{ id: "u", role: "user", content: "echo:fine" }],
        }),
      });
      expect(response.status).toBe(200);
      expect(parseSSE(await response.text()).at(-1)?.type).toBe("RUN_FINISHED");
    });
  });
}
