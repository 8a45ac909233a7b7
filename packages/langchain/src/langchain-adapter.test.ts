import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { describe, expect, it } from "vitest";
import { ConfigurationError, ProviderError, type AdapterPart, type AdapterRequest } from "@copilot-runtime/protocol";
import { ChatOpenAI } from "@langchain/openai";
import { adapterRequest, collectParts, createFakeOpenAI, FIXTURES, replayFixture } from "@copilot-runtime/testing";
import { LangChainAdapter, type ChainFnParameters, type ChainFnResult } from "./langchain-adapter.js";
import { toLangChainMessages } from "./convert-messages.js";
import { FragmentStreamingModel } from "./test-models.js";

const request = (overrides: Partial<AdapterRequest> = {}) =>
  adapterRequest({
    tools: [{ name: "weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } }],
    parameters: { temperature: 0 },
    ...overrides,
  });

const collect = (chainFn: (p: ChainFnParameters) => ChainFnResult | Promise<ChainFnResult>, req = request()): Promise<AdapterPart[]> =>
  collectParts(new LangChainAdapter({ chainFn }), req);

const text = (parts: AdapterPart[]) =>
  parts
    .filter((p) => p.type === "text-delta")
    .map((p) => (p as { delta: string }).delta)
    .join("");

describe("LangChainAdapter results", () => {
  it("takes a plain string (which crashes CopilotKit's adapter)", async () => {
    expect(await collect(() => "Just text.")).toEqual([
      { type: "text-delta", delta: "Just text." },
      { type: "finish", reason: "stop" },
    ]);
  });

  it("takes an AIMessage with tool calls and usage", async () => {
    const parts = await collect(
      () =>
        new AIMessage({
          content: "Let me check.",
          tool_calls: [{ id: "c1", name: "weather", args: { city: "Paris" }, type: "tool_call" }],
          usage_metadata: { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
        }),
    );
    expect(parts).toEqual([
      { type: "text-delta", delta: "Let me check." },
      { type: "tool-call-start", toolCallId: "c1", toolName: "weather" },
      { type: "tool-call-delta", toolCallId: "c1", argsDelta: '{"city":"Paris"}' },
      { type: "tool-call-end", toolCallId: "c1" },
      { type: "usage", usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 } },
      { type: "finish", reason: "tool_calls" },
    ]);
  });

  it("takes a BaseMessageChunk, and content given as blocks", async () => {
    expect(text(await collect(() => new AIMessageChunk({ content: "chunk" })))).toBe("chunk");
    expect(
      text(
        await collect(
          () =>
            new AIMessage({
              content: [
                { type: "text", text: "from " },
                { type: "text", text: "blocks" },
              ],
            }),
        ),
      ),
    ).toBe("from blocks");
  });

  it("streams a stream of strings (model.pipe(new StringOutputParser()))", async () => {
    const model = new FragmentStreamingModel([[{ content: "Hel" }, { content: "lo" }]]);
    const parts = await collect(({ messages, signal }) => model.pipe(new StringOutputParser()).stream(messages, { signal }));
    expect(parts.filter((p) => p.type === "text-delta")).toEqual([
      { type: "text-delta", delta: "Hel" },
      { type: "text-delta", delta: "lo" },
    ]);
  });

  it("assembles tool_call_chunks by index, so parallel calls of one tool stay distinct", async () => {
    const model = new FragmentStreamingModel([
      [
        { content: "Checking both." },
        { toolCallChunks: [{ index: 0, id: "call_a", name: "weather", args: '{"ci' }] },
        { toolCallChunks: [{ index: 1, id: "call_b", name: "weather", args: '{"city":' }] },
        { toolCallChunks: [{ index: 0, args: 'ty":"Paris"}' }] },
        { toolCallChunks: [{ index: 1, args: '"Rome"}' }] },
        { usage: { input_tokens: 20, output_tokens: 8, total_tokens: 28 } },
      ],
    ]);
    const parts = await collect(({ messages, tools, signal }) => model.bindTools(tools).stream(messages, { signal }));
    const args = (id: string) =>
      parts
        .filter((p): p is Extract<AdapterPart, { type: "tool-call-delta" }> => p.type === "tool-call-delta" && p.toolCallId === id)
        .map((p) => p.argsDelta)
        .join("");
    expect(parts.filter((p) => p.type === "tool-call-start")).toEqual([
      { type: "tool-call-start", toolCallId: "call_a", toolName: "weather" },
      { type: "tool-call-start", toolCallId: "call_b", toolName: "weather" },
    ]);
    expect(JSON.parse(args("call_a"))).toEqual({ city: "Paris" });
    expect(JSON.parse(args("call_b"))).toEqual({ city: "Rome" });
    expect(parts.slice(-2)).toEqual([
      { type: "usage", usage: { inputTokens: 20, outputTokens: 8, totalTokens: 28 } },
      { type: "finish", reason: "tool_calls" },
    ]);
    // the model got the tools as bindable definitions
    expect(model.calls[0]?.options.tools).toEqual([
      {
        type: "function",
        function: { name: "weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
      },
    ]);
  });

  it("sums usage_metadata over the chunks of a stream, cache and reasoning details included", async () => {
    const usage = (input: number, output: number, cacheRead: number, reasoning: number) => ({
      input_tokens: input,
      output_tokens: output,
      total_tokens: input + output,
      input_token_details: { cache_read: cacheRead },
      output_token_details: { reasoning },
    });
    async function* chunks() {
      yield new AIMessageChunk({ content: "Hel", usage_metadata: usage(10, 2, 4, 1) });
      yield new AIMessageChunk({ content: "lo" });
      yield new AIMessageChunk({ content: "", usage_metadata: usage(0, 3, 0, 2) });
    }
    const parts = await collect(() => chunks());
    expect(text(parts)).toBe("Hello");
    expect(parts.slice(-2)).toEqual([
      { type: "usage", usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, cachedInputTokens: 4, reasoningTokens: 3 } },
      { type: "finish", reason: "stop" },
    ]);
  });

  it("gives chainFn LangChain messages, the model parameters and the ids", async () => {
    let seen: ChainFnParameters | undefined;
    await collect((parameters) => {
      seen = parameters;
      return "ok";
    });
    expect(seen?.messages.map((m) => m.getType())).toEqual(["system", "human"]);
    expect(seen?.parameters).toEqual({ temperature: 0 });
    expect(seen?.threadId).toBe("t");
    expect(seen?.signal).toBeInstanceOf(AbortSignal);
  });

  it("maps chain failures to ProviderError, and explains unusable results", async () => {
    const failure = Object.assign(new Error("401 Incorrect API key provided: sk-abc123SECRET"), {
      status: 401,
      lc_error_code: "MODEL_AUTHENTICATION",
    });
    const error = (await collect(() => Promise.reject(failure)).catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.code).toBe("provider_auth");
    expect(error.message).not.toContain("SECRET");
    const bad = (await collect(() => 42 as unknown as string).catch((e: unknown) => e)) as ConfigurationError;
    expect(bad).toBeInstanceOf(ConfigurationError);
    expect(bad.code).toBe("configuration_error");
    expect(bad.message).toMatch(/return a string, an AIMessage/);
  });

  it("requires a chainFn", () => {
    expect(() => new LangChainAdapter({} as never)).toThrow(/needs a chainFn/);
    expect(() => new LangChainAdapter({} as never)).toThrow(ConfigurationError);
  });
});

describe("toLangChainMessages", () => {
  it("builds System, Human, AI with tool_calls and Tool messages, dropping orphans", () => {
    const messages = toLangChainMessages([
      { id: "s", role: "system", content: "Sys" },
      { id: "d", role: "developer", content: "Dev" },
      { id: "u", role: "user", content: "Hi" },
      { id: "orphan", role: "tool", toolCallId: "ghost", content: "x" },
      {
        id: "a",
        role: "assistant",
        content: "Checking",
        toolCalls: [
          { id: "c1", type: "function", function: { name: "w", arguments: '{"city":"Paris"}' } },
          { id: "c2", type: "function", function: { name: "w", arguments: "{}" } },
        ],
      },
      { id: "t1", role: "tool", toolCallId: "c1", content: "sunny" },
    ]);
    expect(messages.map((m) => m.getType())).toEqual(["system", "system", "human", "ai", "tool"]);
    expect(messages[0]).toBeInstanceOf(SystemMessage);
    expect(messages[2]).toBeInstanceOf(HumanMessage);
    const ai = messages[3] as AIMessage;
    expect(ai.content).toBe("Checking");
    expect(ai.tool_calls).toEqual([{ id: "c1", name: "w", args: { city: "Paris" }, type: "tool_call" }]);
    const tool = messages[4] as ToolMessage;
    expect(tool.tool_call_id).toBe("c1");
    expect(tool.content).toBe("sunny");
  });
});

describe("LangChainAdapter with a real ChatOpenAI on OpenAI's documented streams (replayed fixtures)", () => {
  it("yields the text of the API reference's example and the tool call of the function calling guide", async () => {
    const fake = await createFakeOpenAI();
    const adapter = new LangChainAdapter({
      chainFn: ({ messages, tools, signal }) =>
        new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "sk-test", configuration: { baseURL: fake.baseURL }, maxRetries: 0 })
          .bindTools(tools)
          .stream(messages, { signal }),
    });
    try {
      fake.enqueue(replayFixture(FIXTURES.openaiChatText), replayFixture(FIXTURES.openaiChatToolCall));
      expect(await collectParts(adapter, request())).toEqual([
        { type: "text-delta", delta: "Hello" },
        { type: "finish", reason: "stop" },
      ]);
      const parts = await collectParts(adapter, request());
      const id = "call_DdmO9pD3xa9XTPNJ32zg2hcA";
      expect(parts.filter((p) => p.type !== "tool-call-delta")).toEqual([
        { type: "tool-call-start", toolCallId: id, toolName: "get_weather" },
        { type: "tool-call-end", toolCallId: id },
        { type: "finish", reason: "tool_calls" },
      ]);
      const args = parts.flatMap((p) => (p.type === "tool-call-delta" ? [p.argsDelta] : []));
      expect(JSON.parse(args.join(""))).toEqual({ location: "Paris, France" });
      expect(fake.rejections).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
