import { ConfigurationError, ProviderError, providerErrorFrom, redactSecrets, type ProviderErrorCode } from "@copilot-runtime/protocol";

/**
 * The codes of the error objects providers send in the middle of a stream, which the AI SDK passes on as they came
 * (an `error` stream part, no HTTP status): Anthropic's error event `type`, Gemini's RPC `status`, OpenAI's error
 * `type`/`code`. An error object without one of these is a `provider_error`.
 */
const STREAM_ERROR_CODES: Readonly<Record<string, ProviderErrorCode>> = {
  // Anthropic: https://docs.anthropic.com/en/api/errors
  overloaded_error: "provider_unavailable",
  rate_limit_error: "rate_limited",
  api_error: "provider_error",
  timeout_error: "timeout",
  authentication_error: "provider_auth",
  permission_error: "provider_auth",
  invalid_request_error: "provider_bad_request",
  request_too_large: "provider_bad_request",
  // Gemini (google.rpc.Code names)
  UNAVAILABLE: "provider_unavailable",
  RESOURCE_EXHAUSTED: "rate_limited",
  DEADLINE_EXCEEDED: "timeout",
  UNAUTHENTICATED: "provider_auth",
  PERMISSION_DENIED: "provider_auth",
  INVALID_ARGUMENT: "provider_bad_request",
  // OpenAI
  rate_limit_exceeded: "rate_limited",
  insufficient_quota: "rate_limited",
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** The code an error object sent mid-stream names (its `type`, `status` or `code`, or those of its `error`), if any. */
export function streamErrorCode(error: unknown, depth = 0): ProviderErrorCode | undefined {
  if (!isRecord(error) || depth > 2) return undefined;
  for (const field of ["type", "status", "code"] as const) {
    const value = error[field];
    if (typeof value === "string" && Object.hasOwn(STREAM_ERROR_CODES, value)) return STREAM_ERROR_CODES[value];
  }
  return streamErrorCode(error.error, depth + 1);
}

/** AWS error types (`x-amzn-errortype`) whose status alone would give another code. */
const AWS_ERROR_CODES: Readonly<Record<string, ProviderErrorCode>> = {
  ModelErrorException: "provider_error", // 424
  ModelNotReadyException: "provider_unavailable", // 429: the model is being loaded, not a rate limit
  ServiceQuotaExceededException: "rate_limited", // 400
};

/** The error type of an AWS error answer (`x-amzn-errortype: ThrottlingException:http://…`), kept by `APICallError`. */
function awsErrorType(error: unknown): string | undefined {
  const headers = isRecord(error) && isRecord(error.responseHeaders) ? error.responseHeaders : undefined;
  const value = headers?.["x-amzn-errortype"];
  return typeof value === "string" ? value.split(":")[0] : undefined;
}

const INVALID_KEY = /API_KEY_INVALID|API key not valid/;

/** The response body an `APICallError` kept. */
function responseBody(error: unknown): string {
  return isRecord(error) && typeof error.responseBody === "string" ? error.responseBody : "";
}

/** The AI SDK's `LoadAPIKeyError` and `LoadSettingError` (a missing key, region, credentials). */
function isSettingError(error: unknown): error is Error {
  return error instanceof Error && (error.name === "AI_LoadAPIKeyError" || error.name === "AI_LoadSettingError");
}

/** Where the error happened, for the messages: e.g. "The anthropic.messages model". */
export interface ErrorContext {
  /** The adapter's provider name. */
  provider: string;
  /** How messages name the model, e.g. "The anthropic.messages model (AI SDK)". */
  label: string;
  signal: AbortSignal;
  /** Values to remove from messages and causes (keys a provider may echo). */
  secrets: readonly string[];
}

/**
 * Anything a model's `doStream` threw, or sent as an `error` part → what the runtime expects. An abort stays an abort;
 * the AI SDK's `APICallError` is mapped by its `statusCode` (401/403 `provider_auth`, 429 `rate_limited` with
 * `retryAfter`, 5xx `provider_error`/`provider_unavailable`, other 4xx `provider_bad_request`); one without a status
 * (the AI SDK's "Cannot connect to API") by its cause, a refused or broken connection: `provider_unavailable`;
 * a provider's error object mid-stream by its type (`overloaded_error` → `provider_unavailable`), else
 * `provider_error`. Keys are removed from the message and from the error kept as `cause`.
 */
export function toProviderError(error: unknown, context: ErrorContext): Error {
  if (isSettingError(error) && !context.signal.aborted) {
    // the provider found no API key, region or credentials where it looks (options, environment): a setup problem
    return new ConfigurationError(`${context.label} is not configured: ${redactSecrets(error.message, context.secrets)}`);
  }
  const mapped = providerErrorFrom(error, {
    provider: context.provider,
    label: context.label,
    signal: context.signal,
    secrets: context.secrets,
  });
  if (!(mapped instanceof ProviderError)) return mapped;
  if (mapped.providerStatus === 400 && INVALID_KEY.test(responseBody(error))) {
    // Gemini answers a key it does not know with a 400 (INVALID_ARGUMENT, reason API_KEY_INVALID)
    return new ProviderError("provider_auth", mapped.message, { provider: context.provider, providerStatus: 400, cause: mapped.cause });
  }
  const awsType = awsErrorType(error);
  const awsCode = awsType !== undefined ? AWS_ERROR_CODES[awsType] : undefined;
  if (awsCode !== undefined && awsCode !== mapped.code) {
    // AWS names the error in `x-amzn-errortype`; some statuses say less (424 ModelErrorException is the model failing)
    return new ProviderError(awsCode, mapped.message, {
      provider: context.provider,
      providerStatus: mapped.providerStatus,
      retryAfter: mapped.retryAfter,
      cause: mapped.cause,
    });
  }
  if (mapped.providerStatus !== undefined || mapped.code !== "provider_error") return mapped;
  const named = streamErrorCode(error);
  if (named === undefined || named === mapped.code) return mapped;
  return new ProviderError(named, mapped.message, { provider: context.provider, cause: mapped.cause });
}
