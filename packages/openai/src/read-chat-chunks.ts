import { bodyReader } from "@copilot-runtime/protocol";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import OpenAI from "openai";

type ChatCompletionChunk = OpenAI.Chat.Completions.ChatCompletionChunk;

/**
 * The chunks of a streamed Chat Completions response, read from its raw body: the SSE parsed by
 * `eventsource-parser`, each `data:` frame by `JSON.parse`, `[DONE]` ending the stream (the body is still read to
 * its end). It does what the SDK's `Stream` does with the same bytes (an `{error}` frame or an `event: error` throws
 * the SDK's `APIError`; a frame that is not JSON throws its `SyntaxError`), without its per-chunk copies and logging
 * helpers. The body comes from its Node stream when `nodeHttpFetch` made the response, else from its web stream.
 * Stopping the iteration early cancels the body, which closes the connection.
 */
export async function* readChatChunks(response: Response): AsyncGenerator<ChatCompletionChunk> {
  const reader = bodyReader(response);
  if (reader === undefined) return;
  const decoder = new TextDecoder();
  const ready: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => ready.push(event) });
  let endsWithCr = false;
  let ended = false;
  let finished = false;
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
        // after [DONE] the body is still read to its end, so that its connection can serve the next request
        if (event.data.startsWith("[DONE]")) finished = true;
        if (finished) break;
        const data = JSON.parse(event.data) as ChatCompletionChunk & { error?: object; message?: string };
        if (event.event === "error") throw new OpenAI.APIError(undefined, data.error, data.message, undefined);
        if (data.error != null) throw new OpenAI.APIError(undefined, data.error, undefined, response.headers);
        yield data;
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
