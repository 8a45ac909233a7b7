import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigurationError, ProviderError, type AdapterPart, type AdapterRequest } from "@copilot-runtime/protocol";
import {
  adapterRequest,
  collectBatches,
  collectParts,
  createFakeAnthropic,
  FIXTURES,
  httpError,
  replayFixture,
  textAnswer,
  type FakeAnthropic,
} from "@copilot-runtime/testing";
import { AnthropicAdapter, type AnthropicAdapterOptions } from "./anthropic-adapter.js";

let fake: FakeAnthropic;
const API_KEY = "sk-ant-test-SECRET-123456";

beforeAll(async () => {
  fake = await createFakeAnthropic();
});
afterAll(() => fake.close());

const adapter = (options: AnthropicAdapterOptions = {}) =>
  new AnthropicAdapter({
    anthropic: new Anthropic({ apiKey: API_KEY, baseURL: fake.baseURL, maxRetries: 0 }),
    model: "claude-test-1",
    ...options,
  });

const request = adapterRequest;

const collect = (req: AdapterRequest, a = adapter()): Promise<AdapterPart[]> => collectParts(a, req);

describe("AnthropicAdapter", () => {
  it("reports the answering model and the message id, and sends the request's extra headers (the trace context)", async () => {
    fake.enqueue(textAnswer("ok"));
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const parts = await collectParts(adapter(), request({ headers: { traceparent } }), { metadata: true });
    expect(parts.filter((p) => p.type === "response-metadata")).toEqual([
      { type: "response-metadata", model: expect.any(String), id: expect.any(String) },
    ]);
    const headers = fake.requests.at(-1)!.headers;
    expect(headers.traceparent).toBe(traceparent);
    expect(headers["anthropic-version"]).toBe("2026-10-21");
  });

  it("sends the Messages request: top-level system, max_tokens default, tools with input_schema, Bearer auth", async () => {
    fake.enqueue(textAnswer("ok"));
    await collect(
      request({ tools: [{ name: "w", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } }] }),
    );
    expect(fake.bodies().at(-1)).toEqual({
      model: "claude-test-1",
      max_tokens: 4096,
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      stream: true,
      system: "Be brief.",
      tools: [{ name: "w", description: "Weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
    });
    const headers = fake.requests.at(-1)!.headers;
    expect(headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(headers["anthropic-version"]).toBe("2026-10-21");
  });

  it("omits temperature and top_p under API 2026-10-21, which rejects them, and keeps temperature 0 under 2023-06-01", async () => {
    fake.enqueue(textAnswer("ok"), textAnswer("ok"));
    await collect(request({ parameters: { temperature: 0, topP: 0.5, maxTokens: 50, stop: ["END"] } }));
    expect(fake.bodies().at(-1)).toMatchObject({ max_tokens: 50, stop_sequences: ["END"] });
    expect(fake.bodies().at(-1)).not.toHaveProperty("temperature");
    expect(fake.bodies().at(-1)).not.toHaveProperty("top_p");

    await collect(request({ parameters: { temperature: 0 } }), adapter({ apiVersion: "2023-06-01" }));
    expect(fake.bodies().at(-1)).toMatchObject({ temperature: 0 });
    expect(fake.requests.at(-1)!.headers["anthropic-version"]).toBe("2023-06-01");
  });

  it("sends temperature or top_p under 2023-06-01, never both (current models refuse the two together)", async () => {
    const old = adapter({ apiVersion: "2023-06-01" });
    fake.enqueue(textAnswer("ok"), textAnswer("ok"));
    await collect(request({ parameters: { temperature: 0, topP: 0.5 } }), old);
    expect(fake.bodies().at(-1)).toMatchObject({ temperature: 0 });
    expect(fake.bodies().at(-1)).not.toHaveProperty("top_p");
    await collect(request({ parameters: { topP: 0.5 } }), old);
    expect(fake.bodies().at(-1)).toMatchObject({ top_p: 0.5 });
    expect(fake.bodies().at(-1)).not.toHaveProperty("temperature");
  });

  it("gives the same parts in batches (streamBatches, what the runtime reads), a batch per piece of the body", async () => {
    const script = () => textAnswer(["Hel", "lo", " there"], { usage: { inputTokens: 10, outputTokens: 3 } });
    fake.enqueue(script());
    const parts = await collect(request());
    fake.enqueue(script());
    const batches = await collectBatches(adapter(), request());
    expect(batches.flat()).toEqual(parts);
    expect(batches.length).toBeLessThan(parts.length);
  });

  it("streams text, thinking as reasoning, fragmented parallel tool_use blocks and usage", async () => {
    fake.enqueue({
      reasoning: "Let me think",
      text: "Sure",
      toolCalls: [
        { id: "toolu_1", name: "w", arguments: { city: "Paris" }, chunks: 3 },
        { id: "toolu_2", name: "w", arguments: { city: "Rome" }, chunks: 2 },
      ],
      usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 80 },
    });
    const parts = await collect(request());
    expect(
      parts
        .filter((p) => p.type === "reasoning-delta")
        .map((p) => (p as { delta: string }).delta)
        .join(""),
    ).toBe("Let me think");
    expect(
      parts
        .filter((p) => p.type === "text-delta")
        .map((p) => (p as { delta: string }).delta)
        .join(""),
    ).toBe("Sure");
    const args = (id: string) =>
      parts
        .filter((p): p is Extract<AdapterPart, { type: "tool-call-delta" }> => p.type === "tool-call-delta" && p.toolCallId === id)
        .map((p) => p.argsDelta);
    expect(args("toolu_1")).toHaveLength(3);
    expect(JSON.parse(args("toolu_1").join(""))).toEqual({ city: "Paris" });
    expect(JSON.parse(args("toolu_2").join(""))).toEqual({ city: "Rome" });
    expect(
      parts
        .filter((p) => p.type === "tool-call-start" || p.type === "tool-call-end")
        .map((p) => `${p.type}:${(p as { toolCallId: string }).toolCallId}`),
    ).toEqual(["tool-call-start:toolu_1", "tool-call-end:toolu_1", "tool-call-start:toolu_2", "tool-call-end:toolu_2"]);
    expect(parts.slice(-2)).toEqual([
      { type: "usage", usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 80, cacheWriteInputTokens: 0, totalTokens: 120 } },
      { type: "finish", reason: "tool_calls" },
    ]);
  });

  it("marks the system prompt and the last message for prompt caching", async () => {
    fake.enqueue(textAnswer("ok"));
    await collect(
      request({
        messages: [
          { id: "s", role: "system", content: "Long instructions." },
          { id: "u", role: "user", content: "First" },
          { id: "a", role: "assistant", content: "Answer" },
          { id: "u2", role: "user", content: "Second" },
        ],
      }),
      adapter({ promptCaching: { enabled: true } }),
    );
    const body = fake.bodies().at(-1)!;
    expect(body.system).toEqual([{ type: "text", text: "Long instructions.", cache_control: { type: "ephemeral" } }]);
    expect(body.messages.at(-1)).toEqual({
      role: "user",
      content: [{ type: "text", text: "Second", cache_control: { type: "ephemeral" } }],
    });
    expect(JSON.stringify(body.messages.slice(0, -1))).not.toContain("cache_control");
  });

  it.each([
    [401, "provider_auth"],
    [403, "provider_auth"],
    [400, "provider_bad_request"],
    [429, "rate_limited"],
    [500, "provider_error"],
    [529, "provider_unavailable"],
  ])("maps HTTP %i to %s", async (status, code) => {
    fake.enqueue(httpError(status));
    const error = (await collect(request()).catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.code).toBe(code);
    expect(error.providerStatus).toBe(status);
    expect(error.message).not.toContain(API_KEY);
    if (status === 429) expect(error.retryAfter).toBe(20);
  });

  it("maps `event: error` mid-stream (overloaded_error) to provider_unavailable", async () => {
    fake.enqueue(textAnswer("one two three four", { errorAfter: 4 }));
    const error = (await collect(request()).catch((e: unknown) => e)) as ProviderError;
    expect(error.code).toBe("provider_unavailable");
    expect(error.message).toMatch(/mid-stream overloaded_error/);
  });

  it("is accepted by the fake with x-api-key too (0.x clients)", async () => {
    fake.enqueue(textAnswer("ok"));
    const legacy = new Anthropic({
      apiKey: null,
      authToken: null,
      baseURL: fake.baseURL,
      maxRetries: 0,
      defaultHeaders: { "x-api-key": API_KEY },
    });
    const parts = await collect(request(), adapter({ anthropic: legacy }));
    expect(parts.at(-1)).toEqual({ type: "finish", reason: "stop" });
    expect(fake.requests.at(-1)!.headers["x-api-key"]).toBe(API_KEY);
  });

  it("reports a client without credentials as a configuration error, and the fake answers such a request 401", async () => {
    const bare = new Anthropic({ apiKey: null, authToken: null, baseURL: fake.baseURL, maxRetries: 0 });
    const error = (await collect(request(), adapter({ anthropic: bare })).catch((e: unknown) => e)) as ConfigurationError;
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.code).toBe("configuration_error");
    expect(error.message).toMatch(/ANTHROPIC_API_KEY/);
    const raw = await fetch(`${fake.baseURL}/v1/messages`, { method: "POST", body: "{}" });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });

  it("reports a missing ANTHROPIC_API_KEY as a configuration error naming the variable and the option", async () => {
    const saved = { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN: process.env.ANTHROPIC_AUTH_TOKEN };
    delete process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_AUTH_TOKEN;
    try {
      const error = await collect(request(), new AnthropicAdapter()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error).toMatchObject({ code: "configuration_error", status: 500 });
      expect((error as ConfigurationError).message).toMatch(/set ANTHROPIC_API_KEY, or pass `anthropic: new Anthropic\(\{ apiKey \}\)`/);
    } finally {
      for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
    }
  });
});

describe("AnthropicAdapter on the documented streams (replayed fixtures)", () => {
  it("streams the docs' basic response: text, usage and the stop reason", async () => {
    fake.enqueue(replayFixture(FIXTURES.anthropicText));
    expect(await collect(request())).toEqual([
      { type: "text-delta", delta: "Hello" },
      { type: "text-delta", delta: "!" },
      { type: "usage", usage: { inputTokens: 25, outputTokens: 15, totalTokens: 40 } },
      { type: "finish", reason: "stop" },
    ]);
  });

  it("streams the docs' tool use response: text, then get_weather with its input in fragments", async () => {
    fake.enqueue(replayFixture(FIXTURES.anthropicToolUse));
    const parts = await collect(request());
    const id = "toolu_01T1x1fJ34qAmk2tNTrN7Up6";
    const text = parts.flatMap((p) => (p.type === "text-delta" ? [p.delta] : [])).join("");
    expect(text).toBe("Okay, let's check the weather for San Francisco, CA:");
    const args = parts.flatMap((p) => (p.type === "tool-call-delta" && p.toolCallId === id ? [p.argsDelta] : []));
    expect(args).toHaveLength(8);
    expect(JSON.parse(args.join(""))).toEqual({ location: "San Francisco, CA", unit: "fahrenheit" });
    expect(parts.filter((p) => p.type !== "text-delta" && p.type !== "tool-call-delta")).toEqual([
      { type: "tool-call-start", toolCallId: id, toolName: "get_weather" },
      { type: "tool-call-end", toolCallId: id },
      { type: "usage", usage: { inputTokens: 472, outputTokens: 89, totalTokens: 561 } },
      { type: "finish", reason: "tool_calls" },
    ]);
  });
});
