import type { RecordedRequest } from "./http-server.js";

/** Why a real API refuses a request: its message, and where the provider's error body says so. */
export interface Violation {
  message: string;
  /** OpenAI's `param` (e.g. `messages.[2].role`). */
  param?: string;
  /** OpenAI's `code` (e.g. `empty_array`). */
  code?: string;
  /** Gemini's `details` (e.g. a `google.rpc.BadRequest` with field violations). */
  details?: unknown[];
}

/**
 * A request shape the real API refuses with a 400, as a fake checks it.
 * `check` returns the violation, or undefined when the body passes.
 */
export interface RequestRule<Body> {
  /** A short stable name, e.g. "tool-without-call". */
  name: string;
  /** The refused shape, in words (for the docs and the closing notes). */
  rejects: string;
  check(body: Body, request: RecordedRequest): Violation | undefined;
}

/** A request a fake refused, with the rule that refused it. */
export interface Rejection {
  rule: string;
  status: number;
  message: string;
}

/**
 * A key as providers echo it in auth errors: its first 8 and last 4
 * characters around asterisks (OpenAI: "Incorrect API key provided: sk-PMafP***…E873").
 */
export function echoedKey(key: string): string {
  if (key.length <= 12) return "*".repeat(key.length);
  return `${key.slice(0, 8)}${"*".repeat(key.length - 12)}${key.slice(-4)}`;
}
