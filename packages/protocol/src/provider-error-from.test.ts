import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigurationError, ProviderError, isAbortError } from "./errors.js";
import { errorStatus, isConnectionError, providerErrorFrom } from "./provider-error-from.js";

const KEY = "sk-test-SECRET-0123456789-TAIL";
const options = { provider: "mistral", label: "The Mistral API", secrets: [KEY] };

/** Errors shaped like those of SDKs that keep the status under another name. */
class MistralLikeError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly body: string,
  ) {
    super(message);
  }
}
class ConnectionError extends Error {}

function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })),
  );
}

describe("providerErrorFrom", () => {
  let cut: { url: string; server: Server };
  beforeAll(async () => {
    // answers with a first piece of a stream, then destroys the socket
    cut = await listen((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('data: {"choices":[]}\n\n', () => setTimeout(() => res.socket?.destroy(), 20));
    });
  });
  afterAll(() => new Promise<void>((resolve) => cut.server.close(() => resolve())));

  it("reads the status wherever the SDK keeps it", () => {
    expect(errorStatus({ status: 401 })).toBe(401);
    expect(errorStatus(new MistralLikeError("Unauthorized", 403, "{}"))).toBe(403);
    expect(errorStatus({ status_code: "429" })).toBe(429);
    expect(errorStatus({ response: { status: 503 } })).toBe(503);
    expect(errorStatus({ $metadata: { httpStatusCode: 500 } })).toBe(500);
    expect(errorStatus({ code: 404 })).toBe(404);
    expect(errorStatus(new Error("wrapped", { cause: { statusCode: 502 } }))).toBe(502);
    expect(errorStatus({ code: "ECONNREFUSED" })).toBeUndefined();
    expect(errorStatus({ status: 42 })).toBeUndefined();
    expect(errorStatus("boom")).toBeUndefined();
  });

  it("maps a status under any field to its code, without the key, retry-after kept", () => {
    const error = Object.assign(new MistralLikeError(`API error occurred: Invalid key ${KEY}`, 401, `{"message":"Invalid key ${KEY}"}`), {
      headers: new Headers({ "retry-after": "7" }),
    });
    const mapped = providerErrorFrom(error, options) as ProviderError;
    expect(mapped).toBeInstanceOf(ProviderError);
    expect(mapped).toMatchObject({ code: "provider_auth", provider: "mistral", providerStatus: 401, retryAfter: 7 });
    expect(mapped.message).toMatch(/^The Mistral API failed \(HTTP 401\): /);
    expect(inspect(mapped, { depth: 10 })).not.toContain(KEY);
    expect(providerErrorFrom({ response: { status: 429, headers: { "retry-after": "3" } } }, options)).toMatchObject({
      code: "rate_limited",
      retryAfter: 3,
    });
    // the AI SDK's APICallError: `statusCode` and `responseHeaders` (a plain object)
    expect(providerErrorFrom({ statusCode: 429, responseHeaders: { "retry-after": "5" }, message: "slow down" }, options)).toMatchObject({
      code: "rate_limited",
      retryAfter: 5,
    });
    expect(providerErrorFrom({ statusCode: 503, message: "overloaded" }, options)).toMatchObject({ code: "provider_unavailable" });
    expect(providerErrorFrom({ error: { error: { message: "bad tool schema" } }, status: 400 }, options)).toMatchObject({
      code: "provider_bad_request",
      message: "The Mistral API failed (HTTP 400): bad tool schema",
    });
  });

  it("reports a refused connection as provider_unavailable", async () => {
    const closed = await listen(() => undefined);
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const error = await fetch(`${closed.url}/v1/chat/completions`).catch((thrown: unknown) => thrown);
    expect(isConnectionError(error)).toBe(true);
    expect(providerErrorFrom(error, options)).toMatchObject({ code: "provider_unavailable", provider: "mistral" });
  });

  it("reports a stream cut mid-way as provider_unavailable", async () => {
    const response = await fetch(cut.url);
    const error = await response.text().catch((thrown: unknown) => thrown);
    expect(providerErrorFrom(error, options)).toMatchObject({ code: "provider_unavailable" });
  });

  it("knows SDK connection and timeout classes and Node's codes", () => {
    expect(providerErrorFrom(new ConnectionError("Unable to make request"), options)).toMatchObject({ code: "provider_unavailable" });
    expect(providerErrorFrom(Object.assign(new Error("x"), { name: "APIConnectionTimeoutError" }), options)).toMatchObject({
      code: "timeout",
    });
    expect(providerErrorFrom(Object.assign(new Error("connect"), { code: "ECONNRESET" }), options)).toMatchObject({
      code: "provider_unavailable",
    });
    expect(providerErrorFrom(Object.assign(new Error("t"), { code: "UND_ERR_HEADERS_TIMEOUT" }), options)).toMatchObject({
      code: "timeout",
    });
  });

  it("keeps an abort an abort, and the runtime's own errors as they are", () => {
    const controller = new AbortController();
    controller.abort(new Error("stalled"));
    const aborted = providerErrorFrom(new Error("whatever the SDK threw"), { ...options, signal: controller.signal });
    expect(isAbortError(aborted)).toBe(true);
    const abort = Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
    expect(providerErrorFrom(abort, options)).toBe(abort);
    const configuration = new ConfigurationError("no key");
    expect(providerErrorFrom(configuration, options)).toBe(configuration);
  });

  it("calls anything else provider_error, a thrown string included", () => {
    expect(providerErrorFrom(new SyntaxError("Unexpected token n in JSON"), options)).toMatchObject({
      code: "provider_error",
      message: "The Mistral API failed mid-stream: Unexpected token n in JSON",
    });
    expect(providerErrorFrom(`failed for ${KEY}`, { provider: "x" })).toMatchObject({
      code: "provider_error",
      message: "The x API failed mid-stream: failed for sk-[redacted]",
    });
  });
});
