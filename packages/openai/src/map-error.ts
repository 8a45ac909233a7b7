import {
  CopilotRuntimeError,
  ProviderError,
  abortError,
  isAbortError,
  parseRetryAfter,
  providerErrorCodeForStatus,
  redactErrorSecrets,
  redactSecrets,
} from "@copilot-runtime/protocol";
import OpenAI from "openai";

interface OpenAIErrorShape {
  name?: string;
  status?: number;
  message?: string;
  headers?: Headers | Record<string, string>;
  error?: { message?: string } | null;
}

/** The SDK's class name; its errors all carry `name: "Error"`. */
function kindOf(error: unknown): string | undefined {
  if (error instanceof OpenAI.APIUserAbortError) return "APIUserAbortError";
  if (error instanceof OpenAI.APIConnectionTimeoutError) return "APIConnectionTimeoutError";
  if (error instanceof OpenAI.APIConnectionError) return "APIConnectionError";
  const name = (error as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === "string" ? name : undefined;
}

function header(headers: OpenAIErrorShape["headers"], name: string): string | null {
  if (headers == null) return null;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
  return (headers as Record<string, string>)[name] ?? null;
}

const MESSAGES: Record<string, string> = {
  provider_auth: "The OpenAI API rejected the credentials",
  rate_limited: "The OpenAI API rate limit was reached",
  provider_unavailable: "The OpenAI API is unavailable",
  provider_bad_request: "The OpenAI API rejected the request",
  provider_error: "The OpenAI API failed",
  timeout: "The OpenAI API timed out",
};

/**
 * Any error of the `openai` SDK → a `ProviderError` whose message holds no key.
 * Aborts, and the runtime's own errors (e.g. a `ConfigurationError`), pass through.
 */
export function toProviderError(error: unknown, apiKey?: string | null): unknown {
  if (error instanceof CopilotRuntimeError || isAbortError(error)) return error;
  const kind = kindOf(error);
  if (kind === "APIUserAbortError") return abortError(error);
  const secrets = [apiKey];
  // the SDK's error is kept as `cause`: its message and body echo the key (401 "Incorrect API key provided: sk-…")
  redactErrorSecrets(error, secrets);
  const e = (error ?? {}) as OpenAIErrorShape;
  if (kind === "APIConnectionTimeoutError") {
    return new ProviderError("timeout", "The OpenAI API timed out.", { provider: "openai", cause: error });
  }
  if (kind === "APIConnectionError") {
    return new ProviderError("provider_unavailable", "Could not connect to the OpenAI API.", { provider: "openai", cause: error });
  }
  const status = typeof e.status === "number" ? e.status : undefined;
  const code = providerErrorCodeForStatus(status);
  const detail = redactSecrets(e.error?.message ?? e.message ?? String(error), secrets);
  const retryAfter = parseRetryAfter(header(e.headers, "retry-after"));
  const summary = status != null ? `${MESSAGES[code]} (HTTP ${status})` : `${MESSAGES[code]} mid-stream`;
  return new ProviderError(code, `${summary}: ${detail}`.slice(0, 1000), {
    provider: "openai",
    providerStatus: status,
    retryAfter,
    cause: error,
  });
}
