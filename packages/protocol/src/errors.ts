/**
 * Stable, machine-readable error codes. They appear as `error` in JSON error
 * bodies and as `code` in `RUN_ERROR` events.
 */
export type ErrorCode =
  // request errors (before streaming; 4xx)
  | "invalid_json"
  | "invalid_request"
  | "unknown_agent"
  | "unsupported_media_type"
  | "payload_too_large"
  | "request_timeout"
  | "not_found"
  | "method_not_allowed"
  | "middleware_rejected"
  | "middleware_error"
  | "run_in_progress"
  | "store_unavailable"
  | "shutting_down"
  // the runtime's own client authentication (bearerAuth, apiKeyAuth; 401)
  | "unauthorized"
  // provider errors (RUN_ERROR, or 502 before streaming)
  | "provider_auth"
  | "rate_limited"
  | "provider_unavailable"
  | "provider_bad_request"
  | "provider_error"
  | "timeout"
  // remote AG-UI agents (the `agents` option): RUN_ERROR, or 502 before streaming
  | "agent_unavailable"
  | "agent_auth"
  | "agent_bad_request"
  | "agent_error"
  | "agent_protocol_error"
  // run errors
  | "aborted"
  | "stopped"
  | "server_shutdown"
  | "run_lost"
  | "configuration_error"
  | "internal_error";

export interface CopilotRuntimeErrorOptions {
  /** HTTP status used when the error is answered before streaming. */
  status?: number;
  cause?: unknown;
}

/** Base class of every error Copilot Runtime reports. Its message is safe to show to a client. */
export class CopilotRuntimeError extends Error {
  override name = "CopilotRuntimeError";
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, options: CopilotRuntimeErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.status = options.status ?? 500;
  }
}

/** A malformed request: answered with a 4xx JSON body before anything is streamed. */
export class RequestError extends CopilotRuntimeError {
  override name = "RequestError";
  constructor(code: ErrorCode, message: string, options: CopilotRuntimeErrorOptions = {}) {
    super(code, message, { status: 400, ...options });
  }
}

/** A misuse of the API by the developer (bad action definition, missing option). */
export class ConfigurationError extends CopilotRuntimeError {
  override name = "ConfigurationError";
  constructor(message: string, options: CopilotRuntimeErrorOptions = {}) {
    super("configuration_error", message, options);
  }
}

export type ProviderErrorCode =
  "provider_auth" | "rate_limited" | "provider_unavailable" | "provider_bad_request" | "provider_error" | "timeout";

export interface ProviderErrorOptions extends CopilotRuntimeErrorOptions {
  /** The provider name, e.g. "openai". */
  provider: string;
  /** HTTP status the provider answered with, when there was one. */
  providerStatus?: number;
  /** Seconds the provider asked to wait (from `retry-after`). */
  retryAfter?: number;
}

/**
 * An LLM provider failed. Adapters throw it (or yield it as an `error` part);
 * its message never contains the API key.
 */
export class ProviderError extends CopilotRuntimeError {
  override name = "ProviderError";
  override readonly code: ProviderErrorCode;
  readonly provider: string;
  readonly providerStatus: number | undefined;
  readonly retryAfter: number | undefined;

  constructor(code: ProviderErrorCode, message: string, options: ProviderErrorOptions) {
    super(code, message, { status: options.status ?? 502, cause: options.cause });
    this.code = code;
    this.provider = options.provider;
    this.providerStatus = options.providerStatus;
    this.retryAfter = options.retryAfter;
  }
}

/** The code a provider HTTP status maps to. */
export function providerErrorCodeForStatus(status: number | undefined): ProviderErrorCode {
  if (status === 401 || status === 403) return "provider_auth";
  if (status === 429) return "rate_limited";
  if (status === 408 || status === 504) return "timeout";
  if (status === 502 || status === 503 || status === 529) return "provider_unavailable";
  if (status != null && status >= 400 && status < 500) return "provider_bad_request";
  return "provider_error";
}

export type AgentErrorCode =
  "agent_unavailable" | "agent_auth" | "agent_bad_request" | "agent_error" | "agent_protocol_error" | "rate_limited" | "timeout";

export interface AgentErrorOptions extends CopilotRuntimeErrorOptions {
  /** The id the agent is served under, e.g. "research". */
  agentId: string;
  /** HTTP status the remote agent answered with, when there was one. */
  agentStatus?: number;
}

/**
 * A remote AG-UI agent failed: it could not be reached, answered an HTTP error, broke the AG-UI event
 * rules or ended its stream without a terminal event. Its message names the agent and the fault, never
 * what the remote answered (its body and headers stay in `cause`, for the host's logs only).
 */
export class AgentError extends CopilotRuntimeError {
  override name = "AgentError";
  override readonly code: AgentErrorCode;
  readonly agentId: string;
  readonly agentStatus: number | undefined;

  constructor(code: AgentErrorCode, message: string, options: AgentErrorOptions) {
    super(code, message, { status: options.status ?? 502, cause: options.cause });
    this.code = code;
    this.agentId = options.agentId;
    this.agentStatus = options.agentStatus;
  }
}

/** The code a remote agent's HTTP error status maps to. */
export function agentErrorCodeForStatus(status: number | undefined): AgentErrorCode {
  if (status === 401 || status === 403) return "agent_auth";
  if (status === 429) return "rate_limited";
  if (status === 408 || status === 504) return "timeout";
  if (status === 502 || status === 503) return "agent_unavailable";
  if (status != null && status >= 400 && status < 500) return "agent_bad_request";
  return "agent_error";
}

export function isAbortError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === "AbortError" || error.name === "APIUserAbortError" || (error as { code?: unknown }).code === "ABORT_ERR")
  );
}

/** The one abort error adapters throw when their request was cancelled (`name: "AbortError"`). */
export function abortError(cause?: unknown): Error {
  return Object.assign(new Error("The request was aborted.", cause !== undefined ? { cause } : undefined), { name: "AbortError" });
}

/**
 * The error for an adapter that has no API key: a configuration problem,
 * with a hint naming the environment variable(s) and the option to set.
 */
export function missingApiKeyError(options: {
  adapter: string;
  envVars: readonly string[];
  option: string;
  cause?: unknown;
}): ConfigurationError {
  const vars = options.envVars.join(" or ");
  return new ConfigurationError(`${options.adapter} has no API key: set ${vars}, or pass ${options.option} to ${options.adapter}.`, {
    cause: options.cause,
  });
}

/**
 * Seconds to wait from a `retry-after` header value: delta-seconds or an
 * HTTP date (`Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`); undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
