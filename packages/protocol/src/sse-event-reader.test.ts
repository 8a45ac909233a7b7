import { describe, expect, it } from "vitest";
import { SseEventReader, type SseMessage, type SseParser } from "./sse-event-reader.js";

/** A minimal line parser for the test (the adapters bring eventsource-parser): `data:` lines, blank line ends. */
function lineParser(onEvent: (event: SseMessage) => void): SseParser {
  let buffer = "";
  let data: string[] = [];
  return {
    feed(chunk) {
      buffer += chunk;
      for (let end = buffer.search(/\r\n|\n|\r(?!$)/); end >= 0; end = buffer.search(/\r\n|\n|\r(?!$)/)) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith("\r\n", end) ? 2 : 1));
        if (line === "") {
          if (data.length > 0) onEvent({ data: data.join("\n") });
          data = [];
        } else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
    },
  };
}

function response(...pieces: string[]): { response: Response; cancelled: Promise<boolean> } {
  let markCancelled!: (value: boolean) => void;
  const cancelled = new Promise<boolean>((resolve) => (markCancelled = resolve));
  const encoder = new TextEncoder();
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < pieces.length) controller.enqueue(encoder.encode(pieces[index++]!));
      else {
        controller.close();
        markCancelled(false);
      }
    },
    cancel: () => markCancelled(true),
  });
  return { response: new Response(body), cancelled };
}

async function all(reader: SseEventReader): Promise<string[][]> {
  const batches: string[][] = [];
  for (let batch = await reader.next(); batch !== undefined; batch = await reader.next()) batches.push(batch.map((e) => e.data));
  return batches;
}

describe("SseEventReader", () => {
  it("gives a batch per piece read, and undefined once the body ended", async () => {
    const reader = new SseEventReader(response("data: a\n\ndata: b\n\n", "da", "ta: c\n\n").response, lineParser);
    expect(await all(reader)).toEqual([["a", "b"], [], ["c"]]);
    expect(await reader.next()).toBeUndefined();
  });

  it("ends a CR-framed event whose last CR is the body's last byte", async () => {
    expect((await all(new SseEventReader(response("data: a\r\r", "data: b\r", "\r").response, lineParser))).flat()).toEqual(["a", "b"]);
  });

  it("reads a body without events to its end, and a response without a body as ended", async () => {
    expect(await new SseEventReader(new Response(null), lineParser).next()).toBeUndefined();
    const { response: res, cancelled } = response("data: a\n\n", "data: b\n\n");
    const reader = new SseEventReader(res, lineParser);
    await reader.next();
    await reader.skipRest();
    await reader.close();
    expect(await cancelled).toBe(false);
  });

  it("cancels a body not read to its end on close", async () => {
    const { response: res, cancelled } = response("data: a\n\n", "data: b\n\n");
    const reader = new SseEventReader(res, lineParser);
    await reader.next();
    await reader.close();
    expect(await cancelled).toBe(true);
  });

  it("drops a last event without its closing blank line, unless asked to end it (a cut-off frame)", async () => {
    const pieces = ["data: a\n\n", 'data: {"cut'];
    expect((await all(new SseEventReader(response(...pieces).response, lineParser))).flat()).toEqual(["a"]);
    const ending = new SseEventReader(response(...pieces).response, lineParser, { endLastEvent: true });
    expect((await all(ending)).flat()).toEqual(["a", '{"cut']);
    const complete = new SseEventReader(response("data: a\r\n\r\n").response, lineParser, { endLastEvent: true });
    expect((await all(complete)).flat()).toEqual(["a"]);
  });
});
