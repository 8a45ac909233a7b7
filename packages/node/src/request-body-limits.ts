// What a binding does with a request body that arrives too slowly, or that is still arriving when the
// runtime has already answered (a 413 for a body over `maxBodyBytes`, a 401, a 404...). Plain WHATWG
// streams and timers, no Node builtins: the Hono binding and Next's App Router use it on any runtime.
import { ConfigurationError, RequestError } from "@copilot-runtime/protocol";

/** The request body limits every binding takes on its options. */
export interface RequestBodyLimits {
  /**
   * How long the whole request body may take to arrive, in milliseconds, from the moment the binding
   * gets the request. A body still arriving then is answered 408 `request_timeout` and the connection
   * is closed. Default 30 000; 0 turns the limit off.
   */
  bodyTimeoutMs?: number;
  /**
   * An answer sent before the request body was read to its end (a 413 for a body over `maxBodyBytes`, a
   * 401, a 404...) goes out with `Connection: close`; the binding then reads and throws away at most this
   * many more bytes of the body, so that a client still sending it can read the answer, and closes the
   * connection. Default 64 MiB; 0 closes at once.
   */
  discardMaxBytes?: number;
  /** ...and it does so for at most this long, in milliseconds. Default 30 000; 0 closes at once. */
  discardTimeoutMs?: number;
}

/** The defaults of {@link RequestBodyLimits}. */
export const DEFAULT_REQUEST_BODY_LIMITS: Readonly<Required<RequestBodyLimits>> = Object.freeze({
  bodyTimeoutMs: 30_000,
  discardMaxBytes: 64 * 1024 * 1024,
  discardTimeoutMs: 30_000,
});

/** Checks the limits on a binding's options and fills in the defaults. */
export function resolveRequestBodyLimits(options: RequestBodyLimits | undefined): Required<RequestBodyLimits> {
  const resolved = { ...DEFAULT_REQUEST_BODY_LIMITS };
  for (const name of Object.keys(resolved) as (keyof RequestBodyLimits)[]) {
    const value = options?.[name];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      const unit = name === "discardMaxBytes" ? "bytes" : "milliseconds";
      throw new ConfigurationError(`Request body limits: \`${name}\` must be a whole number of ${unit}, 0 or more; got ${String(value)}.`);
    }
    resolved[name] = value;
  }
  return resolved;
}

/** One chunk of a request body, as a stream reader or an async iterator gives it. */
export type BodyChunk = { done: false; value: Uint8Array } | { done: true; value?: undefined };

/** An answer of up to this size that came before the body's end is sent with its `content-length`. */
const MEASURED_ANSWER_MAX_BYTES = 64 * 1024;
/** Statuses whose responses cannot carry a body, so cannot be held open while the rest of the request is discarded. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

type BodyState = "reading" | "ended" | "failed" | "timed-out";

/**
 * One request's body as the handler reads it (`body`), with the body timeout, and what happens to the
 * rest of it once the handler has answered (`answer`).
 */
export class GuardedBody {
  readonly body: ReadableStream<Uint8Array>;
  readonly #read: () => Promise<BodyChunk>;
  readonly #limits: Required<RequestBodyLimits>;
  #state: BodyState = "reading";
  #released = false;
  #answered = false;
  #pending: Promise<BodyChunk> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  readonly #arrived: () => boolean | Promise<boolean>;

  /**
   * `read` gives the body's chunks; `arrived`, where the server knows it, says whether all of the body
   * has arrived (then an early answer keeps the connection: the rest is read from memory before it).
   */
  constructor(
    read: () => Promise<BodyChunk>,
    limits: Required<RequestBodyLimits>,
    arrived: () => boolean | Promise<boolean> = () => false,
  ) {
    this.#read = read;
    this.#limits = limits;
    this.#arrived = arrived;
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: (controller) => this.#pull(controller),
        cancel: () => {
          // the handler let go of the body (e.g. at maxBodyBytes): the rest is discarded after its answer
          this.#released = true;
        },
      },
      { highWaterMark: 0 },
    );
    if (limits.bodyTimeoutMs > 0) {
      this.#timer = setTimeout(() => this.#timeOut(), limits.bodyTimeoutMs);
      unref(this.#timer);
    }
  }

  /** One read of the source at a time; a read still pending when the handler lets go is the discard's first. */
  #next(): Promise<BodyChunk> {
    this.#pending ??= this.#read().then(
      (chunk) => {
        this.#pending = undefined;
        if (chunk.done) this.#settle("ended");
        return chunk;
      },
      (error: unknown) => {
        this.#pending = undefined;
        this.#settle("failed");
        throw error;
      },
    );
    return this.#pending;
  }

  #settle(state: BodyState): void {
    if (this.#state === "reading") this.#state = state;
    clearTimeout(this.#timer);
  }

  async #pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    if (this.#answered) {
      controller.error(new RequestError("invalid_request", "The request was already answered."));
      return;
    }
    let chunk: BodyChunk;
    try {
      chunk = await this.#next();
    } catch (error) {
      if (this.#state !== "timed-out") controller.error(error);
      return;
    }
    if (this.#state === "timed-out") return;
    try {
      if (chunk.done) controller.close();
      else controller.enqueue(chunk.value);
    } catch {
      // the handler let go of the body meanwhile; the chunk counts towards the discard
    }
  }

  #timeOut(): void {
    if (this.#state !== "reading" || this.#released || this.#answered) return;
    this.#state = "timed-out";
    const seconds = this.#limits.bodyTimeoutMs / 1000;
    this.#controller?.error(new RequestError("request_timeout", `The request body did not arrive within ${seconds} s.`, { status: 408 }));
  }

  /** Stops the body timeout (the handler failed without an answer). */
  dispose(): void {
    this.#answered = true;
    clearTimeout(this.#timer);
  }

  /**
   * The handler's answer as it should go out. When the body was read to its end, the answer itself.
   * When it came earlier: with `Connection: close` and, for a small answer, its `content-length`, and
   * held open after its last byte while the rest of the body is read and thrown away (up to
   * `discardMaxBytes` and `discardTimeoutMs`), so that a client still sending can read it. After a body
   * timeout, nothing is discarded: the answer ends, and the connection closes, at once.
   */
  async answer(response: Response): Promise<Response> {
    this.dispose();
    if (this.#state === "reading" && (await this.#arrived())) await this.#discard(new Promise<"stop">(() => undefined));
    if (this.#state === "ended" || this.#state === "failed") return response;
    const headers = new Headers(response.headers);
    headers.set("connection", "close");
    const init = { status: response.status, statusText: response.statusText, headers };
    if (NULL_BODY_STATUSES.has(response.status)) return new Response(null, init);

    const source = response.body?.getReader();
    const measured: Uint8Array[] = [];
    let size = 0;
    let ended = source === undefined;
    while (!ended && size <= MEASURED_ANSWER_MAX_BYTES) {
      const chunk = await source!.read();
      if (chunk.done) ended = true;
      else {
        measured.push(chunk.value);
        size += chunk.value.byteLength;
      }
    }
    if (ended && !headers.has("content-length")) headers.set("content-length", String(size));

    let stop!: () => void;
    const stopped = new Promise<"stop">((resolve) => (stop = () => resolve("stop")));
    let discard = this.#state === "reading";
    const body = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const next = measured.shift();
          if (next !== undefined) return controller.enqueue(next);
          if (!ended) {
            const chunk = await source!.read();
            if (!chunk.done) return controller.enqueue(chunk.value);
            ended = true;
          }
          if (discard) {
            discard = false;
            await this.#discard(stopped);
          }
          controller.close();
        },
        cancel: async (reason) => {
          stop();
          await source?.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, init);
  }

  /** Reads and throws away the rest of the body, within the limits. */
  async #discard(stopped: Promise<"stop">): Promise<void> {
    const { discardMaxBytes, discardTimeoutMs } = this.#limits;
    if (discardMaxBytes === 0 || discardTimeoutMs === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<"stop">((resolve) => {
      timer = setTimeout(() => resolve("stop"), discardTimeoutMs);
      unref(timer);
    });
    let bytes = 0;
    try {
      while (this.#state === "reading") {
        const chunk = await Promise.race([this.#next(), deadline, stopped]);
        if (chunk === "stop" || chunk.done) return;
        bytes += chunk.value.byteLength;
        if (bytes > discardMaxBytes) return;
      }
    } catch {
      // the client went away: nothing more to discard
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Timers must not keep a process alive (Node); other runtimes' timers have no `unref`. */
function unref(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}

/**
 * Wraps a fetch handler (`(request) => Promise<Response>`) with the request body limits: a body
 * that takes longer than `bodyTimeoutMs` is answered 408 `request_timeout`; an answer sent before the
 * body was read to its end goes out with `Connection: close` and is held open while the rest is read
 * and thrown away (`discardMaxBytes`, `discardTimeoutMs`), so that a client still sending can read it.
 * The bindings use it; use it to serve the runtime's fetch handler from another server.
 */
export function withRequestBodyLimits<Args extends unknown[]>(
  handler: (request: Request, ...rest: Args) => Promise<Response>,
  limits?: RequestBodyLimits,
): (request: Request, ...rest: Args) => Promise<Response> {
  const resolved = resolveRequestBodyLimits(limits);
  return async (request, ...rest) => {
    if (request.body === null || request.bodyUsed || request.body.locked) return handler(request, ...rest);
    const reader = request.body.getReader();
    const guard = new GuardedBody(() => reader.read() as Promise<BodyChunk>, resolved);
    const init: RequestInit & { duplex: "half" } = {
      method: request.method,
      headers: request.headers,
      body: guard.body,
      duplex: "half",
      signal: request.signal,
    };
    let response: Response;
    try {
      response = await handler(new Request(request.url, init), ...rest);
    } catch (error) {
      guard.dispose();
      throw error;
    }
    return guard.answer(response);
  };
}
