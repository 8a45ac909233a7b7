// Bad input, generated: at least 1,000 requests the runtime must refuse cleanly
// (a 4xx JSON error, or a stream in the right event order that ends with RUN_FINISHED or
// an allowed RUN_ERROR), never a 5xx, never a crash, and the server keeps answering good requests.
// A failure names the shrunk input: fast-check's counterexample, and the exact body sent.
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CopilotRuntime } from "@copilot-runtime/core";
import { ProviderError, type ErrorCode } from "@copilot-runtime/protocol";
import { ScriptedAdapter, parseSSE, verifyEvents } from "@copilot-runtime/testing";
import { copilotRuntimeNodeHttpEndpoint } from "./node-http-endpoint.js";

const MAX_BODY = 64 * 1024;
/** The fuzz's LLM refuses a longer conversation (JSON characters), as a provider refuses one over its context window. */
const CONTEXT_WINDOW = 16 * 1024;
/**
 * The RUN_ERROR codes a fuzzed run may end with, and the only input that may cause each. Nothing else may:
 * the fuzz never disconnects, stops or stalls a run, has no middleware or store to fail, and every
 * malformed input must be refused at the door with a 4xx; `internal_error` would be a crash.
 */
const ALLOWED_RUN_ERRORS: ReadonlyMap<ErrorCode, string> = new Map([
  ["provider_bad_request", "a conversation over the LLM's context window (the LLM refused it with a 400)"],
]);
const REQUEST_TIMEOUT_MS = 5_000;

let server: Server;
let port: number;
let refusals = 0;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  const runtime = new CopilotRuntime({
    maxBodyBytes: MAX_BODY,
    limits: { maxMessages: 50 },
    actions: [{ name: "echo", parameters: [{ name: "text" }], handler: ({ text }) => String(text) }],
  });
  // The LLM calls `echo` with whatever arguments the (bad) history suggests, then answers.
  const adapter = new ScriptedAdapter({
    respond: (request) => {
      const size = JSON.stringify(request.messages).length;
      if (size > CONTEXT_WINDOW) {
        refusals++;
        const message = `This model's maximum context length is ${CONTEXT_WINDOW} characters; the conversation has ${size}.`;
        return [
          { type: "error", error: new ProviderError("provider_bad_request", message, { provider: "scripted", providerStatus: 400 }) },
        ];
      }
      return request.messages.at(-1)?.role === "tool"
        ? { text: "done" }
        : { text: "ok", toolCalls: [{ name: "echo", args: '{"text": "x"' }] };
    },
  });
  server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime, serviceAdapter: adapter, endpoint: "/api/copilotkit" }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Sends raw bytes; resolves with the status, content type and body text. Fails on a reset or no answer within the bound. */
function send(body: Uint8Array | string, contentType = "application/json", path = "/api/copilotkit/agent/default/run") {
  return new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
    const payload = typeof body === "string" ? Buffer.from(body) : Buffer.from(body);
    const req = httpRequest(
      { host: "127.0.0.1", port, path, method: "POST", headers: { "content-type": contentType, "content-length": payload.byteLength } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers["content-type"] ?? ""),
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no complete answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(payload);
  });
}

/** The input as sent, for a failure message: JSON text (long ones cut in the middle) or the bytes in hex. */
function describeInput(body: Uint8Array | string, contentType: string): string {
  const text = typeof body === "string" ? JSON.stringify(body) : `hex ${Buffer.from(body).toString("hex")}`;
  const shown = text.length <= 1000 ? text : `${text.slice(0, 600)} …(${text.length - 800} characters)… ${text.slice(-200)}`;
  return `content-type ${contentType}, body ${shown}`;
}

/** The contract for every 200: a valid event stream ending in RUN_FINISHED, or an allowed RUN_ERROR from an LLM refusal. */
function expectCleanStream(text: string, refused: boolean) {
  const events = parseSSE(text);
  verifyEvents(events);
  const last = events.at(-1);
  if (last?.type === "RUN_ERROR") {
    const code = last.code as ErrorCode;
    expect(ALLOWED_RUN_ERRORS.has(code), `RUN_ERROR ${String(code)} is not allowed: ${String(last.message)}`).toBe(true);
    expect(refused, `RUN_ERROR ${String(code)} without an LLM refusal: ${String(last.message)}`).toBe(true);
    expect(String(last.message)).not.toMatch(/\n\s+at /);
  } else {
    expect(last?.type).toBe("RUN_FINISHED");
    expect(refused, "the LLM refused the conversation, but the run finished").toBe(false);
  }
}

let sent = 0;
/** The contract for every bad request; a failure says what was sent. */
async function expectClean(body: Uint8Array | string, contentType = "application/json") {
  sent++;
  const refusalsBefore = refusals;
  try {
    const response = await send(body, contentType);
    expect(response.status, response.text.slice(0, 300)).toBeLessThan(500);
    if (response.status === 200) {
      expect(response.type).toBe("text/event-stream");
      expectCleanStream(response.text, refusals > refusalsBefore);
    } else {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.type).toMatch(/^application\/json/);
      const json = JSON.parse(response.text) as { error: unknown; message: unknown };
      expect(typeof json.error).toBe("string");
      expect(typeof json.message).toBe("string");
      expect(String(json.message)).not.toMatch(/\n\s+at /);
    }
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\ninput: ${describeInput(body, contentType)}`, {
      cause: error,
    });
  }
}

const validInput = () => ({ threadId: `t-${crypto.randomUUID()}`, runId: "r", messages: [{ id: "u", role: "user", content: "hi" }] });
const deep = (depth: number): unknown => (depth === 0 ? "leaf" : { nested: deep(depth - 1), list: [deep(depth - 1 > 2 ? 2 : depth - 1)] });
const anyValue = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.string({ maxLength: 50 }), fc.integer(), fc.constant(null));
// A failing property reports its shrunk counterexample before the test's own timeout.
const bounded = { interruptAfterTimeLimit: 15_000 };
const runs = { numRuns: 150, ...bounded };

describe("generated bad requests", { timeout: 60_000 }, () => {
  it("malformed and truncated JSON", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.nat(), async (value, cut) => {
        const text = JSON.stringify({ ...validInput(), extra: value });
        await expectClean(text.slice(0, cut % text.length));
      }),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => expectClean(`{${text}`)),
      runs,
    );
  });

  it("wrong types at every field of RunAgentInput", async () => {
    const fields = ["threadId", "runId", "messages", "tools", "context", "state", "forwardedProps", "parentRunId", "resume"];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), anyValue, async (field, value) => {
        await expectClean(JSON.stringify({ ...validInput(), [field]: value }));
      }),
      { numRuns: 250, ...bounded },
    );
  });

  // Found by this fuzz: core accepted an empty threadId or runId and streamed it in RUN_STARTED (a thread
  // no stop/{threadId} can name); it is now refused at the door.
  it("an empty threadId or runId is refused at the door", async () => {
    for (const field of ["threadId", "runId"]) {
      const response = await send(JSON.stringify({ ...validInput(), [field]: "" }), "application/json");
      expect(response.status).toBe(400);
      expect(JSON.parse(response.text)).toEqual({
        error: "invalid_request",
        message: `Invalid RunAgentInput: ${field} must not be empty.`,
      });
    }
  });

  it("bad messages: unknown roles, wrong content, broken tool calls and their arguments", async () => {
    const message = fc.record(
      {
        id: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()),
        role: fc.oneof(
          fc.constantFrom("user", "assistant", "tool", "system", "developer", "reasoning", "activity"),
          fc.string({ maxLength: 8 }),
        ),
        content: anyValue,
        toolCallId: fc.oneof(fc.string({ maxLength: 8 }), fc.constant(undefined)),
        toolCalls: fc.oneof(
          fc.constant(undefined),
          fc.array(
            fc.record({
              id: fc.string({ maxLength: 6 }),
              type: fc.constant("function"),
              function: fc.record({
                name: fc.constantFrom("echo", "nope", ""),
                arguments: fc.oneof(fc.string(), fc.constant("{not json"), fc.constant("[1,2]")),
              }),
            }),
            { maxLength: 3 },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(message, { maxLength: 6 }), async (messages) => {
        await expectClean(JSON.stringify({ ...validInput(), messages: [...messages, { id: "last", role: "user", content: "go" }] }));
      }),
      { numRuns: 300, ...bounded },
    );
  });

  it("prototype keys, deep nesting, huge strings and arrays, too many messages", async () => {
    await expectClean(`{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"threadId":"t","runId":"r","messages":[]}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60 }), fc.constantFrom("forwardedProps", "state", "extra"), async (depth, field) => {
        await expectClean(JSON.stringify({ ...validInput(), [field]: deep(Math.min(depth, 12)) }));
      }),
      { numRuns: 60, ...bounded },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: MAX_BODY * 2 }), async (size) => {
        await expectClean(JSON.stringify({ ...validInput(), messages: [{ id: "u", role: "user", content: "x".repeat(size) }] }));
      }),
      { numRuns: 40, ...bounded },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 40, max: 400 }), async (count) => {
        await expectClean(
          JSON.stringify({
            ...validInput(),
            messages: Array.from({ length: count }, (_, i) => ({ id: `m${i}`, role: "user", content: "hi" })),
          }),
        );
      }),
      { numRuns: 40, ...bounded },
    );
  });

  it("invalid UTF-8 and wrong content types", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => expectClean(bytes)),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "application/xml",
          "image/png",
        ),
        async (type) => expectClean(JSON.stringify(validInput()), type),
      ),
      { numRuns: 20, ...bounded },
    );
  });

  it("sent over 1,000 bad requests (some refused by the LLM), with no unhandled rejection, and still serves a good one", async () => {
    expect(sent).toBeGreaterThanOrEqual(1000);
    // the allowed RUN_ERROR was seen, so the stream check covered runs that fail after RUN_STARTED too
    expect(refusals).toBeGreaterThan(0);
    expect(unhandled).toEqual([]);
    const good = await send(JSON.stringify(validInput()));
    expect(good.status).toBe(200);
    verifyEvents(parseSSE(good.text));
    expect(parseSSE(good.text).at(-1)?.type).toBe("RUN_FINISHED");
  });
});
