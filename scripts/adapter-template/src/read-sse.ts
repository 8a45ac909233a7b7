import { SseEventReader } from "@copilot-runtime/protocol";
import { createParser } from "eventsource-parser";

/**
 * The `data` of each server-sent event of a response's body, in order, parsed by `eventsource-parser` through
 * protocol's `SseEventReader` (LF, CRLF and CR framing, multi-line data joined with "\n"; comments, retry lines and
 * an event cut off before its blank line left out). Stopping the iteration early cancels the body, which closes the
 * connection.
 */
export async function* readSseData(response: Response): AsyncGenerator<string> {
  const events = new SseEventReader(response, (onEvent) => createParser({ onEvent }));
  try {
    for (let batch = await events.next(); batch !== undefined; batch = await events.next()) {
      for (const event of batch) yield event.data;
    }
  } finally {
    await events.close();
  }
}
