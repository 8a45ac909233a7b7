import { Sha256 } from "@aws-crypto/sha256-js";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { SignatureV4 } from "@smithy/signature-v4";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeBedrock, FAKE_AWS_CREDENTIALS, type FakeBedrock } from "./fake-bedrock.js";
import { textAnswer, toolCallAnswer } from "./fake-script.js";

const TEMPORARY = { accessKeyId: "ASIATEMPORARY0000001", secretAccessKey: "temporarySecret0123456789", sessionToken: "session-token-1" };
const EXPIRED = {
  accessKeyId: "ASIAEXPIRED000000001",
  secretAccessKey: "expiredSecret0123456789",
  sessionToken: "old-token",
  expired: true,
};
const MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const BODY = { messages: [{ role: "user", content: [{ text: "Hi" }] }], inferenceConfig: { maxTokens: 100 } };

let fake: FakeBedrock;
beforeAll(async () => {
  fake = await createFakeBedrock({ credentials: [FAKE_AWS_CREDENTIALS, TEMPORARY, EXPIRED] });
});
afterAll(() => fake.close());

interface SignOptions {
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region?: string;
  service?: string;
  date?: Date;
  body?: unknown;
  /** Changes the body after signing. */
  tamper?: boolean;
}

/** A ConverseStream request signed with the AWS SDK's signer, as any AWS client sends it. */
async function send(options: SignOptions = {}): Promise<Response> {
  const url = new URL(`${fake.url}/model/${encodeURIComponent(MODEL)}/converse-stream`);
  const body = JSON.stringify(options.body ?? BODY);
  const signer = new SignatureV4({
    credentials: options.credentials ?? FAKE_AWS_CREDENTIALS,
    region: options.region ?? fake.region,
    service: options.service ?? "bedrock",
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: "POST",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: {},
      headers: { host: url.host, "content-type": "application/json" },
      body,
    },
    options.date !== undefined ? { signingDate: options.date } : {},
  );
  return fetch(url, {
    method: "POST",
    headers: signed.headers as Record<string, string>,
    body: options.tamper === true ? body.replace("Hi", "Hello") : body,
  });
}

async function expectRefused(response: Response, type: string, message: RegExp | string): Promise<void> {
  expect(response.status).toBe(403);
  expect(response.headers.get("x-amzn-errortype")).toMatch(new RegExp(`^${type}:`));
  const body = (await response.json()) as { message: string };
  if (typeof message === "string") expect(body.message).toBe(message);
  else expect(body.message).toMatch(message);
}

describe("createFakeBedrock", () => {
  it("streams AWS event-stream messages that the AWS codec decodes: text, tool input in pieces, stop, usage", async () => {
    fake.enqueue(textAnswer("Hello there"), toolCallAnswer([{ id: "tooluse_1", name: "lookup", arguments: { city: "Paris" } }]));
    const codec = new EventStreamCodec(toUtf8, fromUtf8);
    const decode = async (response: Response) => {
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/vnd.amazon.eventstream");
      let bytes = new Uint8Array(await response.arrayBuffer());
      const events: { type: string; payload: Record<string, unknown> }[] = [];
      while (bytes.length > 0) {
        const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
        const message = codec.decode(bytes.subarray(0, length));
        expect(message.headers[":message-type"]?.value).toBe("event");
        events.push({
          type: String(message.headers[":event-type"]?.value),
          payload: JSON.parse(toUtf8(message.body)) as Record<string, unknown>,
        });
        bytes = bytes.subarray(length);
      }
      return events;
    };
    const text = await decode(await send());
    expect(text.map((event) => event.type)).toEqual([
      "messageStart",
      "contentBlockDelta",
      "contentBlockDelta",
      "contentBlockStop",
      "messageStop",
      "metadata",
    ]);
    expect(text[1]?.payload).toMatchObject({ contentBlockIndex: 0, delta: { text: "Hello" }, p: expect.any(String) });
    expect(text[4]?.payload).toMatchObject({ stopReason: "end_turn" });
    expect(text[5]?.payload).toMatchObject({ usage: { inputTokens: 42, outputTokens: 17, totalTokens: 59 } });
    const tool = await decode(await send());
    expect(tool[1]?.payload).toMatchObject({ start: { toolUse: { toolUseId: "tooluse_1", name: "lookup" } } });
    const input = tool.flatMap((event) => {
      const delta = event.payload.delta as { toolUse?: { input: string } } | undefined;
      return delta?.toolUse ? [delta.toolUse.input] : [];
    });
    expect(input.length).toBeGreaterThan(1);
    expect(JSON.parse(input.join(""))).toEqual({ city: "Paris" });
    expect(tool.at(-2)?.payload).toMatchObject({ stopReason: "tool_use" });
  });

  it("accepts temporary credentials with their session token", async () => {
    fake.enqueue(textAnswer("ok"));
    expect((await send({ credentials: TEMPORARY })).status).toBe(200);
  });

  it("refuses a request without a signature", async () => {
    const response = await fetch(`${fake.url}/model/${MODEL}/converse-stream`, { method: "POST", body: JSON.stringify(BODY) });
    await expectRefused(response, "MissingAuthenticationTokenException", "Missing Authentication Token");
  });

  it("refuses an Authorization header that is no SigV4 signature", async () => {
    const response = await fetch(`${fake.url}/model/${MODEL}/converse-stream`, {
      method: "POST",
      headers: { authorization: "Bearer abc" },
      body: JSON.stringify(BODY),
    });
    await expectRefused(response, "IncompleteSignatureException", /requires 'Credential', 'Signature' and 'SignedHeaders'/);
  });

  it("refuses an access key it does not know, and a session token that is not the key's", async () => {
    const unknown = { accessKeyId: "AKIAUNKNOWN000000001", secretAccessKey: "whatever0123456789" };
    await expectRefused(
      await send({ credentials: unknown }),
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
    );
    await expectRefused(
      await send({ credentials: { ...TEMPORARY, sessionToken: "another-token" } }),
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
    );
  });

  it("refuses a wrong secret key and a body changed after signing: the signature does not match", async () => {
    const wrongSecret = { ...FAKE_AWS_CREDENTIALS, secretAccessKey: "not-the-secret-key-0123456789" };
    await expectRefused(
      await send({ credentials: wrongSecret }),
      "InvalidSignatureException",
      /^The request signature we calculated does not match/,
    );
    await expectRefused(await send({ tamper: true }), "InvalidSignatureException", /^The request signature we calculated does not match/);
  });

  it("refuses expired session credentials", async () => {
    await expectRefused(
      await send({ credentials: EXPIRED }),
      "ExpiredTokenException",
      "The security token included in the request is expired",
    );
  });

  it("refuses a signature more than 5 minutes old or ahead", async () => {
    await expectRefused(
      await send({ date: new Date(Date.now() - 10 * 60_000) }),
      "InvalidSignatureException",
      /^Signature expired: \d{8}T\d{6}Z is now earlier than/,
    );
    await expectRefused(
      await send({ date: new Date(Date.now() + 10 * 60_000) }),
      "InvalidSignatureException",
      /^Signature not yet current/,
    );
  });

  it("refuses a signature scoped to another region or service", async () => {
    await expectRefused(await send({ region: "eu-west-1" }), "InvalidSignatureException", /scoped to a valid region/);
    await expectRefused(await send({ service: "s3" }), "InvalidSignatureException", /scoped to correct service/);
  });

  it("refuses what Converse refuses with a ValidationException", async () => {
    const invalid: [string, unknown][] = [
      ["no messages", { messages: [] }],
      ["assistant first", { messages: [{ role: "assistant", content: [{ text: "Hi" }] }] }],
      [
        "same role twice",
        {
          messages: [
            { role: "user", content: [{ text: "a" }] },
            { role: "user", content: [{ text: "b" }] },
          ],
        },
      ],
      ["blank text", { messages: [{ role: "user", content: [{ text: " " }] }] }],
      ["empty content", { messages: [{ role: "user", content: [] }] }],
      [
        "tool use without result",
        {
          messages: [
            { role: "user", content: [{ text: "a" }] },
            { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "x", input: {} } }] },
            { role: "user", content: [{ text: "b" }] },
          ],
          toolConfig: { tools: [{ toolSpec: { name: "x", inputSchema: { json: { type: "object" } } } }] },
        },
      ],
      [
        "tool result without use",
        {
          messages: [{ role: "user", content: [{ toolResult: { toolUseId: "t1", content: [{ text: "r" }] } }] }],
          toolConfig: { tools: [{ toolSpec: { name: "x", inputSchema: { json: { type: "object" } } } }] },
        },
      ],
      [
        "tool blocks without toolConfig",
        {
          messages: [
            { role: "user", content: [{ text: "a" }] },
            { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "x", input: {} } }] },
            { role: "user", content: [{ toolResult: { toolUseId: "t1", content: [{ text: "r" }] } }] },
          ],
        },
      ],
      ["bad tool name", { ...BODY, toolConfig: { tools: [{ toolSpec: { name: "bad name!", inputSchema: { json: {} } } }] } }],
      ["tool without schema", { ...BODY, toolConfig: { tools: [{ toolSpec: { name: "ok" } }] } }],
      ["maxTokens 0", { ...BODY, inferenceConfig: { maxTokens: 0 } }],
      ["temperature 2", { ...BODY, inferenceConfig: { temperature: 2 } }],
    ];
    for (const [name, body] of invalid) {
      const before = fake.rejections.length;
      const response = await send({ body });
      expect(response.status, name).toBe(400);
      expect(response.headers.get("x-amzn-errortype"), name).toMatch(/^ValidationException:/);
      expect(((await response.json()) as { message: string }).message, name).toBeTruthy();
      expect(fake.rejections.length, name).toBe(before + 1);
    }
    fake.rejections.length = 0;
  });

  it("answers scripted HTTP errors with AWS's error type header and body", async () => {
    fake.enqueue({ kind: "error", status: 429, headers: {} });
    const response = await send();
    expect(response.status).toBe(429);
    expect(response.headers.get("x-amzn-errortype")).toMatch(/^ThrottlingException:/);
    expect(await response.json()).toEqual({ message: "Too many requests, please wait before trying again." });
  });

  it("summarizes a Converse request in the suite's terms", async () => {
    fake.enqueue(textAnswer("ok"));
    await send({
      body: {
        system: [{ text: "Be brief." }],
        messages: [
          { role: "user", content: [{ text: "Weather?" }] },
          { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "lookup", input: { city: "Rome" } } }] },
          { role: "user", content: [{ toolResult: { toolUseId: "t1", content: [{ text: "rainy" }] } }, { text: "And now?" }] },
        ],
        inferenceConfig: { maxTokens: 5, temperature: 0 },
        toolConfig: { tools: [{ toolSpec: { name: "lookup", inputSchema: { json: { type: "object" } } } }] },
      },
    });
    expect(fake.summary()).toEqual({
      model: undefined,
      temperature: 0,
      maxTokens: 5,
      system: "Be brief.",
      toolNames: ["lookup"],
      toolCalls: [{ id: "t1", name: "lookup", args: { city: "Rome" } }],
      toolResults: [{ id: "t1", content: "rainy" }],
      lastUserText: "And now?",
    });
  });
});
