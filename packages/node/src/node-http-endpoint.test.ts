import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CopilotRuntime } from "@copilot-runtime/core";
import type { AdapterPart, ServiceAdapter } from "@copilot-runtime/protocol";
import { ScriptedAdapter, parseSSE } from "@copilot-runtime/testing";
import { copilotRuntimeNodeHttpEndpoint, writeFetchResponse } from "./node-http-endpoint.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(listener: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const input = { threadId: "t", runId: "r", messages: [{ id: "u", role: "user", content: "hi" }] };
const READ_MS = 5_000;

/**
 * Reads until `reached(text)` holds, or (without it) to the end; fails when the stream ends first or after
 * READ_MS, so a test never spins on an ended stream nor waits forever.
 */
async function readText(reader: ReadableStreamDefaultReader<Uint8Array>, sofar: string, reached?: (text: string) => boolean) {
  const decoder = new TextDecoder();
  let text = sofar;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`nothing awaited came within ${READ_MS} ms; the stream so far: ${JSON.stringify(text)}`));
      void reader.cancel().catch(() => undefined);
    }, READ_MS);
  });
  try {
    for (;;) {
      if (reached?.(text)) return text;
      const { value, done } = await Promise.race([reader.read(), timeout]);
      if (done && reached === undefined) return text;
      if (done) throw new Error(`the stream ended before the awaited text; it had: ${JSON.stringify(text)}`);
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
  }
}
const readUntil = (reader: ReadableStreamDefaultReader<Uint8Array>, needle: string, sofar = "") =>
  readText(reader, sofar, (text) => text.includes(needle));
const readToEnd = (reader: ReadableStreamDefaultReader<Uint8Array>, sofar = "") => readText(reader, sofar);
const json = { "content-type": "application/json" };

describe("copilotRuntimeNodeHttpEndpoint", () => {
  it("streams each event as it comes, without buffering", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const adapter: ServiceAdapter = {
      provider: "test",
      model: "test",
      async *stream(): AsyncIterable<AdapterPart> {
        yield { type: "text-delta", delta: "first" };
        await gate;
        yield { type: "text-delta", delta: " second" };
      },
    };
    const url = await listen(
      copilotRuntimeNodeHttpEndpoint({ runtime: new CopilotRuntime(), serviceAdapter: adapter, endpoint: "/api/copilotkit" }),
    );
    const response = await fetch(`${url}/api/copilotkit/agent/default/run`, { method: "POST", headers: json, body: JSON.stringify(input) });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.getReader();
    const first = await readUntil(reader, '"delta":"first"');
    expect(first).not.toContain("second"); // the LLM still holds the rest
    release();
    const text = await readToEnd(reader, first);
    expect(parseSSE(text).map((event) => event.type)).toEqual([
      "RUN_STARTED",
      "TEXT_MESSAGE_START",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_END",
      "RUN_FINISHED",
    ]);
  });

  it("uses a body a framework already parsed (express.json) without hanging", async () => {
    const endpoint = copilotRuntimeNodeHttpEndpoint({
      runtime: new CopilotRuntime(),
      serviceAdapter: new ScriptedAdapter({ respond: () => ({ text: "parsed ok" }) }),
    });
    const url = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        (req as IncomingMessage & { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        void endpoint(req, res);
      });
    });
    const response = await fetch(`${url}/agent/default/run`, { method: "POST", headers: json, body: JSON.stringify(input) });
    const events = parseSSE(await response.text());
    expect(events.at(-1)?.type).toBe("RUN_FINISHED");
  });

  it("answers JSON errors with their status and survives a bad Host header", async () => {
    const url = await listen(
      copilotRuntimeNodeHttpEndpoint({ runtime: new CopilotRuntime(), serviceAdapter: new ScriptedAdapter(), endpoint: "/api" }),
    );
    const bad = await fetch(`${url}/api/agent/default/run`, { method: "POST", headers: json, body: "{" });
    expect(bad.status).toBe(400);
    const { port } = new URL(url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: "/api/info", headers: { host: "[not a host" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(200);
  });
});

describe("writeFetchResponse", () => {
  it("writes status, headers (several set-cookie) and body", async () => {
    const url = await listen((_req, res) => {
      const headers = new Headers({ "content-type": "text/plain", "x-one": "1" });
      headers.append("set-cookie", "a=1");
      headers.append("set-cookie", "b=2");
      void writeFetchResponse(new Response("hello", { status: 201, headers }), res);
    });
    const response = await fetch(url);
    expect(response.status).toBe(201);
    expect(response.headers.get("x-one")).toBe("1");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await response.text()).toBe("hello");
  });
});
