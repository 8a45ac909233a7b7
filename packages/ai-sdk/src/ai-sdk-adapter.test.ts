import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { ConfigurationError, ProviderError, type AdapterPart } from "@copilot-runtime/protocol";
import {
  FIXTURES,
  adapterRequest,
  collectParts,
  createFakeAnthropic,
  createFakeGemini,
  createFakeOpenAI,
  httpError,
  replayFixture,
  textAnswer,
  toolCallAnswer,
  type FakeAnthropic,
  type FakeGemini,
  type FakeOpenAI,
} from "@copilot-runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AISDKAdapter, finishReasonOf, usageOf } from "./ai-sdk-adapter.js";

const tools = [{ name: "lookup", description: "Looks up the weather", parameters: { type: "object" as const, properties: {} } }];

/** A language model of the spec whose stream is the given parts (for what no fake server can make a provider send). */
function scriptedModel(parts: LanguageModelV3StreamPart[], calls: LanguageModelV3CallOptions[] = []): LanguageModelV3 {
  return {
    specificationVersion: "v3",
    provider: "scripted.chat",
    modelId: "scripted-1",
    supportedUrls: {},
    doGenerate: () => Promise.reject(new Error("not used")),
    doStream: (options) => {
      calls.push(options);
      return Promise.resolve({
        stream: new ReadableStream({ start: (controller) => (parts.forEach((part) => controller.enqueue(part)), controller.close()) }),
      });
    },
  };
}

const finish = (unified: "stop" | "tool-calls" | "other" | "error", raw?: string): LanguageModelV3StreamPart => ({
  type: "finish",
  finishReason: { unified, raw },
  usage: {
    inputTokens: { total: 10, noCache: 8, cacheRead: 2, cacheWrite: undefined },
    outputTokens: { total: 5, text: 3, reasoning: 2 },
  },
});

describe("AISDKAdapter: construction", () => {
  it("takes a v3 model and names its provider and model", () => {
    const adapter = new AISDKAdapter({ model: createOpenAI({ apiKey: "sk-x" }).chat("gpt-4o-mini") });
    expect([adapter.provider, adapter.model]).toEqual(["openai", "gpt-4o-mini"]);
  });

  it("refuses what is no AI SDK 6 language model, saying what it wants", () => {
    const cases: unknown[] = [undefined, null, "openai/gpt-4o", {}, { doStream: "no" }];
    for (const model of cases) {
      expect(() => new AISDKAdapter({ model: model as LanguageModelV3 }), String(model)).toThrow(ConfigurationError);
    }
    expect(() => new AISDKAdapter(undefined as unknown as { model: LanguageModelV3 })).toThrow(/needs `model`/);
    for (const version of ["v2", "v4"]) {
      const model = { ...scriptedModel([]), specificationVersion: version } as unknown as LanguageModelV3;
      expect(() => new AISDKAdapter({ model })).toThrow(new RegExp(`specification v3 .* implements ${version}`));
    }
  });
});

describe("AISDKAdapter: the model's stream parts", () => {
  it("reports the provider's response metadata, and sends the request's headers (the trace context) after the app's", async () => {
    const calls: LanguageModelV3CallOptions[] = [];
    const model = scriptedModel([{ type: "response-metadata", id: "r1", modelId: "scripted-1-0601" }, finish("stop")], calls);
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const adapter = new AISDKAdapter({ model, headers: { "x-app": "1" } });
    const parts = await collectParts(adapter, adapterRequest({ headers: { traceparent } }), { metadata: true });
    expect(parts[0]).toEqual({ type: "response-metadata", id: "r1", model: "scripted-1-0601" });
    expect(calls[0]!.headers).toEqual({ "x-app": "1", traceparent });
  });

  it("streams text and reasoning, skips empty deltas, reports usage and the finish reason", async () => {
    const parts = await collectParts(
      new AISDKAdapter({
        model: scriptedModel([
          { type: "stream-start", warnings: [{ type: "other", message: "topP is ignored" }] },
          { type: "response-metadata", id: "r1", modelId: "scripted-1" },
          { type: "reasoning-start", id: "r" },
          { type: "reasoning-delta", id: "r", delta: "Thinking" },
          { type: "reasoning-end", id: "r" },
          { type: "text-start", id: "t" },
          { type: "text-delta", id: "t", delta: "" },
          { type: "text-delta", id: "t", delta: "Hello" },
          { type: "text-end", id: "t" },
          { type: "source", sourceType: "url", id: "s", url: "https://example.com" },
          finish("stop", "stop"),
        ]),
      }),
    );
    expect(parts).toEqual([
      { type: "reasoning-delta", delta: "Thinking" },
      { type: "text-delta", delta: "Hello" },
      { type: "usage", usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, cachedInputTokens: 2, reasoningTokens: 2 } },
      { type: "finish", reason: "stop" },
    ]);
  });

  it("streams tool input as it comes, announces whole calls, skips provider-executed ones", async () => {
    const parts = await collectParts(
      new AISDKAdapter({
        model: scriptedModel([
          // streamed: start, deltas, end, then the whole call (which adds nothing)
          { type: "tool-input-start", id: "c1", toolName: "lookup" },
          { type: "tool-input-delta", id: "c1", delta: '{"city":' },
          { type: "tool-input-delta", id: "c1", delta: '"Paris"}' },
          { type: "tool-input-end", id: "c1" },
          { type: "tool-call", toolCallId: "c1", toolName: "lookup", input: '{"city":"Paris"}' },
          // announced without deltas: the arguments come with the call
          { type: "tool-input-start", id: "c2", toolName: "lookup" },
          { type: "tool-input-end", id: "c2" },
          { type: "tool-call", toolCallId: "c2", toolName: "lookup", input: "{}" },
          // whole (Gemini)
          { type: "tool-call", toolCallId: "c3", toolName: "lookup", input: '{"city":"Rome"}' },
          // run by the provider: no part of the runtime's
          { type: "tool-input-start", id: "ws", toolName: "web_search", providerExecuted: true },
          { type: "tool-input-delta", id: "ws", delta: "{}" },
          { type: "tool-call", toolCallId: "ws", toolName: "web_search", input: "{}", providerExecuted: true },
          { type: "tool-result", toolCallId: "ws", toolName: "web_search", result: { hits: 1 } },
          // left open by the stream: closed at the end
          { type: "tool-input-start", id: "c4", toolName: "lookup" },
          { type: "tool-input-delta", id: "c4", delta: "{}" },
          finish("tool-calls", "tool_calls"),
        ]),
      }),
    );
    expect(parts.filter((part) => part.type !== "usage")).toEqual([
      { type: "tool-call-start", toolCallId: "c1", toolName: "lookup" },
      { type: "tool-call-delta", toolCallId: "c1", argsDelta: '{"city":' },
      { type: "tool-call-delta", toolCallId: "c1", argsDelta: '"Paris"}' },
      { type: "tool-call-end", toolCallId: "c1" },
      { type: "tool-call-start", toolCallId: "c2", toolName: "lookup" },
      { type: "tool-call-delta", toolCallId: "c2", argsDelta: "{}" },
      { type: "tool-call-end", toolCallId: "c2" },
      { type: "tool-call-start", toolCallId: "c3", toolName: "lookup" },
      { type: "tool-call-delta", toolCallId: "c3", argsDelta: '{"city":"Rome"}' },
      { type: "tool-call-end", toolCallId: "c3" },
      { type: "tool-call-start", toolCallId: "c4", toolName: "lookup" },
      { type: "tool-call-delta", toolCallId: "c4", argsDelta: "{}" },
      { type: "tool-call-end", toolCallId: "c4" },
      { type: "finish", reason: "tool_calls" },
    ]);
  });

  it("fails on an error part, with the provider's type mapped, and stops reading", async () => {
    const error = await collectParts(
      new AISDKAdapter({
        model: scriptedModel([
          { type: "text-delta", id: "t", delta: "Hel" },
          { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
          { type: "text-delta", id: "t", delta: "never" },
        ]),
      }),
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: "provider_unavailable", provider: "scripted" });
    expect((error as Error).message).toBe("The scripted.chat model (AI SDK) failed mid-stream: Overloaded");
  });

  it("says stop when the stream ends without a finish part", async () => {
    expect(await collectParts(new AISDKAdapter({ model: scriptedModel([{ type: "text-delta", id: "t", delta: "x" }]) }))).toEqual([
      { type: "text-delta", delta: "x" },
      { type: "finish", reason: "stop" },
    ]);
  });

  it("passes the request's parameters, tools, provider options and headers to doStream", async () => {
    const calls: LanguageModelV3CallOptions[] = [];
    const adapter = new AISDKAdapter({
      model: scriptedModel([finish("stop")], calls),
      providerOptions: { anthropic: { thinking: { type: "enabled", budgetTokens: 1024 } } },
      headers: { "x-team": "a" },
    });
    const request = adapterRequest({ tools, parameters: { temperature: 0, maxTokens: 12, topP: 0.5, stop: ["END"] } });
    await collectParts(adapter, request);
    expect(calls[0]).toMatchObject({
      temperature: 0,
      maxOutputTokens: 12,
      topP: 0.5,
      stopSequences: ["END"],
      tools: [{ type: "function", name: "lookup", description: "Looks up the weather", inputSchema: { type: "object", properties: {} } }],
      toolChoice: { type: "auto" },
      providerOptions: { anthropic: { thinking: { type: "enabled", budgetTokens: 1024 } } },
      headers: { "x-team": "a" },
      abortSignal: request.signal,
    });
    await collectParts(adapter, adapterRequest({ parameters: { stop: [] } }));
    expect(calls[1]).not.toHaveProperty("tools");
    expect(calls[1]).not.toHaveProperty("stopSequences");
    expect(calls[1]).not.toHaveProperty("temperature");
  });
});

describe("finishReasonOf and usageOf", () => {
  it("maps every unified reason, and a provider's failure reason reported as other", () => {
    const cases: [Parameters<typeof finishReasonOf>[0], string][] = [
      [{ unified: "stop", raw: "end_turn" }, "stop"],
      [{ unified: "length", raw: "max_tokens" }, "length"],
      [{ unified: "content-filter", raw: "SAFETY" }, "content_filter"],
      [{ unified: "tool-calls", raw: "tool_use" }, "tool_calls"],
      [{ unified: "error", raw: "MALFORMED_FUNCTION_CALL" }, "error"],
      [{ unified: "other", raw: "error" }, "error"],
      [{ unified: "other", raw: "malformed_model_output" }, "error"],
      [{ unified: "other", raw: "malformed_tool_use" }, "error"],
      [{ unified: "other", raw: "model_context_window_exceeded" }, "other"],
      [{ unified: "other", raw: undefined }, "other"],
    ];
    for (const [reason, expected] of cases) expect(finishReasonOf(reason), String(reason.raw)).toBe(expected);
  });

  it("keeps only the counts the provider gave", () => {
    const none = { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined };
    expect(usageOf(undefined)).toBeUndefined();
    expect(usageOf({ inputTokens: none, outputTokens: { total: undefined, text: undefined, reasoning: undefined } })).toBeUndefined();
    expect(
      usageOf({
        inputTokens: { ...none, total: 3, cacheWrite: 1 },
        outputTokens: { total: undefined, text: undefined, reasoning: undefined },
      }),
    ).toEqual({
      inputTokens: 3,
      cacheWriteInputTokens: 1,
    });
  });
});

describe("AISDKAdapter with real providers against the fakes", () => {
  let openaiFake: FakeOpenAI;
  let anthropicFake: FakeAnthropic;
  let geminiFake: FakeGemini;
  beforeAll(async () => {
    [openaiFake, anthropicFake, geminiFake] = await Promise.all([createFakeOpenAI(), createFakeAnthropic(), createFakeGemini()]);
  });
  afterAll(() => Promise.all([openaiFake.close(), anthropicFake.close(), geminiFake.close()]));

  const openai = () =>
    new AISDKAdapter({ model: createOpenAI({ apiKey: "sk-test-0123456789", baseURL: openaiFake.baseURL }).chat("gpt-4o") });
  const texts = (parts: AdapterPart[]) => parts.flatMap((part) => (part.type === "text-delta" ? [part.delta] : [])).join("");

  it("replays OpenAI's documented tool-call stream through @ai-sdk/openai", async () => {
    openaiFake.enqueue(replayFixture(FIXTURES.openaiChatToolCall));
    const parts = await collectParts(openai(), adapterRequest({ tools }));
    const args = parts.flatMap((part) => (part.type === "tool-call-delta" ? [part.argsDelta] : []));
    expect(parts.filter((part) => part.type !== "tool-call-delta")).toEqual([
      { type: "tool-call-start", toolCallId: "call_DdmO9pD3xa9XTPNJ32zg2hcA", toolName: "get_weather" },
      { type: "tool-call-end", toolCallId: "call_DdmO9pD3xa9XTPNJ32zg2hcA" },
      { type: "finish", reason: "tool_calls" },
    ]);
    expect(JSON.parse(args.join(""))).toEqual({ location: "Paris, France" });
  });

  it("replays Anthropic's documented tool-use stream through @ai-sdk/anthropic", async () => {
    anthropicFake.enqueue(replayFixture(FIXTURES.anthropicToolUse));
    const model = createAnthropic({ apiKey: "sk-ant-test-0123456789", baseURL: `${anthropicFake.baseURL}/v1` })("claude-sonnet-4-5");
    const parts = await collectParts(new AISDKAdapter({ model }), adapterRequest({ tools }));
    expect(texts(parts)).toBe("Okay, let's check the weather for San Francisco, CA:");
    const id = "toolu_01T1x1fJ34qAmk2tNTrN7Up6";
    const args = parts.flatMap((part) => (part.type === "tool-call-delta" && part.toolCallId === id ? [part.argsDelta] : []));
    expect(JSON.parse(args.join(""))).toEqual({ location: "San Francisco, CA", unit: "fahrenheit" });
    expect(parts.at(-1)).toEqual({ type: "finish", reason: "tool_calls" });
  });

  it("streams Anthropic's thinking as reasoning", async () => {
    anthropicFake.enqueue(textAnswer("The answer.", { reasoning: "Let me think." }));
    const model = createAnthropic({ apiKey: "sk-ant-test-0123456789", baseURL: `${anthropicFake.baseURL}/v1` })("claude-sonnet-4-5");
    const parts = await collectParts(new AISDKAdapter({ model }));
    expect(parts.flatMap((part) => (part.type === "reasoning-delta" ? [part.delta] : [])).join("")).toBe("Let me think.");
    expect(texts(parts)).toBe("The answer.");
  });

  it("replays Gemini's recorded function call (sent whole) through @ai-sdk/google", async () => {
    geminiFake.enqueue(replayFixture(FIXTURES.geminiFunctionCall));
    const model = createGoogleGenerativeAI({ apiKey: "AIzaTest0123456789", baseURL: `${geminiFake.baseURL}/v1beta` })("gemini-2.5-flash");
    const parts = await collectParts(new AISDKAdapter({ model }), adapterRequest({ tools }));
    const starts = parts.filter((part) => part.type === "tool-call-start");
    expect(starts.length).toBeGreaterThan(0);
    expect(parts.at(-1)).toEqual({ type: "finish", reason: "tool_calls" });
  });

  it("reports a 429 with retry-after from the APICallError's response headers", async () => {
    openaiFake.enqueue(httpError(429));
    const error = await collectParts(openai()).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: "rate_limited", providerStatus: 429, retryAfter: 20, provider: "openai" });
  });

  it("reports a missing API key as a configuration error", async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const keyless = new AISDKAdapter({ model: createOpenAI({ baseURL: openaiFake.baseURL }).chat("gpt-4o") });
      const error = await collectParts(keyless).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/OPENAI_API_KEY/);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it("stops the provider request when the consumer leaves early", async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    openaiFake.enqueue(toolCallAnswer([{ name: "lookup", arguments: { city: "Oslo" } }], { holdAfter: 2, hold }));
    const before = openaiFake.requests.length;
    const iterator = openai().stream(adapterRequest({ tools }))[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: "response-metadata" });
    expect((await iterator.next()).value).toMatchObject({ type: "tool-call-start" });
    await iterator.return?.();
    expect(await openaiFake.requests[before]!.closedEarly).toBe(true);
    release();
  });
});
