import {
  CopilotRuntimeError,
  ProviderError,
  isAbortError,
  providerErrorCodeForStatus,
  redactErrorSecrets,
  redactSecrets,
  type ProviderErrorCode,
} from "@copilot-runtime/protocol";

const LC_ERROR_CODES: Record<string, ProviderErrorCode> = {
  MODEL_AUTHENTICATION: "provider_auth",
  MODEL_RATE_LIMIT: "rate_limited",
  MODEL_NOT_FOUND: "provider_bad_request",
};

interface ChainErrorShape {
  status?: number;
  lc_error_code?: string;
  message?: string;
  constructor?: { name?: string };
}

/**
 * A chain's failure → a `ProviderError` whose message holds no key, coded from
 * the HTTP status or LangChain's `lc_error_code`. Aborts, and the runtime's own
 * errors (e.g. a `ConfigurationError`), pass through.
 */
export function toProviderError(error: unknown): unknown {
  if (error instanceof CopilotRuntimeError || isAbortError(error)) return error;
  // the error is kept as `cause`: a provider SDK's message and body under the chain may echo the key
  redactErrorSecrets(error);
  const e = (error ?? {}) as ChainErrorShape;
  const kind = e.constructor?.name ?? "";
  // the provider SDK under the chain could not be reached (e.g. the openai SDK's APIConnectionError)
  if (kind === "APIConnectionTimeoutError") {
    return new ProviderError("timeout", "The LLM behind the chain timed out.", { provider: "langchain", cause: error });
  }
  if (kind === "APIConnectionError" || /ECONNREFUSED|ENOTFOUND|fetch failed/i.test(e.message ?? "")) {
    return new ProviderError("provider_unavailable", "Could not connect to the LLM behind the chain.", {
      provider: "langchain",
      cause: error,
    });
  }
  const status = typeof e.status === "number" ? e.status : undefined;
  const code =
    (e.lc_error_code ? LC_ERROR_CODES[e.lc_error_code] : undefined) ??
    (status !== undefined ? providerErrorCodeForStatus(status) : "provider_error");
  const detail = redactSecrets((e.message ?? String(error)).split("\n\nTroubleshooting URL")[0] ?? "");
  const summary = `The LangChain chain failed${status !== undefined ? ` (HTTP ${status})` : ""}`;
  return new ProviderError(code, `${summary}: ${detail}`.slice(0, 1000), { provider: "langchain", providerStatus: status, cause: error });
}
