import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeOpenAI, type FakeOpenAI } from "./fake-openai.js";
import { httpError, textAnswer, toolCallAnswer } from "./fake-script.js";
import { FIXTURES, readFixture, replayFixture } from "./fixtures.js";
import { openaiRequestRules } from "./openai-request-rules.js";
import { echoedKey } from "./request-rules.js";

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

const post = (body: unknown, headers: Record<string, string> = { authorization: "Bearer sk-test" }, url = fake.baseURL) =>
  fetch(`${url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

const call = (id: string, name = "f") => ({ id, type: "function", function: { name, arguments: "{}" } });

describe("fake OpenAI server: refuses what the real API refuses", () => {
  const user = { role: "user", content: "hi" };
  const refused: [rule: string, body: Record<string, unknown>, message: string, param: string, code: string | null][] = [
    [
      "unknown-role",
      { model: "gpt-4o", messages: [user, { role: "robot", content: "beep" }] },
      "Invalid value: 'robot'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.",
      "messages[1].role",
      "invalid_value",
    ],
    [
      "empty-tools",
      { model: "gpt-4o", messages: [user], tools: [] },
      "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      "tools",
      "empty_array",
    ],
    [
      "empty-tool-calls",
      { model: "gpt-4o", messages: [user, { role: "assistant", content: "ok", tool_calls: [] }] },
      "Invalid 'messages[1].tool_calls': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      "messages[1].tool_calls",
      "empty_array",
    ],
    [
      "tool-without-call",
      { model: "gpt-4o", messages: [user, { role: "assistant", content: "sure" }, { role: "tool", tool_call_id: "call_1", content: "x" }] },
      "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
      "messages.[2].role",
      null,
    ],
    [
      "tool-without-call",
      {
        model: "gpt-4o",
        messages: [
          user,
          { role: "assistant", content: null, tool_calls: [call("call_1")] },
          { role: "tool", tool_call_id: "call_2", content: "x" },
        ],
      },
      "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
      "messages.[2].role",
      null,
    ],
    [
      "unanswered-tool-call",
      {
        model: "gpt-4o",
        messages: [
          user,
          { role: "assistant", content: null, tool_calls: [call("call_1"), call("call_2")] },
          { role: "tool", tool_call_id: "call_1", content: "one" },
          user,
        ],
      },
      "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. " +
        "The following tool_call_ids did not have response messages: call_2",
      "messages.[3].role",
      null,
    ],
    [
      "unanswered-tool-call",
      { model: "gpt-4o", messages: [user, { role: "assistant", content: null, tool_calls: [call("call_1")] }] },
      "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. " +
        "The following tool_call_ids did not have response messages: call_1",
      "messages.[1].role",
      null,
    ],
  ];

  it.each(refused)("%s: 400 with OpenAI's error body", async (rule, body, message, param, code) => {
    const before = fake.rejections.length;
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { message, type: "invalid_request_error", param, code } });
    expect(fake.rejections.slice(before)).toEqual([{ rule, status: 400, message }]);
  });

  it("lists every rule it applies, and each rule has a test here", () => {
    expect(new Set(refused.map(([rule]) => rule))).toEqual(new Set(openaiRequestRules.map((rule) => rule.name)));
  });

  it("accepts a conversation whose tool calls are all answered, in any order", async () => {
    fake.enqueue(textAnswer("ok"));
    const response = await post({
      model: "gpt-4o",
      stream: true,
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: {} } } }],
      messages: [
        { role: "developer", content: "Be brief." },
        user,
        { role: "assistant", content: null, tool_calls: [call("call_1"), call("call_2")] },
        { role: "tool", tool_call_id: "call_2", content: "two" },
        { role: "tool", tool_call_id: "call_1", content: "one" },
        { role: "assistant", content: "done" },
        user,
      ],
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/data: \[DONE\]\n\n$/);
  });

  it("reaches the SDK as a BadRequestError with the real message", async () => {
    const error = await client.chat.completions.create({ ...params, tools: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/^400 Invalid 'tools': empty array/);
  });

  it("takes any body with validate: false", async () => {
    const lax = await createFakeOpenAI({ validate: false });
    lax.enqueue(textAnswer("ok"));
    const response = await post({ model: "gpt-4o", messages: [{ role: "robot", content: "beep" }], tools: [] }, undefined, lax.baseURL);
    expect(response.status).toBe(200);
    expect(lax.rejections).toEqual([]);
    await lax.close();
  });
});

describe("fake OpenAI server: auth errors echo the key they got", () => {
  const key = "sk-proj-leaky-0123456789abcdef-TAIL";

  it("answers a scripted 401 with the key masked as OpenAI masks it", async () => {
    fake.enqueue(httpError(401));
    const response = await post({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${key}` });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { message: string; code: string } };
    expect(echoedKey(key)).toBe("sk-proj-***********************TAIL");
    expect(body.error).toMatchObject({
      message: `Incorrect API key provided: ${echoedKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      code: "invalid_api_key",
    });
  });

  it("echoes the key in a 403 too", async () => {
    fake.enqueue(httpError(403));
    const response = await post({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${key}` });
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(echoedKey(key));
  });

  it("refuses every key but its own with apiKey, and a request without a key (which it takes without apiKey)", async () => {
    const strict = await createFakeOpenAI({ apiKey: "sk-right-0123456789" });
    const body = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };
    fake.enqueue(textAnswer("ok"));
    expect((await post(body, {})).status).toBe(200);
    const wrong = await post(body, { authorization: `Bearer ${key}` }, strict.baseURL);
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain(echoedKey(key));
    const none = await post(body, {}, strict.baseURL);
    expect(none.status).toBe(401);
    expect(await none.text()).toContain("You didn't provide an API key");
    strict.enqueue(textAnswer("ok"));
    expect((await post(body, { authorization: "Bearer sk-right-0123456789" }, strict.baseURL)).status).toBe(200);
    await strict.close();
  });
});

describe("fake OpenAI server: replays the documented streams", () => {
  it("sends a fixture byte for byte", async () => {
    fake.enqueue(replayFixture(FIXTURES.openaiChatText));
    const response = await post({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(await response.text()).toBe(readFixture(FIXTURES.openaiChatText));
  });

  it("replays the function calling guide's tool call through the SDK", async () => {
    fake.enqueue(replayFixture(FIXTURES.openaiChatToolCall));
    const final = await client.chat.completions.stream(params).finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expect(final.choices[0]?.message.tool_calls).toMatchObject([
      { id: "call_DdmO9pD3xa9XTPNJ32zg2hcA", function: { name: "get_weather", arguments: '{"location":"Paris, France"}' } },
    ]);
  });
});

describe("fake OpenAI server: Azure OpenAI deployment URLs", () => {
  const path = (query: string) => `${fake.url}/openai/deployments/my-deployment/chat/completions${query}`;
  const body = JSON.stringify({ messages: [{ role: "user", content: "hi" }], stream: true });

  it("streams to the real AzureOpenAI client: deployment in the path, api-version in the query, api-key header", async () => {
    fake.enqueue(textAnswer("Hello from Azure"));
    const azure = new AzureOpenAI({
      endpoint: fake.url,
      apiKey: "azure-key-0123456789",
      apiVersion: "2024-10-21",
      deployment: "my-deployment",
      maxRetries: 0,
    });
    let text = "";
    for await (const chunk of await azure.chat.completions.create({ ...params, model: "" })) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("Hello from Azure");
    const request = fake.requests.at(-1)!;
    expect(request.path).toBe("/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21");
    expect(request.headers["api-key"]).toBe("azure-key-0123456789");
  });

  it("answers a deployment URL without api-version with Azure's 404", async () => {
    const response = await fetch(path(""), { method: "POST", headers: { "api-key": "k", "content-type": "application/json" }, body });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "404", message: "Resource not found" } });
  });

  it("answers a deployment URL without a key with Azure's 401", async () => {
    const response = await fetch(path("?api-version=2024-10-21"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("401");
  });

  it("takes a wrong api-key for the key it was given as OpenAI's 401", async () => {
    const strict = await createFakeOpenAI({ apiKey: "the-right-key-0123456789" });
    try {
      const response = await fetch(`${strict.url}/openai/deployments/d/chat/completions?api-version=2024-10-21`, {
        method: "POST",
        headers: { "api-key": "a-wrong-key-0123456789", "content-type": "application/json" },
        body,
      });
      expect(response.status).toBe(401);
    } finally {
      await strict.close();
    }
  });
});
