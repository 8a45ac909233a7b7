import Anthropic from "@anthropic-ai/sdk";
import { bodyReader } from "@copilot-runtime/protocol";
import { createParser, type EventSourceMessage } from "eventsource-parser";

type MessageStreamEvent = Anthropic.Messages.RawMessageStreamEvent;

/** An error body as Anthropic sends it in `event: error`. */
interface ErrorBody {
  error?: { type?: string; message?: string };
}

/**
 * The events of a streamed Messages response, read from its raw body: the SSE parsed by `eventsource-parser`, each
 * named event's `data` by `JSON.parse`. It does what the SDK's `Stream` does with the same bytes (`ping` and unnamed
 * events skipped, `event: error` thrown as the SDK's `APIError` with the error's type), without its per-chunk copies
 * and logging helpers. Stopping the iteration early cancels the body, which closes the connection.
 */
export async function* readMessageEvents(response: Response): AsyncGenerator<MessageStreamEvent> {
  const reader = bodyReader(response);
  if (reader === undefined) return;
  const decoder = new TextDecoder();
  const ready: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => ready.push(event) });
  let endsWithCr = false;
  let ended = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      if (text !== "") {
        parser.feed(text);
        endsWithCr = text.charCodeAt(text.length - 1) === 13;
      }
      // at the end, a last CR the parser keeps in case an LF follows ends its line (an LF completes it as CRLF)
      if (done && endsWithCr) parser.feed("\n");
      for (let i = 0; i < ready.length; i++) {
        const event = ready[i]!;
        if (event.event === undefined || event.event === "ping" || event.data === "") continue;
        if (event.event === "error") {
          let parsed: ErrorBody | string;
          try {
            parsed = JSON.parse(event.data) as ErrorBody;
          } catch {
            parsed = event.data;
          }
          const type = typeof parsed === "object" ? parsed.error?.type : undefined;
          throw new Anthropic.APIError(undefined, parsed, undefined, response.headers, type as never);
        }
        yield JSON.parse(event.data) as MessageStreamEvent;
      }
      ready.length = 0;
      if (done) {
        ended = true;
        return;
      }
    }
  } finally {
    // a body read to its end needs no cancel (which would make an abort error for nothing)
    if (!ended) await reader.cancel().catch(() => undefined);
  }
}
