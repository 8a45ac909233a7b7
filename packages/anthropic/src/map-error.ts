import Anthropic from "@anthropic-ai/sdk";
import {
  CopilotRuntimeError,
  ProviderError,
  abortError,
  isAbortError,
  missingApiKeyError,
  parseRetryAfter,
  providerErrorCodeForStatus,
  redactErrorSecrets,
  redactSecrets,
  type ProviderErrorCode,
} from "@copilot-runtime/protocol";

// Error types Anthropic sends in an `event: error` frame (no HTTP status then).
const STREAM_ERROR_CODES: Record<string, ProviderErrorCode> = {
  overloaded_error: "provider_unavailable",
  rate_limit_error: "rate_limited",
  authentication_error: "provider_auth",
  permission_error: "provider_auth",
  invalid_request_error: "provider_bad_request",
  request_too_large: "provider_bad_request",
  api_error: "provider_error",
  timeout_error: "timeout",
};

const SUMMARIES: Record<ProviderErrorCode, string> = {
  provider_auth: "The Anthropic API rejected the credentials",
  rate_limited: "The Anthropic API rate limit was reached",
  provider_unavailable: "The Anthropic API is overloaded or unavailable",
  provider_bad_request: "The Anthropic API rejected the request",
  provider_error: "The Anthropic API failed",
  timeout: "The Anthropic API timed out",
};

interface AnthropicErrorShape {
  status?: number;
  message?: string;
  headers?: Headers;
  error?: { error?: { type?: string; message?: string }; type?: string; message?: string } | null;
  type?: string;
}

/**
 * Any error of the Anthropic SDK → a `ProviderError` whose message holds no key.
 * Aborts pass through as aborts, the runtime's own errors as they are; a client
 * without credentials is a `ConfigurationError`.
 */
export function toProviderError(error: unknown, apiKey?: string | null): unknown {
  if (error instanceof CopilotRuntimeError || isAbortError(error)) return error;
  if (error instanceof Anthropic.APIUserAbortError) return abortError(error);
  // the SDK's error is kept as `cause`: its message and body may echo the key
  redactErrorSecrets(error, [apiKey]);
  if (error instanceof Anthropic.APIConnectionTimeoutError) {
    return new ProviderError("timeout", "The Anthropic API timed out.", { provider: "anthropic", cause: error });
  }
  if (error instanceof Anthropic.APIConnectionError) {
    return new ProviderError("provider_unavailable", "Could not connect to the Anthropic API.", { provider: "anthropic", cause: error });
  }
  const e = (error ?? {}) as AnthropicErrorShape;
  // The SDK checks its credentials only when it sends: no key, no token.
  if (typeof e.message === "string" && e.message.includes("Could not resolve authentication method")) {
    return missingApiKeyError({
      adapter: "AnthropicAdapter",
      envVars: ["ANTHROPIC_API_KEY"],
      option: "`anthropic: new Anthropic({ apiKey })`",
      cause: error,
    });
  }
  const isApiError = error instanceof Anthropic.APIError;
  const status = typeof e.status === "number" ? e.status : undefined;
  const inner = e.error?.error ?? e.error ?? undefined;
  const type = e.type ?? inner?.type;
  const code: ProviderErrorCode =
    status !== undefined
      ? providerErrorCodeForStatus(status)
      : ((type !== undefined ? STREAM_ERROR_CODES[type] : undefined) ?? "provider_error");
  const detail = redactSecrets(inner?.message ?? e.message ?? String(error), [apiKey]);
  const where = status !== undefined ? `HTTP ${status}` : isApiError ? `mid-stream${type ? ` ${type}` : ""}` : "client error";
  const retryAfter = parseRetryAfter(e.headers?.get?.("retry-after"));
  return new ProviderError(code, `${SUMMARIES[code]} (${where}): ${detail}`.slice(0, 1000), {
    provider: "anthropic",
    providerStatus: status,
    retryAfter,
    cause: error,
  });
}
