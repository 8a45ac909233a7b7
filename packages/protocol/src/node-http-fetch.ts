import type * as Http from "node:http";
import type * as Https from "node:https";
import { NODE_BODY, type NodeBodyResponse } from "./body-reader.js";
import { abortError } from "./errors.js";
import { lazyBodyResponse } from "./lazy-body-response.js";
import { isNodeRuntime } from "./is-node-runtime.js";

type IncomingMessage = Http.IncomingMessage;

/** Where Node's `fetch` (undici) keeps the dispatcher `setGlobalDispatcher` installs. */
const GLOBAL_DISPATCHER = Symbol.for("undici.globalDispatcher.1");

/**
 * Whether the app gave Node's `fetch` a dispatcher of its own (`setGlobalDispatcher`: a proxy, a `MockAgent` in its
 * tests, custom TLS): then provider calls must keep going through it, not around it.
 */
function hasCustomFetchDispatcher(): boolean {
  const dispatcher = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
  return dispatcher != null && (dispatcher as { constructor?: { name?: unknown } }).constructor?.name !== "Agent";
}

/** `node:http` and `node:https`, taken at run time (`process.getBuiltinModule`): no bundler sees an import of them. */
function nodeModules(): { http: typeof Http; https: typeof Https } | undefined {
  if (!isNodeRuntime() || typeof process.getBuiltinModule !== "function" || hasCustomFetchDispatcher()) return undefined;
  const http = process.getBuiltinModule("node:http");
  const https = process.getBuiltinModule("node:https");
  return http !== undefined && https !== undefined ? { http, https } : undefined;
}

/** The error an abort fails the request with: the signal's reason when it is one (the SDK's timeout says so). */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : abortError(reason);
}

/** How long a pooled provider connection may stay idle (less when the server announces a shorter keep-alive). */
const IDLE_CONNECTION_MS = 60_000;

/** How a pooled connection that the server had closed fails when reused: reset, or a broken pipe. */
function isStaleConnection(error: NodeJS.ErrnoException): boolean {
  return error.code === "ECONNRESET" || error.code === "EPIPE";
}

/** The request's headers; unless the caller says otherwise, an uncompressed answer (this client does not decompress). */
function headersOf(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const headers = init?.headers;
  // the SDKs pass a `Headers`: read it as it is (a copy costs a `Headers` per request)
  (headers instanceof Headers ? headers : new Headers(headers)).forEach((value, name) => (out[name] = value));
  out["accept-encoding"] ??= "identity";
  return out;
}

/**
 * A `fetch` for the SDK clients an adapter creates itself: `node:http(s)` with keep-alive agents of its own, so a
 * provider call skips undici's `fetch` machinery (request and response objects, web streams per chunk), and the
 * response keeps its Node stream (`NODE_BODY`) for the adapter's reader. It supports what the SDKs ask of fetch: a
 * method, headers, a string or bytes body, an abort signal (the request is destroyed; a pending or running read
 * fails with the abort error); it follows no redirects and asks for uncompressed answers (provider APIs need
 * neither). A client the app passes in keeps its own fetch. Undefined where there is no `node:http` (an edge
 * runtime, a browser), or where the app gave Node's `fetch` a dispatcher of its own (a proxy, a `MockAgent`): keep
 * the global `fetch` there.
 */
export function nodeHttpFetch(options: { maxSockets?: number } = {}): typeof fetch | undefined {
  const node = nodeModules();
  if (node === undefined) return undefined;
  // `timeout` also makes Node's agent drop an idle pooled connection a second before the server's announced
  // `Keep-Alive: timeout=…` (without one, Node 20 ignores that hint), and any idle one after a minute; an open
  // request only gets a 'timeout' event, which nobody here listens to, so a slow stream is never cut by it
  const pool = { keepAlive: true, maxSockets: options.maxSockets ?? 256, timeout: IDLE_CONNECTION_MS };
  const agents = { http: new node.http.Agent(pool), https: new node.https.Agent(pool) };
  const nodeFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (input instanceof Request) return fetch(input, init);
    let url: URL;
    try {
      url = typeof input === "string" ? new URL(input) : input;
    } catch (error) {
      // as fetch does: a rejected promise, never a throw
      return Promise.reject(new TypeError(`Invalid URL: ${String(input)}`, { cause: error }));
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return fetch(input, init);
    const body = init?.body;
    if (body != null && typeof body !== "string" && !(body instanceof Uint8Array)) return fetch(input, init);
    const signal = init?.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const secure = url.protocol === "https:";
      const send = secure ? node.https.request : node.http.request;
      const requestHeaders = headersOf(init);
      let req!: Http.ClientRequest;
      let incoming: IncomingMessage | undefined;
      const onAbort = () => {
        const error = abortReason(signal!);
        // a read of the body under way fails with the abort's reason
        incoming?.destroy(error);
        req.destroy(error);
        reject(error);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      /**
       * One attempt. A pooled connection the server closed as idle just as it was reused fails before any answer
       * (the server never read the request): sent again once, on a connection of its own, as Node's docs advise.
       */
      const attempt = (retry: boolean) => {
        req = send(url, {
          method: init?.method ?? "GET",
          headers: requestHeaders,
          agent: retry ? false : secure ? agents.https : agents.http,
        });
        req.once("error", (error: NodeJS.ErrnoException) => {
          if (!retry && req.reusedSocket && incoming === undefined && isStaleConnection(error) && !signal?.aborted) return attempt(true);
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        });
        req.once("response", onResponse);
        req.end(body ?? undefined);
      };
      const onResponse = (res: IncomingMessage) => {
        incoming = res;
        // a read that the abort interrupts fails with the abort error; after the body ended, nothing to do
        res.once("close", () => signal?.removeEventListener("abort", onAbort));
        // name-value pairs, which the response takes in one fill (a `Headers` here would be copied again)
        const headers: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        const status = res.statusCode ?? 502;
        const noBody = status === 204 || status === 304 || init?.method === "HEAD";
        // the web body is made only when asked for, and reads the Node stream only when read (an error body the SDK
        // reads): an SDK that just holds it (Anthropic's abandonment backstop) leaves the Node stream to the adapter
        let attached = false;
        const webBody = () =>
          new ReadableStream<Uint8Array>(
            {
              pull(controller) {
                if (attached) return;
                attached = true;
                res.on("data", (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
                res.once("end", () => controller.close());
                res.once("error", (error) => controller.error(error));
              },
              cancel: () => void res.destroy(),
            },
            { highWaterMark: 0 },
          );
        const response: NodeBodyResponse = noBody
          ? new Response(null, { status, statusText: res.statusMessage ?? "", headers })
          : lazyBodyResponse(webBody, { status, statusText: res.statusMessage ?? "", headers });
        if (!noBody) Object.defineProperty(response, NODE_BODY, { value: res });
        resolve(response);
      };
      attempt(false);
    });
  };
  return nodeFetch as typeof fetch;
}
