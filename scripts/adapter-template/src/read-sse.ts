import { createParser } from "eventsource-parser";

/**
 * The `data` of each server-sent event of a response body, in order, parsed by `eventsource-parser` (LF, CRLF and CR
 * framing, multi-line data joined with "\n"; comments, retry lines and an event cut off before its blank line left
 * out). Stopping the iteration early cancels the body, which closes the connection.
 */
export async function* readSseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const ready: string[] = [];
  let endsWithCr = false;
  const parser = createParser({ onEvent: (event) => ready.push(event.data) });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      parser.feed(text);
      if (text !== "") endsWithCr = text.endsWith("\r");
      // at the end, a last CR the parser keeps in case an LF follows ends its line (an LF completes it as CRLF)
      if (done && endsWithCr) parser.feed("\n");
      // (a copy: the consumer may stop between two events)
      for (const data of ready.splice(0)) yield data;
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
