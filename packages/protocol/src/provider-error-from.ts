import { CopilotRuntimeError, ProviderError, abortError, isAbortError, parseRetryAfter, providerErrorCodeForStatus } from "./errors.js";
import { redactErrorSecrets, redactSecrets } from "./redact.js";

/** How far into nested errors (`cause`, `response`, `error`) the helpers below look. */
const MAX_DEPTH = 5;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** An HTTP status, as SDKs spell it: a number, or a string of three digits ("429"). */
function asStatus(value: unknown): number | undefined {
  const status = typeof value === "string" && /^\d{3}$/.test(value) ? Number(value) : value;
  return typeof status === "number" && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

/** Fields that hold an HTTP status in the SDKs we know (`code` only as a number: it is also Node's `ECONNREFUSED`). */
const STATUS_FIELDS = ["status", "statusCode", "status_code", "httpStatus", "httpStatusCode"] as const;

function statusIn(error: unknown, depth: number): number | undefined {
  if (!isObject(error) || depth > MAX_DEPTH) return undefined;
  for (const field of STATUS_FIELDS) {
    const status = asStatus(error[field]);
    if (status !== undefined) return status;
  }
  if (typeof error.code === "number") {
    const status = asStatus(error.code);
    if (status !== undefined) return status;
  }
  const metadata = error.$metadata;
  if (isObject(metadata) && asStatus(metadata.httpStatusCode) !== undefined) return asStatus(metadata.httpStatusCode);
  return statusIn(error.response, depth + 1) ?? statusIn(error.cause, depth + 1);
}

/**
 * The HTTP status a provider answered with, whatever the SDK calls it: `status` (openai, Anthropic, `@google/genai`),
 * `statusCode` (Mistral, Cohere), `status_code`, `httpStatus(Code)`, `response.status` (fetch wrappers, axios),
 * `$metadata.httpStatusCode` (AWS SDK), a numeric `code` (Google's error objects), on the error or down its
 * `cause` chain. Undefined when the request never got an answer (a connection error) or the error is no HTTP error.
 */
export function errorStatus(error: unknown): number | undefined {
  return statusIn(error, 0);
}

/** Node and undici codes of a request that timed out before an answer. */
const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** Node and undici codes of a connection that could not be made or broke (refused, reset, DNS, TLS, closed socket). */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "ERR_SOCKET_CLOSED",
  "ERR_STREAM_PREMATURE_CLOSE",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** What `fetch` throws when it cannot reach a server: undici's `fetch failed`, a body cut off (`terminated`), browsers' own. */
const FETCH_FAILURE = /^(fetch failed|terminated|failed to fetch|load failed|networkerror when attempting to fetch resource\.?)$/i;

/** The kind of connection failure an error is (down its `cause` chain), if it is one. */
function connectionFailure(error: unknown, depth = 0): "timeout" | "unavailable" | undefined {
  if (!isObject(error) || depth > MAX_DEPTH) return undefined;
  const code = typeof error.code === "string" ? error.code : undefined;
  if (code !== undefined && TIMEOUT_CODES.has(code)) return "timeout";
  if (code !== undefined && CONNECTION_CODES.has(code)) return "unavailable";
  // SDK classes: openai and Anthropic's APIConnection(Timeout)Error, Mistral's ConnectionError and RequestTimeoutError,
  // DOMException's TimeoutError (AbortSignal.timeout); their `name` may be plain "Error", their class says it.
  const errorClass: unknown = Object.getPrototypeOf(error)?.constructor;
  const className = typeof errorClass === "function" ? errorClass.name : undefined;
  for (const name of [error.name, className]) {
    if (typeof name !== "string") continue;
    if (/^(API)?Connection ?Timeout(Error)?$|^(Request)?TimeoutError$/.test(name)) return "timeout";
    if (/^(API|HTTPClient)?Connection(Error)?$|^FetchError$|^NetworkError$/.test(name)) return "unavailable";
  }
  if (error instanceof TypeError && FETCH_FAILURE.test(error.message)) {
    return connectionFailure(error.cause, depth + 1) ?? "unavailable";
  }
  return connectionFailure(error.cause, depth + 1);
}

/**
 * Whether an error is a failure to reach the provider, or a connection that broke while it answered: `fetch failed`
 * (a refused connection, DNS, TLS), a body cut off mid-way, Node's `ECONNREFUSED`/`ECONNRESET`/…, undici's
 * `UND_ERR_*`, an SDK's connection error class (`APIConnectionError`, `ConnectionError`), timeouts included.
 */
export function isConnectionError(error: unknown): boolean {
  return connectionFailure(error) !== undefined;
}

function header(headers: unknown, name: string): string | undefined {
  if (!isObject(headers)) return undefined;
  if (typeof headers.get === "function") return (headers as unknown as Headers).get(name) ?? undefined;
  const value = headers[name] ?? headers[name.toLowerCase()];
  return typeof value === "string" ? value : undefined;
}

/** The `retry-after` header of an error's response: on the error (`headers`, the AI SDK's `responseHeaders`) or its `response`. */
function retryAfterHeader(error: unknown): string | undefined {
  if (!isObject(error)) return undefined;
  return (
    header(error.headers, "retry-after") ??
    header(error.responseHeaders, "retry-after") ??
    (isObject(error.response) ? header(error.response.headers, "retry-after") : undefined)
  );
}

/** The provider's own words for a failure: the message of its error body when the SDK kept one, else the error's. */
function detailOf(error: unknown): string {
  if (!isObject(error)) return String(error);
  for (const body of [error.error, error.body]) {
    if (isObject(body) && isObject(body.error) && typeof body.error.message === "string") return body.error.message;
    if (isObject(body) && typeof body.message === "string") return body.message;
  }
  return typeof error.message === "string" && error.message !== "" ? error.message : String(error);
}

export interface ProviderErrorFromOptions {
  /** The provider, as the adapter's `provider` names it (e.g. "mistral"). */
  provider: string;
  /** How messages name it, e.g. "The Mistral API". Default: `The ${provider} API`. */
  label?: string;
  /** The request's signal: once it is aborted, whatever was thrown is an abort (a stall, a stop, a client gone). */
  signal?: AbortSignal;
  /** Values to remove from the message and from the error kept as `cause`: the API key (providers echo it). */
  secrets?: readonly (string | undefined | null)[];
}

/**
 * Any error of a provider SDK or of `fetch` → what an adapter throws: an abort stays an abort (`abortError`), the
 * runtime's own errors pass through, and everything else becomes a `ProviderError` with a stable code and a message
 * without the key. The code comes from the HTTP status wherever the SDK keeps it (`errorStatus`); without a status,
 * a connection that could not be made or broke is `provider_unavailable` (`timeout` when it timed out), anything
 * else (a mid-stream error frame, a malformed frame) `provider_error`. `retry-after` becomes `retryAfter`. The
 * original error is kept as `cause`, with the secrets removed from it (`redactErrorSecrets`).
 */
export function providerErrorFrom(error: unknown, options: ProviderErrorFromOptions): Error {
  if (isAbortError(error)) return error as Error;
  if (options.signal?.aborted) return abortError(error);
  if (error instanceof CopilotRuntimeError) return error;
  const { provider } = options;
  const label = options.label ?? `The ${provider} API`;
  const secrets = options.secrets ?? [];
  redactErrorSecrets(error, secrets);
  const status = errorStatus(error);
  const failure = status === undefined ? connectionFailure(error) : undefined;
  if (failure === "timeout") return new ProviderError("timeout", `${label} timed out.`, { provider, cause: error });
  if (failure === "unavailable") {
    return new ProviderError("provider_unavailable", `Could not connect to ${label}, or the connection broke.`, { provider, cause: error });
  }
  const code = providerErrorCodeForStatus(status);
  const where = status !== undefined ? `(HTTP ${status})` : "mid-stream";
  const detail = redactSecrets(detailOf(error), secrets);
  const retryAfter = parseRetryAfter(retryAfterHeader(error));
  return new ProviderError(code, `${label} failed ${where}: ${detail}`.slice(0, 1000), {
    provider,
    providerStatus: status,
    retryAfter,
    cause: error,
  });
}
