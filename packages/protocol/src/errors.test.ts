import { describe, expect, it } from "vitest";
import { errorResponse, jsonErrorResponse } from "./error-response.js";
import {
  AgentError,
  ConfigurationError,
  ProviderError,
  RequestError,
  abortError,
  isAbortError,
  missingApiKeyError,
  parseRetryAfter,
  providerErrorCodeForStatus,
  agentErrorCodeForStatus,
} from "./errors.js";

describe("errors", () => {
  it("maps provider statuses to codes, 401/403 to provider_auth", () => {
    expect([401, 403, 429, 408, 504, 502, 503, 529, 400, 422, 500, undefined].map(providerErrorCodeForStatus)).toEqual([
      "provider_auth",
      "provider_auth",
      "rate_limited",
      "timeout",
      "timeout",
      "provider_unavailable",
      "provider_unavailable",
      "provider_unavailable",
      "provider_bad_request",
      "provider_bad_request",
      "provider_error",
      "provider_error",
    ]);
  });

  it("maps remote agent statuses to agent codes", () => {
    expect([401, 403, 429, 408, 504, 502, 503, 400, 404, 422, 500, 501, undefined].map(agentErrorCodeForStatus)).toEqual([
      "agent_auth",
      "agent_auth",
      "rate_limited",
      "timeout",
      "timeout",
      "agent_unavailable",
      "agent_unavailable",
      "agent_bad_request",
      "agent_bad_request",
      "agent_bad_request",
      "agent_error",
      "agent_error",
      "agent_error",
    ]);
  });

  it("an AgentError names its agent and status, 502 before streaming by default", () => {
    const cause = new Error("HTTP 500: secret upstream body");
    const error = new AgentError("agent_error", 'The agent "research" failed.', { agentId: "research", agentStatus: 500, cause });
    expect(error).toMatchObject({ name: "AgentError", code: "agent_error", status: 502, agentId: "research", agentStatus: 500 });
    expect(error.cause).toBe(cause);
    expect(error.message).not.toContain("secret");
  });

  it("has one abort error, recognised by isAbortError", () => {
    const cause = new Error("socket closed");
    const error = abortError(cause);
    expect(error.name).toBe("AbortError");
    expect(error.cause).toBe(cause);
    expect(isAbortError(error)).toBe(true);
    expect(isAbortError(new Error("x"))).toBe(false);
  });

  it("reports a missing API key as a configuration problem naming the env variable", () => {
    const error = missingApiKeyError({ adapter: "OpenAIAdapter", envVars: ["OPENAI_API_KEY"], option: "`openai: new OpenAI({ apiKey })`" });
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.code).toBe("configuration_error");
    expect(error.status).toBe(500);
    expect(error.message).toBe(
      "OpenAIAdapter has no API key: set OPENAI_API_KEY, or pass `openai: new OpenAI({ apiKey })` to OpenAIAdapter.",
    );
  });

  it("parses retry-after as seconds or an HTTP date", () => {
    const now = Date.parse("2026-11-30T10:00:00Z");
    expect(parseRetryAfter("12", now)).toBe(12);
    expect(parseRetryAfter(" 1.5 ", now)).toBe(1.5);
    expect(parseRetryAfter("Mon, 30 Nov 2026 10:00:30 GMT", now)).toBe(30);
    expect(parseRetryAfter("Mon, 30 Nov 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe("error responses", () => {
  it("answers a runtime error with its status, code and message", async () => {
    const response = errorResponse(new RequestError("invalid_request", "Bad input."), { "x-extra": "1" });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("x-extra")).toBe("1");
    expect(await response.json()).toEqual({ error: "invalid_request", message: "Bad input." });
  });

  it("answers a provider error 502 and any other error a bare 500 without its message", async () => {
    const provider = errorResponse(new ProviderError("provider_auth", "Rejected.", { provider: "openai" }));
    expect(provider.status).toBe(502);
    expect(await provider.json()).toEqual({ error: "provider_auth", message: "Rejected." });
    const other = errorResponse(new Error("secret sk-123 at /src/file.ts:1"));
    expect(other.status).toBe(500);
    expect(await other.json()).toEqual({ error: "internal_error", message: "An internal error occurred." });
  });

  it("builds a JSON error with any headers", async () => {
    const response = jsonErrorResponse(401, "unauthorized", "No token.", { "www-authenticate": 'Bearer realm="x"' });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="x"');
    expect(await response.json()).toEqual({ error: "unauthorized", message: "No token." });
  });
});
