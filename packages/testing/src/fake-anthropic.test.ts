import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anthropicRequestRules } from "./anthropic-request-rules.js";
import { createFakeAnthropic, type FakeAnthropic } from "./fake-anthropic.js";
import { httpError, textAnswer } from "./fake-script.js";
import { FIXTURES, readFixture, replayFixture } from "./fixtures.js";
import { echoedKey } from "./request-rules.js";

let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await createFakeAnthropic();
});
afterAll(() => fake.close());

const OLD = "2023-06-01";
const NEW = "2026-10-21";

const post = (body: unknown, headers: Record<string, string> = {}, url = fake.baseURL) =>
  fetch(`${url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "sk-ant-test", "anthropic-version": NEW, ...headers },
    body: JSON.stringify(body),
  });

const request = (messages: unknown[], extra: Record<string, unknown> = {}) => ({
  model: "claude-test-1",
  max_tokens: 64,
  messages,
  ...extra,
});
const user = (content: unknown) => ({ role: "user", content });
const assistant = (content: unknown) => ({ role: "assistant", content });
const toolUse = (id: string) => ({ type: "tool_use", id, name: "weather", input: { city: "Paris" } });
const toolResult = (id: string) => ({ type: "tool_result", tool_use_id: id, content: "sunny" });
const text = (value: string) => ({ type: "text", text: value });

const unpaired = (index: number, ids: string) =>
  `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${ids}. ` +
  "Each `tool_use` block must have a corresponding `tool_result` block in the next message.";

describe("fake Anthropic server: refuses what the real API refuses", () => {
  const refused: [rule: string, body: Record<string, unknown>, message: string, version?: string][] = [
    ["sampling-on-new-version", request([user("hi")], { temperature: 0 }), "temperature: Extra inputs are not permitted"],
    ["sampling-on-new-version", request([user("hi")], { top_p: 0.9 }), "top_p: Extra inputs are not permitted"],
    [
      "temperature-and-top-p",
      request([user("hi")], { temperature: 0.5, top_p: 0.9 }),
      "`temperature` and `top_p` cannot both be specified for this model. Please use only one.",
      OLD,
    ],
    ["first-turn-not-user", request([assistant("Hello!"), user("hi")]), 'messages: first message must use the "user" role'],
    [
      "consecutive-roles",
      request([user("hi"), user("again")]),
      'messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row',
    ],
    [
      "empty-content",
      request([user("hi"), assistant([]), user("well?")]),
      "messages.1: all messages must have non-empty content except for the optional final assistant message",
    ],
    ["empty-text-block", request([user([text("")])]), "messages: text content blocks must be non-empty"],
    ["empty-text-block", request([user([text(" \n")])]), "messages: text content blocks must contain non-whitespace text"],
    ["empty-text-block", request([user("hi")], { system: [text("")] }), "system: text content blocks must be non-empty"],
    [
      "tool-result-without-call",
      request([user("hi"), assistant("Sure."), user([toolResult("toolu_x")])]),
      "messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_x. " +
        "Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
    ],
    [
      "tool-result-not-first",
      request([user("hi"), assistant([toolUse("toolu_a")]), user([text("Here you go:"), toolResult("toolu_a")])]),
      unpaired(1, "toolu_a"),
    ],
    [
      "unanswered-tool-use",
      request([user("hi"), assistant([toolUse("toolu_a"), toolUse("toolu_b")]), user([toolResult("toolu_a"), text("and?")])]),
      unpaired(1, "toolu_b"),
    ],
    ["unanswered-tool-use", request([user("hi"), assistant([toolUse("toolu_a")])]), unpaired(1, "toolu_a")],
  ];

  it.each(refused)("%s: 400 with Anthropic's error body", async (rule, body, message, version = NEW) => {
    const before = fake.rejections.length;
    const response = await post(body, { "anthropic-version": version });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ type: "error", error: { type: "invalid_request_error", message }, request_id: "req_fake" });
    expect(fake.rejections.slice(before)).toEqual([{ rule, status: 400, message }]);
  });

  it("lists every rule it applies, and each rule has a test here", () => {
    expect(new Set(refused.map(([rule]) => rule))).toEqual(new Set(anthropicRequestRules.map((rule) => rule.name)));
  });

  it("accepts a well-formed conversation, and temperature alone under 2023-06-01", async () => {
    fake.enqueue(textAnswer("ok"), textAnswer("ok"));
    const conversation = request([
      user("Weather in Paris and Rome?"),
      assistant([text("Checking both."), toolUse("toolu_a"), toolUse("toolu_b")]),
      user([toolResult("toolu_b"), toolResult("toolu_a"), text("Which is nicer?")]),
      assistant("Paris."),
      user([{ type: "image", source: { type: "url", url: "https://example.com/cat.png" } }]),
    ]);
    expect((await post({ ...conversation, system: "Be brief.", stream: true })).status).toBe(200);
    expect((await post(request([user("hi")], { temperature: 0, stream: true }), { "anthropic-version": OLD })).status).toBe(200);
  });

  it("takes any body with validate: false", async () => {
    const lax = await createFakeAnthropic({ validate: false });
    lax.enqueue(textAnswer("ok"));
    expect((await post(request([assistant("")], { temperature: 1, top_p: 1 }), {}, lax.baseURL)).status).toBe(200);
    await lax.close();
  });
});

describe("fake Anthropic server: auth errors echo the key they got", () => {
  const key = "sk-ant-api03-leaky-0123456789-TAIL";

  it("echoes the key of a scripted 401 and 403, from x-api-key or a bearer token", async () => {
    fake.enqueue(httpError(401), httpError(403));
    const unauthorized = await post(request([user("hi")]), { "x-api-key": key });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({
      error: { type: "authentication_error", message: `invalid x-api-key: ${echoedKey(key)}` },
    });
    const forbidden = await fetch(`${fake.baseURL}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(request([user("hi")])),
    });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).toContain(echoedKey(key));
  });

  it("refuses every key but its own with apiKey, and a request without a key", async () => {
    const strict = await createFakeAnthropic({ apiKey: "sk-ant-right-0123456789" });
    const wrong = await post(request([user("hi")]), { "x-api-key": key }, strict.baseURL);
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain(echoedKey(key));
    const none = await fetch(`${strict.baseURL}/v1/messages`, { method: "POST", body: JSON.stringify(request([user("hi")])) });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { type: "authentication_error", message: "x-api-key header is required" } });
    await strict.close();
  });
});

describe("fake Anthropic server: replays the documented streams", () => {
  it.each([FIXTURES.anthropicText, FIXTURES.anthropicToolUse])("sends %s byte for byte", async (file) => {
    fake.enqueue(replayFixture(file));
    const response = await post(request([user("What is the weather like in San Francisco?")], { stream: true }));
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(await response.text()).toBe(readFixture(file));
  });
});
