// Helpers the fakes share to read requests (internal: not exported from the package).
import type { RecordedRequest } from "./http-server.js";
import type { RequestRule, Violation } from "./request-rules.js";

/** The first rule the body breaks, if any. */
export function firstViolation<Body>(
  rules: readonly RequestRule<Body>[],
  body: Body,
  request: RecordedRequest,
): { rule: string; violation: Violation } | undefined {
  for (const rule of rules) {
    const violation = rule.check(body, request);
    if (violation !== undefined) return { rule: rule.name, violation };
  }
  return undefined;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The value of a header (the first, when repeated). */
export function header(request: RecordedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(request: RecordedRequest): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header(request, "authorization") ?? "");
  return match?.[1];
}
