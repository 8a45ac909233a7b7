import { piecewiseResponse } from "@copilot-runtime/testing";
import { describe, expect, it } from "vitest";
import type { GeminiChunk } from "./gemini-stream.js";
import { GeminiFrameError, readGeminiChunks } from "./read-gemini-chunks.js";

const frame = (text: string) => `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text }] } }] })}\r\n\r\n`;
const textOf = (chunk: GeminiChunk) => chunk.candidates?.[0]?.content?.parts?.[0]?.text;

async function read(response: Response): Promise<{ batches: (string | undefined)[][]; error?: unknown }> {
  const batches: (string | undefined)[][] = [];
  try {
    for await (const batch of readGeminiChunks(response)) batches.push(batch.map(textOf));
  } catch (error) {
    return { batches, error };
  }
  return { batches };
}

describe("readGeminiChunks", () => {
  it("reads CRLF frames split anywhere, the chunks of one piece of the body as one batch", async () => {
    const body = frame("a") + frame("b") + frame("c");
    const { batches, error } = await read(piecewiseResponse(body.slice(0, 7), body.slice(7, body.length - 20), body.slice(-20)).response);
    expect(error).toBeUndefined();
    expect(batches.flat()).toEqual(["a", "b", "c"]);
    expect(batches).toEqual([["a", "b"], ["c"]]);
  });

  it("hands over an {error} chunk as a chunk (the stream state throws it)", async () => {
    const error = { error: { code: 500, message: "Internal error", status: "INTERNAL" } };
    const chunks: GeminiChunk[] = [];
    for await (const batch of readGeminiChunks(piecewiseResponse(frame("a") + `data: ${JSON.stringify(error)}\r\n\r\n`).response))
      chunks.push(...batch);
    expect(chunks.map((chunk) => chunk.error?.status ?? textOf(chunk))).toEqual(["a", "INTERNAL"]);
  });

  it("throws GeminiFrameError for a frame cut off by the end of the body, after the chunks before it", async () => {
    const { batches, error } = await read(piecewiseResponse(frame("a") + 'data: {"candidates":[{"content"').response);
    expect(batches).toEqual([["a"]]);
    expect(error).toBeInstanceOf(GeminiFrameError);
    expect((error as GeminiFrameError).frame).toBe('{"candidates":[{"content"');
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it("throws GeminiFrameError for a frame that is JSON but not an object", async () => {
    const { batches, error } = await read(piecewiseResponse(frame("a"), "data: 42\r\n\r\n").response);
    expect(batches).toEqual([["a"]]);
    expect(error).toBeInstanceOf(GeminiFrameError);
  });

  it("cancels the body when the consumer stops early", async () => {
    const { response, cancelled } = piecewiseResponse(frame("a"), frame("b"));
    for await (const batch of readGeminiChunks(response)) {
      expect(batch.map(textOf)).toEqual(["a"]);
      break;
    }
    expect(await cancelled).toBe(true);
  });
});
