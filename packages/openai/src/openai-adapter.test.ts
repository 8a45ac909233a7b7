import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigurationError, ProviderError, type AdapterPart, type AdapterRequest } from "@copilot-runtime/protocol";
import {
  adapterRequest,
  collectBatches,
  collectParts,
  createFakeOpenAI,
  FIXTURES,
  httpError,
  replayFixture,
  startServer,
  textAnswer,
  toolCallAnswer,
  type FakeOpenAI,
} from "@copilot-runtime/testing";
import { OpenAIAdapter } from "./openai-adapter.js";

let fake: FakeOpenAI;
let adapter: OpenAIAdapter;
const API_KEY = "sk-test-SECRET-key-1234567890";

beforeAll(async () => {
  fake = await createFakeOpenAI();
  adapter = new OpenAIAdapter({ openai: new OpenAI({ apiKey: API_KEY, baseURL: fake.baseURL, maxRetries: 0 }) });
});
afterAll(() => fake.close());

const request = adapterRequest;

const collect = (req: AdapterRequest, a: OpenAIAdapter = adapter): Promise<AdapterPart[]> => collectParts(a, req);

async function failure(req: AdapterRequest, a: OpenAIAdapter = adapter): Promise<ProviderError> {
  const error = await collect(req, a).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  const providerError = error as ProviderError;
  expect(providerError.message).not.toContain("SECRET");
  expect(providerError.message).not.toContain(API_KEY);
  return providerError;
}

const frame = (delta: unknown, finish: string | null = null) => {
  const chunk = { id: "x", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: finish }] };
  return `data: ${JSON.stringify(chunk)}\n\n`;
};

describe("OpenAIAdapter", () => {
  it("reports the answering model and the answer's id once, and sends the request's extra headers (the trace context)", async () => {
    fake.enqueue(textAnswer("Hi"));
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const parts = await collectParts(adapter, request({ headers: { traceparent } }), { metadata: true });
    expect(parts.filter((p) => p.type === "response-metadata")).toEqual([
      { type: "response-metadata", model: expect.any(String), id: expect.any(String) },
    ]);
    expect(parts[0]!.type).toBe("response-metadata");
    expect(fake.requests.at(-1)!.headers.traceparent).toBe(traceparent);
  });

  it("streams text deltas, usage and the finish reason", async () => {
    fake.enqueue(textAnswer("Hello there", { usage: { inputTokens: 10, outputTokens: 3 } }));
    expect(await collect(request())).toEqual([
      { type: "text-delta", delta: "Hello" },
      { type: "text-delta", delta: " there" },
      { type: "usage", usage: { inputTokens: 10, outputTokens: 3, totalTokens: 13, cachedInputTokens: 0, reasoningTokens: 0 } },
      { type: "finish", reason: "stop" },
    ]);
  });

  it("gives the same parts in batches (streamBatches, what the runtime reads), a batch per piece of the body", async () => {
    const script = () => textAnswer(["Hel", "lo", " there"], { usage: { inputTokens: 10, outputTokens: 3 } });
    fake.enqueue(script());
    const parts = await collect(request());
    fake.enqueue(script());
    const batches = await collectBatches(adapter, request());
    expect(batches.flat()).toEqual(parts);
    expect(batches.length).toBeLessThan(parts.length);
  });

  it("streams parallel tool calls by index with fragmented arguments", async () => {
    fake.enqueue(
      toolCallAnswer([
        { id: "call_1", name: "weather", arguments: { city: "Paris" }, chunks: 3 },
        { id: "call_2", name: "weather", arguments: { city: "Rome" }, chunks: 2 },
      ]),
    );
    const parts = await collect(request());
    const starts = parts.filter((p) => p.type === "tool-call-start");
    expect(starts).toEqual([
      { type: "tool-call-start", toolCallId: "call_1", toolName: "weather" },
      { type: "tool-call-start", toolCallId: "call_2", toolName: "weather" },
    ]);
    const argsOf = (id: string) =>
      parts
        .filter((p): p is Extract<AdapterPart, { type: "tool-call-delta" }> => p.type === "tool-call-delta" && p.toolCallId === id)
        .map((p) => p.argsDelta);
    expect(argsOf("call_1").length).toBe(3);
    expect(argsOf("call_1").join("")).toBe('{"city":"Paris"}');
    expect(argsOf("call_2").join("")).toBe('{"city":"Rome"}');
    expect(parts.filter((p) => p.type === "tool-call-end").map((p) => (p as { toolCallId: string }).toolCallId)).toEqual([
      "call_1",
      "call_2",
    ]);
    expect(parts.at(-1)).toEqual({ type: "finish", reason: "tool_calls" });
  });

  it("sends the request OpenAI expects: developer role, tools, temperature 0 kept, max_tokens, usage", async () => {
    fake.enqueue(textAnswer("ok"));
    await collect(
      request({
        tools: [{ name: "weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } }],
        parameters: { temperature: 0, maxTokens: 100, topP: 0.5, stop: ["END"] },
      }),
    );
    const body = fake.bodies().at(-1);
    expect(body).toEqual({
      model: "gpt-4o",
      messages: [
        { role: "developer", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
      stream: true,
      stream_options: { include_usage: true },
      tools: [
        {
          type: "function",
          function: { name: "weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
        },
      ],
      temperature: 0,
      max_tokens: 100,
      top_p: 0.5,
      stop: ["END"],
    });
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it("honours model, keepSystemRole and disableParallelToolCalls", async () => {
    const custom = new OpenAIAdapter({
      openai: new OpenAI({ apiKey: API_KEY, baseURL: fake.baseURL, maxRetries: 0 }),
      model: "llama3",
      keepSystemRole: true,
      disableParallelToolCalls: true,
    });
    fake.enqueue(textAnswer("ok"));
    await collect(request({ tools: [{ name: "x", description: "", parameters: { type: "object", properties: {} } }] }), custom);
    const body = fake.bodies().at(-1);
    expect(body?.model).toBe("llama3");
    expect(body?.messages[0]).toEqual({ role: "system", content: "Be brief." });
    expect(body?.parallel_tool_calls).toBe(false);
    expect(body).not.toHaveProperty("temperature");
  });

  it("treats a reused index with a new id as a new call (some compatible servers)", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(frame({ tool_calls: [{ index: 0, id: "a", type: "function", function: { name: "f", arguments: "{}" } }] }));
      res.write(frame({ tool_calls: [{ index: 0, id: "b", type: "function", function: { name: "g", arguments: "{}" } }] }));
      res.write(frame({}, "tool_calls"));
      res.end("data: [DONE]\n\n");
    }, []);
    const compat = new OpenAIAdapter({ openai: new OpenAI({ apiKey: "x", baseURL: server.url, maxRetries: 0 }) });
    const parts = await collect(request(), compat);
    await server.close();
    expect(parts.filter((p) => p.type !== "tool-call-delta")).toEqual([
      { type: "tool-call-start", toolCallId: "a", toolName: "f" },
      { type: "tool-call-end", toolCallId: "a" },
      { type: "tool-call-start", toolCallId: "b", toolName: "g" },
      { type: "tool-call-end", toolCallId: "b" },
      { type: "finish", reason: "tool_calls" },
    ]);
  });

  it.each([
    [401, "provider_auth"],
    [403, "provider_auth"],
    [400, "provider_bad_request"],
    [404, "provider_bad_request"],
    [500, "provider_error"],
    [503, "provider_unavailable"],
  ])("maps HTTP %i to %s without leaking the key", async (status, code) => {
    fake.enqueue(httpError(status));
    const error = await failure(request());
    expect(error.code).toBe(code);
    expect(error.providerStatus).toBe(status);
    expect(error.provider).toBe("openai");
    expect(error.message).toMatch(new RegExp(`HTTP ${status}`));
  });

  it("maps 429 to rate_limited with retry-after", async () => {
    fake.enqueue(httpError(429));
    const error = await failure(request());
    expect(error.code).toBe("rate_limited");
    expect(error.retryAfter).toBe(20);
  });

  it("maps a mid-stream error frame to provider_error", async () => {
    fake.enqueue(textAnswer("one two three", { errorAfter: 2 }));
    const error = await failure(request());
    expect(error.code).toBe("provider_error");
    expect(error.message).toMatch(/mid-stream/);
  });

  it("maps a stream cut mid-way to a ProviderError", async () => {
    fake.enqueue(textAnswer("one two three", { cutAfter: 2 }));
    const error = await failure(request());
    expect(["provider_error", "provider_unavailable"]).toContain(error.code);
  });

  it("maps a refused connection to provider_unavailable", async () => {
    const server = await startServer(() => undefined, []);
    const url = server.url;
    await server.close();
    const down = new OpenAIAdapter({ openai: new OpenAI({ apiKey: API_KEY, baseURL: `${url}/v1`, maxRetries: 0 }) });
    const error = await failure(request(), down);
    expect(error.code).toBe("provider_unavailable");
  });

  it("lets an abort through as an abort and closes the provider request", async () => {
    let release!: () => void;
    fake.enqueue(textAnswer("one two three", { holdAfter: 2, hold: new Promise<void>((r) => (release = r)) }));
    const controller = new AbortController();
    const iterator = adapter.stream(request({ signal: controller.signal }))[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: "response-metadata" });
    expect((await iterator.next()).value).toEqual({ type: "text-delta", delta: "one" });
    const pending = iterator.next();
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect((error as Error).name).toMatch(/Abort/);
    expect(await fake.requests.at(-1)?.closedEarly).toBe(true);
    release();
  });

  it("reports a missing API key as a configuration error naming the variable and the option", async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const error = await collect(request(), new OpenAIAdapter()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error).toMatchObject({ code: "configuration_error", status: 500 });
      expect((error as ConfigurationError).message).toMatch(/OPENAI_API_KEY/);
      expect((error as ConfigurationError).message).toMatch(/new OpenAI\(\{ apiKey \}\)/);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });
});

describe("OpenAIAdapter retries", () => {
  it("retries as configured, and not at all with maxRetries: 0", async () => {
    const client = new OpenAI({ apiKey: API_KEY, baseURL: fake.baseURL, maxRetries: 5 });
    const before = fake.requests.length;
    fake.enqueue(httpError(500, { "retry-after-ms": "1" }), httpError(500, { "retry-after-ms": "1" }), textAnswer("third time lucky"));
    const parts = await collect(request(), new OpenAIAdapter({ openai: client, maxRetries: 2 }));
    expect(
      parts
        .filter((p) => p.type === "text-delta")
        .map((p) => (p as { delta: string }).delta)
        .join(""),
    ).toBe("third time lucky");
    expect(fake.requests.length - before).toBe(3);

    const once = fake.requests.length;
    fake.enqueue(httpError(500, { "retry-after-ms": "1" }), textAnswer("never reached"));
    await expect(collect(request(), new OpenAIAdapter({ openai: client, maxRetries: 0 }))).rejects.toBeInstanceOf(ProviderError);
    expect(fake.requests.length - once).toBe(1);
    fake.respond(() => ({ kind: "error", status: 500 }));
    await collect(request()).catch(() => undefined); // drain the queued answer
  });
});

describe("OpenAIAdapter on the documented streams (replayed fixtures)", () => {
  it("streams the API reference's chunk example: text and the finish reason", async () => {
    fake.enqueue(replayFixture(FIXTURES.openaiChatText));
    expect(await collect(request())).toEqual([
      { type: "text-delta", delta: "Hello" },
      { type: "finish", reason: "stop" },
    ]);
  });

  it("streams the function calling guide's tool call, whose later fragments carry null ids and names", async () => {
    fake.enqueue(replayFixture(FIXTURES.openaiChatToolCall));
    const parts = await collect(request());
    const id = "call_DdmO9pD3xa9XTPNJ32zg2hcA";
    expect(parts.filter((p) => p.type !== "tool-call-delta")).toEqual([
      { type: "tool-call-start", toolCallId: id, toolName: "get_weather" },
      { type: "tool-call-end", toolCallId: id },
      { type: "finish", reason: "tool_calls" },
    ]);
    const args = parts.flatMap((p) => (p.type === "tool-call-delta" && p.toolCallId === id ? [p.argsDelta] : []));
    expect(args).toHaveLength(7);
    expect(JSON.parse(args.join(""))).toEqual({ location: "Paris, France" });
  });
});
