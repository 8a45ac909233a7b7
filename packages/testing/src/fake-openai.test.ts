import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeOpenAI, type FakeOpenAI } from "./fake-openai.js";
import { httpError, textAnswer, toolCallAnswer } from "./fake-script.js";

let fake: FakeOpenAI;
let client: OpenAI;

beforeAll(async () => {
  fake = await createFakeOpenAI();
  client = new OpenAI({ apiKey: "sk-test", baseURL: fake.baseURL, maxRetries: 0 });
});
afterAll(() => fake.close());

const params = {
  model: "gpt-4o",
  messages: [{ role: "user" as const, content: "hi" }],
  stream: true as const,
  stream_options: { include_usage: true },
};

describe("fake OpenAI server, driven by the real openai SDK", () => {
  it("streams text and the usage chunk", async () => {
    fake.enqueue(textAnswer("Hello there world"));
    const stream = await client.chat.completions.create(params);
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Hello there world");
    expect(usage).toMatchObject({ prompt_tokens: 42, completion_tokens: 17, total_tokens: 59 });
    expect(fake.bodies().at(-1)).toMatchObject({ model: "gpt-4o", stream: true });
  });

  it("streams parallel tool calls whose arguments arrive in fragments", async () => {
    fake.enqueue(
      toolCallAnswer([
        { id: "call_a", name: "weather", arguments: { city: "Paris" }, chunks: 4 },
        { id: "call_b", name: "time", arguments: '{"tz":"CET"}' },
      ]),
    );
    const stream = client.chat.completions.stream(params);
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expect(final.choices[0]?.message.tool_calls).toMatchObject([
      { id: "call_a", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
      { id: "call_b", type: "function", function: { name: "time", arguments: '{"tz":"CET"}' } },
    ]);
  });

  it.each([
    [401, OpenAI.AuthenticationError],
    [429, OpenAI.RateLimitError],
    [500, OpenAI.InternalServerError],
  ])("answers %i with the real error body", async (status, ErrorClass) => {
    fake.enqueue(httpError(status));
    const error = await client.chat.completions.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
  });

  it("sends an error frame mid-stream, which the SDK throws", async () => {
    fake.enqueue(textAnswer("one two three four", { errorAfter: 2 }));
    const stream = await client.chat.completions.create(params);
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "");
    })().catch((e: unknown) => e);
    expect(seen.join("")).toBe("one");
    expect(error).toBeInstanceOf(OpenAI.APIError);
  });

  it("cuts the connection mid-stream", async () => {
    fake.enqueue(textAnswer("one two three four", { cutAfter: 2 }));
    const stream = await client.chat.completions.create(params);
    const error = await (async () => {
      for await (const _chunk of stream) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
  });
});
