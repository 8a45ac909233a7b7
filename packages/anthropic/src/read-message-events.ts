import Anthropic from "@anthropic-ai/sdk";
import { SseEventReader } from "@copilot-runtime/protocol";
import { createParser } from "eventsource-parser";

type MessageStreamEvent = Anthropic.Messages.RawMessageStreamEvent;

/** An error body as Anthropic sends it in `event: error`. */
interface ErrorBody {
  error?: { type?: string; message?: string };
}

/**
 * The events of a streamed Messages response, read from its raw body, a batch per piece of the body read (a layer
 * per event would cost a promise and a turn per token): the SSE parsed by `eventsource-parser`, each named event's
 * `data` by `JSON.parse`. It does what the SDK's `Stream` does with the same bytes (`ping` and unnamed events
 * skipped, `event: error` thrown as the SDK's `APIError` with the error's type; the events before it still come
 * first), without its per-chunk copies and logging helpers. Stopping the iteration early cancels the body, which
 * closes the connection.
 */
export async function* readMessageEvents(response: Response): AsyncGenerator<MessageStreamEvent[]> {
  const events = new SseEventReader(response, (onEvent) => createParser({ onEvent }));
  try {
    for (let batch = await events.next(); batch !== undefined; batch = await events.next()) {
      const parsed: MessageStreamEvent[] = [];
      try {
        for (const event of batch) {
          if (event.event === undefined || event.event === "ping" || event.data === "") continue;
          if (event.event === "error") throw errorEvent(event.data, response.headers);
          parsed.push(JSON.parse(event.data) as MessageStreamEvent);
        }
      } catch (error) {
        if (parsed.length > 0) yield parsed;
        throw error;
      }
      if (parsed.length > 0) yield parsed;
    }
  } finally {
    await events.close();
  }
}

/** An `event: error` as the SDK's `APIError`, with the error's type. */
function errorEvent(data: string, headers: Headers): Error {
  let parsed: ErrorBody | string;
  try {
    parsed = JSON.parse(data) as ErrorBody;
  } catch {
    parsed = data;
  }
  const type = typeof parsed === "object" ? parsed.error?.type : undefined;
  return new Anthropic.APIError(undefined, parsed, undefined, headers, type as never);
}
