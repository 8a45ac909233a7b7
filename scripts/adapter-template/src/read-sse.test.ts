import { describe, expect, it } from "vitest";
import { readSseData } from "./read-sse.js";

/** A body that arrives in the given pieces. */
function body(...pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const data of readSseData(new Response(stream))) out.push(data);
  return out;
}

describe("readSseData", () => {
  it("reads data frames split anywhere, in LF, CRLF and CR framing", async () => {
    expect(await all(body('data: {"a":', "1}\n\nda", "ta: [DONE]\n\n"))).toEqual(['{"a":1}', "[DONE]"]);
    expect(await all(body("data: one\r", "\n\r\ndata: two\r\n\r\n"))).toEqual(["one", "two"]);
    expect(await all(body("data: one\r\rdata: two\r\r"))).toEqual(["one", "two"]);
  });

  it("joins multi-line data, skips comments and other fields, drops an event cut off", async () => {
    expect(await all(body(": ping\n\nevent: message\nid: 7\ndata: a\ndata:b\n\nretry: 10\n\ndata: cut"))).toEqual(["a\nb"]);
  });

  it("reads characters split across chunks", async () => {
    const bytes = new TextEncoder().encode("data: héllo\n\n");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 8));
        controller.enqueue(bytes.slice(8));
        controller.close();
      },
    });
    expect(await all(stream)).toEqual(["héllo"]);
  });
});
