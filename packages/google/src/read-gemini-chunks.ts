import { SseEventReader } from "@copilot-runtime/protocol";
import { createParser } from "eventsource-parser";
import type { GeminiChunk } from "./gemini-stream.js";

/** A `data:` frame of a Gemini stream that is not a JSON object (cut off, or not Gemini's). */
export class GeminiFrameError extends Error {
  override readonly name = "GeminiFrameError";
  constructor(
    readonly frame: string,
    options?: { cause?: unknown },
  ) {
    super(`The Gemini API sent a stream frame that is not JSON: ${frame.slice(0, 200)}`, options);
  }
}

/**
 * The chunks of a streamed `streamGenerateContent?alt=sse` response, read from its raw body, a batch per piece of
 * the body read (the SDK makes a fetch `Response` per chunk and reads it through a web stream): the SSE parsed by
 * `eventsource-parser`, each `data:` frame by `JSON.parse`. A frame cut off by the end of the body, or one that is
 * not JSON, throws `GeminiFrameError` after the chunks before it; an `{"error": …}` chunk comes as a chunk (the
 * stream state throws it). The body comes from its Node stream when `nodeHttpFetch` made the response, else from
 * its web stream. Stopping the iteration early cancels the body, which closes the connection.
 */
export async function* readGeminiChunks(response: Response): AsyncGenerator<GeminiChunk[]> {
  const events = new SseEventReader(response, (onEvent) => createParser({ onEvent }), { endLastEvent: true });
  try {
    for (let batch = await events.next(); batch !== undefined; batch = await events.next()) {
      const chunks: GeminiChunk[] = [];
      for (const event of batch) {
        let chunk: unknown;
        try {
          chunk = JSON.parse(event.data);
        } catch (cause) {
          if (chunks.length > 0) yield chunks;
          throw new GeminiFrameError(event.data, { cause });
        }
        if (chunk === null || typeof chunk !== "object") {
          if (chunks.length > 0) yield chunks;
          throw new GeminiFrameError(event.data);
        }
        chunks.push(chunk as GeminiChunk);
      }
      if (chunks.length > 0) yield chunks;
    }
  } finally {
    await events.close();
  }
}
