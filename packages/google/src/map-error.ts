import {
  CopilotRuntimeError,
  ProviderError,
  abortError,
  isAbortError,
  providerErrorCodeForStatus,
  redactErrorSecrets,
  redactSecrets,
  type ProviderErrorCode,
} from "@copilot-runtime/protocol";

/** Gemini's error object, in an HTTP error body or a mid-stream chunk. */
export interface GeminiErrorObject {
  code?: number;
  message?: string;
  status?: string;
  details?: { "@type"?: string; reason?: string; retryDelay?: string }[];
}

const SUMMARIES: Record<ProviderErrorCode, string> = {
  provider_auth: "The Gemini API rejected the credentials",
  rate_limited: "The Gemini API quota or rate limit was reached",
  provider_unavailable: "The Gemini API is overloaded or unavailable",
  provider_bad_request: "The Gemini API rejected the request",
  provider_error: "The Gemini API failed",
  timeout: "The Gemini API timed out",
};

function parseJsonError(text: string): GeminiErrorObject | undefined {
  const start = text.indexOf("{");
  if (start < 0) return undefined;
  try {
    const parsed = JSON.parse(text.slice(start)) as { error?: GeminiErrorObject };
    return parsed.error ?? undefined;
  } catch {
    return undefined;
  }
}

function codeFor(status: number | undefined, error: GeminiErrorObject | undefined, text: string): ProviderErrorCode {
  const reasons = (error?.details ?? []).map((detail) => detail.reason);
  if (reasons.includes("API_KEY_INVALID") || /API key not valid|API_KEY_INVALID/i.test(text)) return "provider_auth";
  if (error?.status === "UNAUTHENTICATED" || error?.status === "PERMISSION_DENIED") return "provider_auth";
  if (error?.status === "RESOURCE_EXHAUSTED") return "rate_limited";
  if (error?.status === "UNAVAILABLE") return "provider_unavailable";
  if (error?.status === "DEADLINE_EXCEEDED") return "timeout";
  return providerErrorCodeForStatus(status ?? error?.code);
}

function retryAfterOf(error: GeminiErrorObject | undefined): number | undefined {
  for (const detail of error?.details ?? []) {
    const match = /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay ?? "");
    if (match) return Math.ceil(Number(match[1]));
  }
  return undefined;
}

function build(
  status: number | undefined,
  error: GeminiErrorObject | undefined,
  raw: string,
  where: string,
  cause: unknown,
  apiKey?: string,
): ProviderError {
  const code = codeFor(status, error, raw);
  const detail = redactSecrets(error?.message ?? raw, [apiKey]);
  return new ProviderError(code, `${SUMMARIES[code]} (${where}): ${detail}`.slice(0, 1000), {
    provider: "google",
    providerStatus: status,
    retryAfter: retryAfterOf(error),
    cause,
  });
}

/** An `{"error": …}` chunk in the middle of a stream. */
export function streamChunkError(error: GeminiErrorObject, apiKey?: string): ProviderError {
  redactErrorSecrets(error, [apiKey]);
  return build(undefined, error, error.message ?? "error chunk", `mid-stream${error.status ? ` ${error.status}` : ""}`, error, apiKey);
}

/**
 * An error of either Google SDK → a `ProviderError` without secrets (aborts,
 * and the runtime's own errors, pass through).
 * `@google/genai` throws `ApiError { status, message: <JSON body> }`;
 * `@google/generative-ai` throws `GoogleGenerativeAIFetchError { status, errorDetails }`.
 */
export function toProviderError(error: unknown, apiKey?: string): unknown {
  if (error instanceof CopilotRuntimeError || isAbortError(error)) return error;
  const e = (error ?? {}) as {
    name?: string;
    status?: number;
    message?: string;
    errorDetails?: GeminiErrorObject["details"];
    constructor?: { name?: string };
  };
  if (e.constructor?.name === "GoogleGenerativeAIAbortError") return abortError(error);
  // the SDK's error is kept as `cause`: its message (the error body) may echo the key, in part or whole
  redactErrorSecrets(error, [apiKey]);
  const message = typeof e.message === "string" ? e.message : String(error);
  const status = typeof e.status === "number" ? e.status : undefined;
  if (status === undefined && /fetch failed|ECONNREFUSED|ENOTFOUND|socket hang up|terminated/i.test(message)) {
    return new ProviderError("provider_unavailable", "Could not connect to the Gemini API.", { provider: "google", cause: error });
  }
  let parsed = parseJsonError(message);
  if (parsed === undefined && e.errorDetails) parsed = { details: e.errorDetails };
  if (parsed !== undefined && parsed.message === undefined) {
    // legacy message: "[GoogleGenerativeAI Error]: Error fetching from <url>: [400 Bad Request] <message> <details>"
    const legacy = /\[\d{3}[^\]]*\]\s*(.*?)(?:\s*\[\{.*)?$/.exec(message);
    if (legacy?.[1]) parsed.message = legacy[1];
  }
  const where = status !== undefined ? `HTTP ${status}` : "mid-stream";
  return build(status, parsed, message.replace(/https?:\/\/\S+/g, "<url>"), where, error, apiKey);
}
