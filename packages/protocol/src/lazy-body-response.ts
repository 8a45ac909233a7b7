type MakeBody = () => ReadableStream<Uint8Array> | null;
type Init = { status: number; statusText?: string; headers: HeadersInit };

/**
 * A `Response` whose web body is made only when it is read through the public API (`body`, `bodyUsed`, `text()`,
 * `json()`, `arrayBuffer()`, `blob()`, `formData()`, `bytes()`, `clone()`). On Node 20 every `ReadableStream` costs
 * a transferable wrapper of its own; a reader that takes the body another way (the Node stream a `nodeHttpFetch`
 * response came from, a runtime stream's SSE frames) never pays for it. For consumers of the public API only: the
 * platform's own internals (a server of Bun or Deno, `new Request(url, { body: response })`…) see no body, so a
 * response that may reach them must be a plain one. Defined on first use: `Response` is a global that loads undici
 * when first touched, which an import should not do.
 */
function defineLazyBodyResponse() {
  return class LazyBodyResponse extends Response {
    #makeBody: MakeBody | undefined;
    /** The body stream, once asked for (`body`), before anything needed a whole response. */
    #stream: ReadableStream<Uint8Array> | null | undefined;
    #real: Response | undefined;

    constructor(makeBody: MakeBody, init: Init) {
      super(null, init);
      this.#makeBody = makeBody;
    }

    /** The body stream, made on first use (a holder of `body` alone, such as an SDK's backstop, needs no more). */
    static #body(response: LazyBodyResponse): ReadableStream<Uint8Array> | null {
      if (response.#real !== undefined) return response.#real.body;
      if (response.#stream === undefined) {
        response.#stream = response.#makeBody?.() ?? null;
        response.#makeBody = undefined;
      }
      return response.#stream;
    }

    /** The response with its body (the stream handed out, if it was), made on first use. */
    static #materialized(response: LazyBodyResponse): Response {
      if (response.#real === undefined) {
        const body = LazyBodyResponse.#body(response);
        // a stream that was read or locked cannot make a response: the body is used, as a plain response says
        if (body !== null && body.locked) throw new TypeError("Body is unusable: Body has already been read");
        response.#real = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
        response.#stream = undefined;
      }
      return response.#real;
    }

    /** Whether the body was read: the stream handed out counts once read (or, unlike a plain response, locked). */
    static #used(response: LazyBodyResponse): boolean {
      if (response.#real !== undefined) return response.#real.bodyUsed;
      const stream = response.#stream;
      if (stream == null) return false;
      if (stream.locked) return true;
      try {
        // a stream read and let go is disturbed: a response of it refuses it
        return LazyBodyResponse.#materialized(response).bodyUsed;
      } catch {
        return true;
      }
    }

    static {
      // accessors and methods over the materialized response (on the prototype: `body` is a property in TypeScript's Response)
      const real = (self: unknown): Response => LazyBodyResponse.#materialized(self as LazyBodyResponse);
      Object.defineProperties(LazyBodyResponse.prototype, {
        body: {
          get: function body(this: LazyBodyResponse) {
            return LazyBodyResponse.#body(this);
          },
          configurable: true,
        },
        bodyUsed: {
          get: function bodyUsed(this: LazyBodyResponse) {
            return LazyBodyResponse.#used(this);
          },
          configurable: true,
        },
      });
      for (const method of ["text", "json", "arrayBuffer", "blob", "formData", "bytes", "clone"] as const) {
        // only what this platform's Response has (`bytes()` is newer than Node 20)
        if (!(method in Response.prototype)) continue;
        Object.defineProperty(LazyBodyResponse.prototype, method, {
          value: function (this: LazyBodyResponse) {
            let response: Record<string, () => unknown>;
            try {
              response = real(this) as unknown as Record<string, () => unknown>;
            } catch (error) {
              // a used body: clone() throws, the readers reject, as on a plain response
              if (method === "clone") throw error;
              return Promise.reject(error);
            }
            return response[method]!();
          },
          configurable: true,
          writable: true,
        });
      }
    }
  };
}

let LazyBodyResponseClass: ReturnType<typeof defineLazyBodyResponse> | undefined;

/** A `Response` of `init` whose body `makeBody` makes when (and only if) it is read through the public API. */
export function lazyBodyResponse(makeBody: MakeBody, init: Init): Response {
  LazyBodyResponseClass ??= defineLazyBodyResponse();
  return new LazyBodyResponseClass(makeBody, init);
}

/** Whether a response is one of {@link lazyBodyResponse}'s. */
export function isLazyBodyResponse(response: Response): boolean {
  return LazyBodyResponseClass !== undefined && response instanceof LazyBodyResponseClass;
}
