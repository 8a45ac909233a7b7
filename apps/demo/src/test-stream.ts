// Test helper: reads a streamed response body without ever spinning on an ended stream or waiting forever.

export interface ReadOptions {
  /** Text already read from this reader. */
  sofar?: string;
  /** How long the whole wait may take, in ms. Default 10 s. */
  ms?: number;
  /** Receives each chunk as it comes (decoded). */
  chunks?: string[];
}

const tail = (text: string) => JSON.stringify(text.length <= 400 ? text : `…${text.slice(-400)}`);

/** Reads until `reached(text)` holds, or (without `reached`) to the end of the stream, within `ms`. */
async function read(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  reached: ((text: string) => boolean) | undefined,
  what: string,
  { sofar = "", ms = 10_000, chunks }: ReadOptions,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = sofar;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no ${what} within ${ms} ms; the stream so far: ${tail(text)}`));
      void reader.cancel().catch(() => undefined);
    }, ms);
  });
  try {
    for (;;) {
      if (reached?.(text)) return text;
      const { value, done } = await Promise.race([reader.read(), timeout]);
      if (done) {
        if (reached === undefined) return text;
        throw new Error(`the stream ended before ${what}; it had: ${tail(text)}`);
      }
      const chunk = decoder.decode(value, { stream: true });
      chunks?.push(chunk);
      text += chunk;
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Reads until the text holds `needle`; fails when the stream ends first or after `ms`. Returns all the text read. */
export function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, needle: string, options: ReadOptions = {}): Promise<string> {
  return read(reader, (text) => text.includes(needle), JSON.stringify(needle), options);
}

/** Reads to the end of the stream; fails when it has not ended after `ms`. Returns all the text read. */
export function readToEnd(reader: ReadableStreamDefaultReader<Uint8Array>, options: ReadOptions = {}): Promise<string> {
  return read(reader, undefined, "end of the stream", options);
}
