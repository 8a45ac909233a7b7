import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeGemini, GEMINI_FRAME_END, type FakeGemini } from "./fake-gemini.js";
import { httpError, textAnswer, toolCallAnswer } from "./fake-script.js";
import { FIXTURES, readFixture, replayFixture } from "./fixtures.js";
import { geminiRequestRules } from "./gemini-request-rules.js";
import { echoedKey } from "./request-rules.js";

let fake: FakeGemini;
beforeAll(async () => {
  fake = await createFakeGemini();
});
afterAll(() => fake.close());

const KEY = "AIzaSyTEST-0123456789";
const STREAM = "/v1beta/models/gemini-test:streamGenerateContent?alt=sse";

const post = (body: unknown, headers: Record<string, string> = { "x-goog-api-key": KEY }, url = `${fake.baseURL}${STREAM}`) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

const user = (...parts: unknown[]) => ({ role: "user", parts });
const model = (...parts: unknown[]) => ({ role: "model", parts });
const text = (value: string) => ({ text: value });
const call = (name: string) => ({ functionCall: { name, args: { city: "Paris" } } });
const response = (name: string) => ({ functionResponse: { name, response: { result: "sunny" } } });

const CALL_POSITION = "Please ensure that function call turn comes immediately after a user turn or after a function response turn.";
const RESPONSE_COUNT =
  "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.";
const unknownName = (name: string, path: string) =>
  `Invalid JSON payload received. Unknown name "${name}" at '${path}': Cannot find field.`;
const PARAMETERS = "tools[0].function_declarations[1].parameters";

describe("fake Gemini server: refuses what the real API refuses", () => {
  const refused: [rule: string, body: Record<string, unknown>, message: string, details?: unknown[]][] = [
    [
      "invalid-role",
      { contents: [user(text("hi")), { role: "assistant", parts: [text("Hello")] }] },
      "Please use a valid role: user, model.",
    ],
    [
      "first-turn-not-user",
      { contents: [model(text("Hello!")), user(text("hi"))] },
      "Please ensure that the conversation starts with a user turn.",
    ],
    ["first-turn-not-user", { contents: [model(call("weather")), user(response("weather"))] }, CALL_POSITION],
    ["function-call-position", { contents: [user(text("hi")), model(text("Let me check.")), model(call("weather"))] }, CALL_POSITION],
    [
      "function-response-count",
      { contents: [user(text("hi")), model(call("weather"), call("time")), user(response("weather"))] },
      RESPONSE_COUNT,
    ],
    ["function-response-count", { contents: [user(text("hi")), model(text("Sure.")), user(response("weather"))] }, RESPONSE_COUNT],
    [
      "unsupported-schema-keyword",
      {
        contents: [user(text("hi"))],
        tools: [
          {
            functionDeclarations: [
              { name: "ping", description: "No arguments" },
              {
                name: "weather",
                parameters: {
                  type: "OBJECT",
                  properties: { unit: { type: "STRING" }, city: { type: "STRING", examples: ["Paris"] } },
                  additionalProperties: false,
                  $schema: "http://json-schema.org/draft-07/schema#",
                },
              },
            ],
          },
        ],
      },
      [
        unknownName("additionalProperties", PARAMETERS),
        unknownName("$schema", PARAMETERS),
        unknownName("examples", `${PARAMETERS}.properties[1].value`),
      ].join("\n"),
      [
        {
          "@type": "type.googleapis.com/google.rpc.BadRequest",
          fieldViolations: [
            { field: PARAMETERS, description: unknownName("additionalProperties", PARAMETERS) },
            { field: PARAMETERS, description: unknownName("$schema", PARAMETERS) },
            { field: `${PARAMETERS}.properties[1].value`, description: unknownName("examples", `${PARAMETERS}.properties[1].value`) },
          ],
        },
      ],
    ],
  ];

  it.each(refused)("%s: 400 INVALID_ARGUMENT with Gemini's error body", async (rule, body, message, details) => {
    const before = fake.rejections.length;
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: { code: 400, message, status: "INVALID_ARGUMENT", ...(details ? { details } : {}) } });
    expect(fake.rejections.slice(before)).toEqual([{ rule, status: 400, message }]);
  });

  it("lists every rule it applies, and each rule has a test here", () => {
    expect(new Set(refused.map(([rule]) => rule))).toEqual(new Set(geminiRequestRules.map((rule) => rule.name)));
  });

  it("accepts a well-formed conversation, Schema keywords, and any JSON Schema in parametersJsonSchema", async () => {
    fake.enqueue(textAnswer("ok"));
    const answer = await post({
      contents: [
        user(text("Weather in Paris and Rome?")),
        model(text("Checking both."), call("weather"), call("weather")),
        user(response("weather"), response("weather")),
        model(text("Both sunny.")),
        user(text("Thanks")),
      ],
      tools: [
        {
          functionDeclarations: [
            {
              name: "weather",
              parameters: {
                type: "OBJECT",
                properties: {
                  city: { type: "STRING", enum: ["Paris", "Rome"], nullable: true },
                  days: { type: "ARRAY", items: { type: "INTEGER" } },
                },
                required: ["city"],
              },
            },
            { name: "raw", parametersJsonSchema: { type: "object", additionalProperties: false, $schema: "x" } },
          ],
        },
      ],
    });
    expect(answer.status).toBe(200);
  });

  it("takes any body with validate: false", async () => {
    const lax = await createFakeGemini({ validate: false });
    lax.enqueue(textAnswer("ok"));
    expect((await post({ contents: [model(call("weather"))] }, undefined, `${lax.baseURL}${STREAM}`)).status).toBe(200);
    await lax.close();
  });
});

describe("fake Gemini server: frames and fixtures", () => {
  it("ends every frame with CRLF CRLF, as the real API does", async () => {
    fake.enqueue(toolCallAnswer([{ name: "weather", arguments: { city: "Paris" } }], { text: "Checking" }));
    const body = await (await post({ contents: [user(text("hi"))] })).text();
    const frames = body.split(GEMINI_FRAME_END);
    expect(frames.at(-1)).toBe("");
    expect(frames.slice(0, -1).every((frame) => /^data: \{[^\r\n]*\}$/.test(frame))).toBe(true);
  });

  it.each([FIXTURES.geminiText, FIXTURES.geminiFunctionCall])("sends %s byte for byte", async (file) => {
    fake.enqueue(replayFixture(file));
    const answer = await post({ contents: [user(text("hi"))] });
    expect(answer.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(await answer.text()).toBe(readFixture(file));
  });
});

describe("fake Gemini server: auth errors echo the key they got", () => {
  const key = "AIzaSyLEAKY-0123456789-TAIL";

  it("echoes part of the key in a scripted 400 API_KEY_INVALID and all of it in a 403", async () => {
    fake.enqueue(httpError(400), httpError(403));
    const invalid = (await (await post({ contents: [user(text("hi"))] }, { "x-goog-api-key": key })).json()) as {
      error: { message: string; details: { reason?: string }[] };
    };
    expect(invalid.error.message).toBe(`API key not valid. Please pass a valid API key. (key: ${echoedKey(key)})`);
    expect(invalid.error.details[0]?.reason).toBe("API_KEY_INVALID");
    const forbidden = await post({ contents: [user(text("hi"))] }, {}, `${fake.baseURL}${STREAM}&key=${key}`);
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { message: string } }).error.message).toBe(
      `Permission denied: Consumer 'api_key:${key}' has been suspended.`,
    );
  });

  it("refuses every key but its own with apiKey (400 API_KEY_INVALID), and a request without a key (403)", async () => {
    const strict = await createFakeGemini({ apiKey: KEY });
    const url = `${strict.baseURL}${STREAM}`;
    const wrong = await post({ contents: [user(text("hi"))] }, { "x-goog-api-key": key }, url);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain(echoedKey(key));
    const none = await post({ contents: [user(text("hi"))] }, {}, url);
    expect(none.status).toBe(403);
    expect(await none.json()).toMatchObject({ error: { status: "PERMISSION_DENIED" } });
    await strict.close();
  });
});
