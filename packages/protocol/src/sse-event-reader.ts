import { bodyReader, type BodyReader } from "./body-reader.js";

/** One server-sent event, as an SSE parser hands it over. */
export interface SseMessage {
  event?: string | undefined;
  data: string;
}

/** An SSE parser fed text (e.g. `createParser({ onEvent })` of `eventsource-parser`). */
export interface SseParser {
  feed(chunk: string): void;
}

/** Options of an `SseEventReader`. */
export interface SseEventReaderOptions {
  /**
   * At the end of the body, end a last event that has no closing blank line (its data comes as it is, e.g. a cut-off
   * JSON frame that then fails to parse), instead of dropping it. For readers that must notice a truncated stream.
   */
  endLastEvent?: boolean;
}

/**
 * The server-sent events of a response body, a batch per piece of the body read (no generator in between: every
 * layer costs per token). The caller brings the parser (`(onEvent) => createParser({ onEvent })`), so this package
 * needs none. The body comes from its Node stream when `nodeHttpFetch` made the response, else from its web stream;
 * LF, CRLF and CR framing all work (a CR at the very end ends its line). `close()` cancels a body not read to its
 * end, which closes the connection; a body read to its end needs no cancel.
 */
export class SseEventReader {
  private readonly reader: BodyReader | undefined;
  private readonly decoder = new TextDecoder();
  private readonly parser: SseParser;
  private batch: SseMessage[] = [];
  private endsWithCr = false;
  private ended = false;
  private readonly endLastEvent: boolean;

  constructor(response: Response, createParser: (onEvent: (event: SseMessage) => void) => SseParser, options: SseEventReaderOptions = {}) {
    this.endLastEvent = options.endLastEvent === true;
    this.reader = bodyReader(response);
    this.ended = this.reader === undefined;
    this.parser = createParser((event) => void this.batch.push(event));
  }

  /** The events of the next piece of the body (possibly none), or undefined once the body has ended. */
  async next(): Promise<readonly SseMessage[] | undefined> {
    if (this.ended || this.reader === undefined) return undefined;
    const { done, value } = await this.reader.read();
    const text = done ? this.decoder.decode() : this.decoder.decode(value, { stream: true });
    if (text !== "") {
      this.parser.feed(text);
      this.endsWithCr = text.charCodeAt(text.length - 1) === 13;
    }
    // a last CR the parser keeps in case an LF follows: an LF completes it as CRLF
    if (done && this.endsWithCr) this.parser.feed("\n");
    // two line ends dispatch whatever event is pending (none after a complete last frame)
    if (done && this.endLastEvent) this.parser.feed("\n\n");
    if (done) this.ended = true;
    const batch = this.batch;
    this.batch = [];
    return batch.length > 0 || !done ? batch : undefined;
  }

  /** Reads the rest of the body without parsing it, so that its connection can serve the next request. */
  async skipRest(): Promise<void> {
    while (!this.ended && this.reader !== undefined) this.ended = (await this.reader.read()).done;
  }

  /** Cancels the body if it was not read to its end. */
  async close(): Promise<void> {
    if (this.ended || this.reader === undefined) return;
    this.ended = true;
    await this.reader.cancel().catch(() => undefined);
  }
}
