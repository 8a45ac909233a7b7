import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GoogleGenAI } from "@google/genai";
import { GoogleGenerativeAI } from "@google/generative-ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigurationError, ProviderError, type AdapterPart, type ServiceAdapter } from "@copilot-runtime/protocol";
import {
  adapterRequest,
  collectBatches,
  collectParts,
  createFakeGemini,
  FIXTURES,
  httpError,
  readFixture,
  replayFixture,
  textAnswer,
  toolCallAnswer,
  type FakeGemini,
} from "@copilot-runtime/testing";
import { GoogleGenAIAdapter } from "./google-genai-adapter.js";
import { GoogleGenerativeAIAdapter } from "./google-generative-ai-adapter.js";
import { importOptionalSdk } from "./optional-sdk.js";

let fake: FakeGemini;
const API_KEY = "AIzaSyFAKE-SECRET-0123456789";

beforeAll(async () => {
  fake = await createFakeGemini();
});
afterAll(() => fake.close());

const bindings: [string, () => ServiceAdapter][] = [
  [
    "GoogleGenAIAdapter",
    () =>
      new GoogleGenAIAdapter({ genai: new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: fake.baseURL } }), model: "gemini-test" }),
  ],
  // the client the adapter makes: on its own node:http pool, the stream read from the raw response
  ["GoogleGenAIAdapter (its own client)", () => new GoogleGenAIAdapter({ apiKey: API_KEY, baseURL: fake.baseURL, model: "gemini-test" })],
  [
    "GoogleGenerativeAIAdapter",
    () =>
      new GoogleGenerativeAIAdapter({
        genAI: new GoogleGenerativeAI(API_KEY),
        model: "gemini-test",
        requestOptions: { baseUrl: fake.baseURL },
      }),
  ],
];

const request = adapterRequest;

const collect = collectParts;

describe.each(bindings)("%s", (_name, make) => {
  it("sends one conversion: systemInstruction, contents, reduced tool schemas, generationConfig with temperature 0", async () => {
    fake.enqueue(textAnswer("ok"));
    await collect(
      make(),
      request({
        tools: [
          {
            name: "weather",
            description: "Weather",
            parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
          },
          { name: "ping", description: "No arguments", parameters: { type: "object", properties: {} } },
        ],
        parameters: { temperature: 0, maxTokens: 64 },
      }),
    );
    const body = fake.bodies().at(-1)!;
    expect(fake.modelOf()).toBe("gemini-test");
    expect(fake.requests.at(-1)!.headers["x-goog-api-key"]).toBe(API_KEY);
    expect(body.contents).toEqual([{ role: "user", parts: [{ text: "Hi" }] }]);
    expect(body.systemInstruction?.parts).toEqual([{ text: "Be brief." }]);
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "weather",
            description: "Weather",
            parameters: { type: "OBJECT", properties: { city: { type: "STRING" } }, required: ["city"] },
          },
          { name: "ping", description: "No arguments" },
        ],
      },
    ]);
    expect(body.generationConfig).toMatchObject({ temperature: 0, maxOutputTokens: 64 });
  });

  it("mints ids for whole function calls and reports cumulative usage", async () => {
    fake.enqueue(
      toolCallAnswer(
        [
          { name: "weather", arguments: { city: "Paris" } },
          { name: "weather", arguments: { city: "Rome" } },
        ],
        { text: "Checking", usage: { inputTokens: 30, outputTokens: 12 } },
      ),
    );
    const parts = await collect(make());
    const starts = parts.filter((p): p is Extract<AdapterPart, { type: "tool-call-start" }> => p.type === "tool-call-start");
    expect(starts.map((start) => start.toolName)).toEqual(["weather", "weather"]);
    expect(new Set(starts.map((start) => start.toolCallId)).size).toBe(2);
    const args = parts
      .filter((p): p is Extract<AdapterPart, { type: "tool-call-delta" }> => p.type === "tool-call-delta")
      .map((p) => JSON.parse(p.argsDelta));
    expect(args).toEqual([{ city: "Paris" }, { city: "Rome" }]);
    expect(parts.slice(-2)).toEqual([
      { type: "usage", usage: { inputTokens: 30, outputTokens: 12, totalTokens: 42 } },
      { type: "finish", reason: "tool_calls" },
    ]);
  });

  it("streams thought parts as reasoning", async () => {
    fake.enqueue(textAnswer("Answer", { reasoning: "Thinking hard" }));
    const parts = await collect(make());
    expect(
      parts
        .filter((p) => p.type === "reasoning-delta")
        .map((p) => (p as { delta: string }).delta)
        .join(""),
    ).toBe("Thinking hard");
    expect(
      parts
        .filter((p) => p.type === "text-delta")
        .map((p) => (p as { delta: string }).delta)
        .join(""),
    ).toBe("Answer");
  });

  it.each([
    [400, "provider_auth"],
    [429, "rate_limited"],
    [500, "provider_error"],
    [503, "provider_unavailable"],
  ])("maps HTTP %i to %s without leaking the key", async (status, code) => {
    fake.enqueue(httpError(status));
    const error = (await collect(make()).catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.code).toBe(code);
    expect(error.message).not.toContain(API_KEY);
    expect(error.message).not.toContain("SECRET");
    if (status === 429) expect(error.retryAfter).toBe(20);
    if (status === 400) expect(error.message).toMatch(/API key not valid/);
  });

  it("turns an {error} chunk mid-stream into a ProviderError", async () => {
    fake.enqueue(textAnswer("one two three four", { errorAfter: 2 }));
    const seen: AdapterPart[] = [];
    const error = await (async () => {
      for await (const part of make().stream(request())) seen.push(part);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe("provider_error");
    expect(seen.map((p) => (p as { delta?: string }).delta).join("")).toBe("one two");
  });

  it("maps a refused connection to provider_unavailable", async () => {
    const down = `http://127.0.0.1:9`;
    const adapters: Record<string, ServiceAdapter> = {
      GoogleGenAIAdapter: new GoogleGenAIAdapter({ genai: new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: down } }) }),
      "GoogleGenAIAdapter (its own client)": new GoogleGenAIAdapter({ apiKey: API_KEY, baseURL: down }),
      GoogleGenerativeAIAdapter: new GoogleGenerativeAIAdapter({
        genAI: new GoogleGenerativeAI(API_KEY),
        requestOptions: { baseUrl: down },
      }),
    };
    const adapter = adapters[_name]!;
    const error = (await collect(adapter).catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.code).toBe("provider_unavailable");
  });
});

describe("missing API key", () => {
  it.each([
    ["GoogleGenAIAdapter", "genai", () => new GoogleGenAIAdapter()],
    ["GoogleGenerativeAIAdapter", "genAI", () => new GoogleGenerativeAIAdapter()],
  ])("%s reports a configuration error naming the variables and the options", async (name, clientOption, make) => {
    const saved = { GOOGLE_API_KEY: process.env.GOOGLE_API_KEY, GEMINI_API_KEY: process.env.GEMINI_API_KEY };
    delete process.env.GOOGLE_API_KEY;
    delete process.env.GEMINI_API_KEY;
    try {
      const error = (await collect(make()).catch((e: unknown) => e)) as ConfigurationError;
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error).toMatchObject({ code: "configuration_error", status: 500 });
      expect(error.message).toMatch(/GOOGLE_API_KEY/);
      expect(error.message).toBe(
        `${name} has no API key: set GOOGLE_API_KEY or GEMINI_API_KEY, or pass \`apiKey\` or \`${clientOption}\` to ${name}.`,
      );
    } finally {
      Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, v]) => v !== undefined)));
    }
  });
});

describe("a missing SDK package", () => {
  it("is a configuration error that says what to install", async () => {
    const missing = "@google/not-installed-sdk";
    const error = await importOptionalSdk(missing, "GoogleGenAIAdapter", () => import(/* @vite-ignore */ missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({
      code: "configuration_error",
      message: "GoogleGenAIAdapter needs the @google/not-installed-sdk package: npm i @google/not-installed-sdk",
    });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});

describe.each(bindings)("%s on replayed streams in Gemini's wire format (fixtures, CRLF framing)", (_name, make) => {
  it("reports the answering model once, and sends the request's extra headers (the trace context)", async () => {
    fake.enqueue(replayFixture(FIXTURES.geminiText));
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const parts = await collectParts(make(), request({ headers: { traceparent } }), { metadata: true });
    expect(parts.filter((p) => p.type === "response-metadata")).toEqual([{ type: "response-metadata", model: "gemini-2.5-flash" }]);
    expect(fake.requests.at(-1)!.headers.traceparent).toBe(traceparent);
  });

  it("streams a six-frame text answer, with its usage", async () => {
    fake.enqueue(replayFixture(FIXTURES.geminiText));
    const parts = await collect(make());
    const expected = [...readFixture(FIXTURES.geminiText).matchAll(/^data: (.*)\r$/gm)]
      .map(
        (match) =>
          (JSON.parse(match[1]!) as { candidates: { content: { parts: { text: string }[] } }[] }).candidates[0]!.content.parts[0]!.text,
      )
      .join("");
    expect(expected).toMatch(/^\*\*Tides,\*\*/);
    expect(parts.flatMap((p) => (p.type === "text-delta" ? [p.delta] : [])).join("")).toBe(expected);
    expect(parts.filter((p) => p.type === "text-delta")).toHaveLength(6);
    expect(parts.find((p) => p.type === "usage")).toEqual({ type: "usage", usage: { inputTokens: 9, outputTokens: 48, totalTokens: 57 } });
    expect(parts.at(-1)).toEqual({ type: "finish", reason: "stop" });
  });

  it("streams a whole function call (no id, finishReason STOP) as one tool call", async () => {
    fake.enqueue(replayFixture(FIXTURES.geminiFunctionCall));
    const parts = await collect(make());
    const [start] = parts.filter((p) => p.type === "tool-call-start");
    expect(start).toMatchObject({ toolName: "getTemperature" });
    const id = (start as { toolCallId: string }).toolCallId;
    expect(parts).toEqual([
      { type: "tool-call-start", toolCallId: id, toolName: "getTemperature" },
      { type: "tool-call-delta", toolCallId: id, argsDelta: '{"city":"San Jose"}' },
      { type: "tool-call-end", toolCallId: id },
      { type: "usage", usage: { inputTokens: 30, outputTokens: 6, totalTokens: 36 } },
      { type: "finish", reason: "tool_calls" },
    ]);
  });
});

/** A replayed stream of the given Gemini chunks (written to a file the fake replays byte for byte). */
function replayChunks(chunks: object[]): ReturnType<typeof replayFixture> {
  const file = join(mkdtempSync(join(tmpdir(), "gemini-frames-")), "stream.txt");
  writeFileSync(file, chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join(""));
  return replayFixture(file);
}

const chunkOf = (text: string, extra: Record<string, unknown> = {}, output = 1) => ({
  candidates: [{ content: { parts: [{ text }], role: "model" }, index: 0, ...extra }],
  usageMetadata: { promptTokenCount: 5, candidatesTokenCount: output, totalTokenCount: 5 + output },
  modelVersion: "gemini-2.5-flash",
});

const genaiBindings = bindings.filter(([name]) => name.startsWith("GoogleGenAIAdapter"));

describe.each(genaiBindings)("%s: automatic continuation and retries, as @google/genai does them", (_name, make) => {
  it("goes on from a continuation token in a further request, the usage of both requests added up", async () => {
    fake.enqueue(replayChunks([chunkOf("Hello"), chunkOf(" wor", { finishReason: "CONTINUATION", continuationToken: "tok-1" }, 2)]));
    fake.enqueue(replayChunks([chunkOf("ld", { finishReason: "STOP" }, 1)]));
    const before = fake.bodies().length;
    const parts = await collect(make());
    expect(fake.bodies().length - before).toBe(2);
    expect(fake.bodies().at(-2)!.continuationToken).toBeUndefined();
    expect(fake.bodies().at(-1)!.continuationToken).toBe("tok-1");
    expect(parts.flatMap((p) => (p.type === "text-delta" ? [p.delta] : [])).join("")).toBe("Hello world");
    expect(parts.slice(-2)).toEqual([
      { type: "usage", usage: { inputTokens: 10, outputTokens: 3, totalTokens: 13 } },
      { type: "finish", reason: "stop" },
    ]);
  });

  it("goes on from the last checkpoint of a stream that closed without a finish reason", async () => {
    fake.enqueue(replayChunks([chunkOf("Hello", { continuationToken: "tok-1" }), chunkOf(" wor")]));
    fake.enqueue(replayChunks([chunkOf("ld", { finishReason: "STOP" })]));
    const before = fake.bodies().length;
    const parts = await collect(make());
    expect(fake.bodies().length - before).toBe(2);
    expect(fake.bodies().at(-1)!.continuationToken).toBe("tok-1");
    expect(parts.flatMap((p) => (p.type === "text-delta" ? [p.delta] : [])).join("")).toBe("Hello world");
  });

  it("sends no further request for an answer the client aborted after a checkpoint, and ends in an AbortError", async () => {
    const frames = [chunkOf("Hello", { continuationToken: "tok-1" }), chunkOf(" wor"), chunkOf("ld", { finishReason: "CONTINUATION" })];
    fake.enqueue({ ...replayChunks(frames), delayMs: 100 });
    const before = fake.bodies().length;
    const controller = new AbortController();
    const seen: AdapterPart[] = [];
    const error = await (async () => {
      for await (const part of make().stream(request({ signal: controller.signal }))) {
        seen.push(part);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "AbortError" });
    expect(seen).not.toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.bodies().length - before).toBe(1);
  });

  it("sends no further request for an answer refused by an error chunk, or broken off without a checkpoint", async () => {
    fake.enqueue(textAnswer("never", { errorAfter: 0 }));
    fake.enqueue(textAnswer("one two three", { cutAfter: 1 }));
    const before = fake.bodies().length;
    expect(await collect(make()).catch((e: unknown) => e)).toBeInstanceOf(ProviderError);
    expect(await collect(make()).catch((e: unknown) => e)).toBeInstanceOf(ProviderError);
    expect(fake.bodies().length - before).toBe(2);
  });
});

describe("GoogleGenAIAdapter with the client it makes", () => {
  it("gives the parts of one piece of the body as one batch (streamBatches, what the runtime reads)", async () => {
    const adapter = new GoogleGenAIAdapter({ apiKey: API_KEY, baseURL: fake.baseURL, model: "gemini-test" });
    fake.enqueue(textAnswer(["Hel", "lo", " there"]));
    const parts = await collect(adapter);
    fake.enqueue(textAnswer(["Hel", "lo", " there"]));
    const batches = await collectBatches(adapter, request());
    expect(batches.flat().map((p) => p.type)).toEqual(parts.map((p) => p.type));
    expect(batches.length).toBeLessThan(parts.length);
  });

  it("sends its requests to baseURL with the key, through its own connection pool", async () => {
    const adapter = new GoogleGenAIAdapter({ apiKey: API_KEY, baseURL: fake.baseURL, model: "gemini-test" });
    fake.enqueue(textAnswer("a"));
    fake.enqueue(textAnswer("b"));
    await collect(adapter);
    await collect(adapter);
    const [first, second] = fake.requests.slice(-2);
    expect(first!.headers["x-goog-api-key"]).toBe(API_KEY);
    // node:http asks for an uncompressed answer; undici's fetch would ask for gzip
    expect(second!.headers["accept-encoding"]).toBe("identity");
  });
});
