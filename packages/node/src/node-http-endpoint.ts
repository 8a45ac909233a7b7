import type { IncomingMessage, ServerResponse } from "node:http";
import type { CopilotRuntime } from "@copilot-runtime/core";
import { ConfigurationError, SSE_FRAME_SOURCE, errorResponse, type ServiceAdapter, type SSEFrameSource } from "@copilot-runtime/protocol";
import { GuardedBody, resolveRequestBodyLimits, type BodyChunk, type RequestBodyLimits } from "./request-body-limits.js";

export interface NodeHttpEndpointOptions extends RequestBodyLimits {
  runtime: CopilotRuntime;
  /** The LLM of the built-in `default` agent; optional when the runtime has `agents`. */
  serviceAdapter?: ServiceAdapter;
  /** Where the runtime is mounted, e.g. "/api/copilotkit". Without it, routes match by suffix. */
  endpoint?: string;
}

/** A request as frameworks hand it over: maybe with a parsed `body` (`express.json()`) and an `originalUrl` (Express mounts). */
type FrameworkRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(":")) continue;
    try {
      headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    } catch {
      // a header value fetch's Headers refuses (e.g. invalid characters): leave it out
    }
  }
  return headers;
}

function requestUrl(req: FrameworkRequest): string {
  const path = req.originalUrl ?? req.url ?? "/";
  const host = req.headers.host ?? "localhost";
  try {
    return new URL(path, `http://${host}`).href;
  } catch {
    return new URL(path, "http://localhost").href;
  }
}

/** The request body as a WHATWG stream (no `node:stream` import, so this module also loads where Node's builtins do not). */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  const iterator = req[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** Whether the request's body is still to be read from the request stream (not parsed by a framework, not read yet). */
function streamsBody(req: FrameworkRequest): boolean {
  return req.method !== "GET" && req.method !== "HEAD" && req.body === undefined && !req.readableEnded;
}

/**
 * Whether all of the body has arrived. An answer can come before the parser has read a small body that came
 * in the same packet as the headers: one turn of the event loop later, it has.
 */
function arrived(req: IncomingMessage): boolean | Promise<boolean> {
  return req.complete || new Promise<boolean>((resolve) => setImmediate(() => resolve(req.complete)));
}

/** The body's chunks, read from the request stream only once asked for. */
function bodyChunks(req: IncomingMessage): () => Promise<BodyChunk> {
  let iterator: AsyncIterator<Uint8Array> | undefined;
  return () => (iterator ??= req[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>).next() as Promise<BodyChunk>;
}

function fetchRequest(req: FrameworkRequest, signal: AbortSignal, stream: () => ReadableStream<Uint8Array>): Request {
  const method = req.method ?? "GET";
  const headers = toHeaders(req);
  const init: RequestInit & { duplex?: "half" } = { method, headers, signal };
  if (method !== "GET" && method !== "HEAD") {
    if (req.body !== undefined) {
      const body = req.body;
      init.body = typeof body === "string" ? body : body instanceof Uint8Array ? new Uint8Array(body) : JSON.stringify(body);
      headers.delete("content-length");
    } else if (!req.readableEnded) {
      init.body = stream();
      init.duplex = "half";
    }
  }
  return new Request(requestUrl(req), init);
}

/** Builds a fetch `Request` from a Node request, reusing a body a framework already parsed. */
export function toFetchRequest(req: FrameworkRequest, signal: AbortSignal): Request {
  return fetchRequest(req, signal, () => bodyStream(req));
}

/**
 * Writes a fetch `Response` to a Node response, frame by frame, honouring backpressure.
 * When the request body was not read to its end (an early 4xx), the connection
 * is closed after the response instead of being reused with unread bytes on it.
 */
export async function writeFetchResponse(response: Response, res: ServerResponse, req?: IncomingMessage): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  if (req !== undefined && !req.complete) headers.connection = "close";
  res.writeHead(response.status, headers);
  // a runtime stream's frames, before its body is asked for (a body made only when read is then never made)
  const source = (response as Response & { [SSE_FRAME_SOURCE]?: SSEFrameSource })[SSE_FRAME_SOURCE];
  if (source !== undefined) {
    await writeFrames(source, res);
    return;
  }
  if (response.body == null) {
    res.end();
    return;
  }
  res.flushHeaders();
  const reader = response.body.getReader();
  const onClose = () => void reader.cancel().catch(() => undefined);
  res.once("close", onClose);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (res.destroyed) break;
      if (!res.write(value)) await drained(res);
    }
  } catch {
    // the body failed or was cancelled because the client left: nothing more to write
  } finally {
    res.off("close", onClose);
    if (!res.destroyed && !res.writableEnded) res.end();
  }
}

/** Waits until the response can take more, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const settle = () => {
      res.off("drain", settle);
      res.off("close", settle);
      resolve();
    };
    res.on("drain", settle);
    res.on("close", settle);
  });
}

/**
 * The runtime's frames straight to the socket: the frames of one turn of the event loop (everything the provider's
 * data of that turn produced) are joined into one string and leave in one write, one chunk of the chunked body; none
 * waits longer. The headers go out with the first frames (or on their own, when no frame came within a turn), and
 * the last frames with the end. On loopback and in containers each write costs the receiver's work too, so fewer
 * writes is most of what a stream costs.
 */
async function writeFrames(source: SSEFrameSource, res: ServerResponse): Promise<void> {
  const onClose = () => source.cancel();
  res.once("close", onClose);
  const unpaced = source.unpaced;
  let pending = "";
  let scheduled = false;
  let lastWrite = Date.now();
  const flush = () => {
    scheduled = false;
    if (pending === "" || res.destroyed) return;
    const chunk = pending;
    pending = "";
    lastWrite = Date.now();
    res.write(chunk);
  };
  const headers = setImmediate(() => {
    if (!res.headersSent && !res.destroyed) res.flushHeaders();
  });
  // a quiet stream (a slow action, a thinking model) gets a keep-alive comment: one timer per stream, nothing per frame
  const keepAlive =
    unpaced !== undefined && unpaced.keepAliveMs > 0
      ? setInterval(
          () => {
            if (scheduled || res.destroyed || Date.now() - lastWrite < unpaced.keepAliveMs) return;
            pending = unpaced.keepAliveFrame;
            flush();
          },
          Math.max(10, Math.floor(unpaced.keepAliveMs / 2)),
        ).unref()
      : undefined;
  try {
    for await (const frame of unpaced?.frames ?? source.frames) {
      if (res.destroyed) break;
      pending += frame;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
      // a slow client: take no more frames until it has read what it was sent
      if (res.writableNeedDrain) await drained(res);
    }
  } catch {
    // the client left, or the stream failed: nothing more to write
  } finally {
    clearImmediate(headers);
    clearInterval(keepAlive);
    res.off("close", onClose);
    const rest = pending;
    pending = "";
    if (!res.destroyed && !res.writableEnded) res.end(rest);
  }
}

/**
 * A `node:http` listener serving the runtime: `createServer(copilotRuntimeNodeHttpEndpoint({...}))`.
 * Streams without buffering and aborts the run (LLM request and actions) when the client goes away.
 * A body slower than `bodyTimeoutMs` is answered 408; an answer sent before the body was read to its
 * end (a 413 over `maxBodyBytes`) goes out with `Connection: close` while the rest of the body is
 * discarded (`discardMaxBytes`, `discardTimeoutMs`), so that the client can read it.
 */
export function copilotRuntimeNodeHttpEndpoint(
  options: NodeHttpEndpointOptions,
): (req: FrameworkRequest, res: ServerResponse) => Promise<void> {
  if (typeof options?.runtime?.handler !== "function")
    throw new ConfigurationError("copilotRuntimeNodeHttpEndpoint needs a `runtime`: a CopilotRuntime instance.");
  if (options.endpoint !== undefined && typeof options.endpoint !== "string")
    throw new ConfigurationError('copilotRuntimeNodeHttpEndpoint: `endpoint` must be a path, e.g. "/api/copilotkit".');
  const limits = resolveRequestBodyLimits(options);
  const handler = options.runtime.handler({
    serviceAdapter: options.serviceAdapter,
    ...(options.endpoint !== undefined ? { basePath: options.endpoint } : {}),
  });
  return async (req, res) => {
    const controller = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const guard = streamsBody(req) ? new GuardedBody(bodyChunks(req), limits, () => arrived(req)) : undefined;
    const answer = (response: Response) => (guard ? guard.answer(response) : response);
    try {
      const clientAddress = req.socket?.remoteAddress;
      const request = fetchRequest(req, controller.signal, () => guard?.body ?? bodyStream(req));
      // this binding writes a stream from its frames, or reads the body through its public getter
      const response = await handler(request, { readsFrames: true, ...(clientAddress !== undefined ? { clientAddress } : {}) });
      await writeFetchResponse(await answer(response), res, req);
    } catch (error) {
      if (!res.headersSent) {
        // the runtime answers its own errors; this is a last guard (never the error's own message)
        await Promise.resolve(answer(errorResponse(error)))
          .then((response) => writeFetchResponse(response, res, req))
          .catch(() => res.end());
      } else if (!res.writableEnded) {
        res.end();
      }
    }
  };
}
