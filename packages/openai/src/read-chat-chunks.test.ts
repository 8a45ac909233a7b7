import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { piecewiseResponse } from "@copilot-runtime/testing";
import { readChatChunks } from "./read-chat-chunks.js";

const chunk = (content: string) => ({
  id: "c",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [{ index: 0, delta: { content } }],
});

async function contents(res: Response): Promise<string[]> {
  const out: string[] = [];
  for await (const chunks of readChatChunks(res)) for (const data of chunks) out.push(data.choices[0]?.delta.content ?? "");
  return out;
}

describe("readChatChunks", () => {
  it("reads frames split anywhere, in LF, CRLF and CR framing, and stops at [DONE]", async () => {
    const a = `data: ${JSON.stringify(chunk("Hel"))}`;
    const b = `data: ${JSON.stringify(chunk("lo"))}`;
    expect(await contents(piecewiseResponse(a.slice(0, 9), `${a.slice(9)}\n\n${b}\n`, "\ndata: [DONE]\n\n").response)).toEqual([
      "Hel",
      "lo",
    ]);
    expect(await contents(piecewiseResponse(`${a}\r\n\r\n${b}\r\n\r\n`).response)).toEqual(["Hel", "lo"]);
    expect(await contents(piecewiseResponse(`${a}\r\r${b}\r`, "\r").response)).toEqual(["Hel", "lo"]);
    expect(await contents(piecewiseResponse(`${a}\n\ndata: [DONE]\n\n${b}\n\n`).response)).toEqual(["Hel"]);
  });

  it("ignores comments, and throws the SDK's APIError for an {error} frame or an error event", async () => {
    const error = { message: "The server had an error", type: "server_error" };
    const framed = readChatChunks(piecewiseResponse(`: ping\n\ndata: ${JSON.stringify({ error })}\n\n`).response);
    const thrown = await framed.next().catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    expect((thrown as Error).message).toContain("The server had an error");
    const evented = readChatChunks(piecewiseResponse(`event: error\ndata: ${JSON.stringify({ error })}\n\n`).response);
    expect(await evented.next().catch((e: unknown) => e)).toBeInstanceOf(OpenAI.APIError);
  });

  it("gives the chunks of one piece of the body as one batch, the chunks before a failure first", async () => {
    const [a, b] = [`data: ${JSON.stringify(chunk("a"))}\n\n`, `data: ${JSON.stringify(chunk("b"))}\n\n`];
    const batches: number[] = [];
    for await (const chunks of readChatChunks(piecewiseResponse(a + b, a).response)) batches.push(chunks.length);
    expect(batches).toEqual([2, 1]);
    const failing = readChatChunks(piecewiseResponse(`${a}${b}data: {"choices": [\n\n`).response);
    expect((await failing.next()).value).toHaveLength(2);
    expect(await failing.next().catch((e: unknown) => e)).toBeInstanceOf(SyntaxError);
  });

  it("throws a SyntaxError for a frame that is not JSON", async () => {
    const bad = readChatChunks(piecewiseResponse(`data: {"choices": [\n\n`).response);
    expect(await bad.next().catch((e: unknown) => e)).toBeInstanceOf(SyntaxError);
  });

  it("cancels the body when the consumer stops early", async () => {
    const { response: res, cancelled } = piecewiseResponse(
      `data: ${JSON.stringify(chunk("a"))}\n\n`,
      `data: ${JSON.stringify(chunk("b"))}\n\n`,
    );
    const iterator = readChatChunks(res);
    await iterator.next();
    await iterator.return(undefined);
    expect(await cancelled).toBe(true);
  });
});
