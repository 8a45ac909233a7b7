import { SseEventReader } from "@copilot-runtime/protocol";
import { createParser } from "eventsource-parser";
import OpenAI from "openai";

type ChatCompletionChunk = OpenAI.Chat.Completions.ChatCompletionChunk;

/**
 * The chunks of a streamed Chat Completions response, read from its raw body, a batch per piece of the body read
 * (a layer per chunk would cost a promise and a turn per token): the SSE parsed by `eventsource-parser`, each
 * `data:` frame by `JSON.parse`, `[DONE]` ending the stream (the body is still read to its end). It does what the
 * SDK's `Stream` does with the same bytes (an `{error}` frame or an `event: error` throws the SDK's `APIError`; a
 * frame that is not JSON throws its `SyntaxError`; the chunks before either still come first), without its
 * per-chunk copies and logging helpers. The body comes from its Node stream when `nodeHttpFetch` made the
 * response, else from its web stream. Stopping the iteration early cancels the body, which closes the connection.
 */
export async function* readChatChunks(response: Response): AsyncGenerator<ChatCompletionChunk[]> {
  const events = new SseEventReader(response, (onEvent) => createParser({ onEvent }));
  try {
    for (let batch = await events.next(); batch !== undefined; batch = await events.next()) {
      const chunks: ChatCompletionChunk[] = [];
      for (const event of batch) {
        if (event.data.startsWith("[DONE]")) {
          if (chunks.length > 0) yield chunks;
          // the body is still read to its end, so that its connection can serve the next request
          await events.skipRest();
          return;
        }
        let data: ChatCompletionChunk & { error?: object; message?: string };
        try {
          data = JSON.parse(event.data) as typeof data;
        } catch (error) {
          if (chunks.length > 0) yield chunks;
          throw error;
        }
        const failed = event.event === "error" || data.error != null;
        if (failed && chunks.length > 0) yield chunks;
        if (event.event === "error") throw new OpenAI.APIError(undefined, data.error, data.message, undefined);
        if (data.error != null) throw new OpenAI.APIError(undefined, data.error, undefined, response.headers);
        chunks.push(data);
      }
      if (chunks.length > 0) yield chunks;
    }
  } finally {
    await events.close();
  }
}
