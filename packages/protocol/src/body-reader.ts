/** The Node stream a response's body came from, where a `fetch` kept it (`nodeHttpFetch`), for a reader that can take it. */
export const NODE_BODY: unique symbol = Symbol.for("copilot-runtime.node-body") as never;

/** A response whose body is also readable as the Node stream it came from. */
export type NodeBodyResponse = Response & { [NODE_BODY]?: AsyncIterable<Uint8Array> };

/** The bytes of a response body, read one piece at a time. */
export interface BodyReader {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }>;
  /** Stops reading early (the connection is closed). */
  cancel(): Promise<void>;
}

/**
 * A reader of a response's body: the Node stream itself when the response came from `nodeHttpFetch` (no web stream
 * in between), else the web stream's reader.
 */
export function bodyReader(response: Response): BodyReader | undefined {
  const node = (response as NodeBodyResponse)[NODE_BODY];
  if (node !== undefined) {
    const iterator = node[Symbol.asyncIterator]();
    return {
      read: () => iterator.next() as ReturnType<BodyReader["read"]>,
      cancel: async () => {
        await iterator.return?.();
      },
    };
  }
  if (response.body === null) return undefined;
  const reader = response.body.getReader();
  return { read: () => reader.read() as ReturnType<BodyReader["read"]>, cancel: () => reader.cancel() };
}
