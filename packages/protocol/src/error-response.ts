import { CopilotRuntimeError, type ErrorCode } from "./errors.js";
import type { ErrorBody } from "./http-api.js";

const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** A JSON error answer in the runtime's one shape, `{ error, message }`. */
export function jsonErrorResponse(status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}): Response {
  const body: ErrorBody = { error: code, message };
  return new Response(JSON.stringify(body), { status, headers: { "content-type": JSON_CONTENT_TYPE, ...headers } });
}

/**
 * The JSON answer for an error raised before streaming: a `CopilotRuntimeError`
 * keeps its code, status and message; anything else is a bare 500 (never a
 * stack trace or the original message, which may hold secrets).
 */
export function errorResponse(error: unknown, headers: Record<string, string> = {}): Response {
  if (error instanceof CopilotRuntimeError) return jsonErrorResponse(error.status, error.code, error.message, headers);
  return jsonErrorResponse(500, "internal_error", "An internal error occurred.", headers);
}
