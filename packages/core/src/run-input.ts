import { RequestError, isPlainObject, type ModelParameters, type RunAgentInput } from "@copilot-runtime/protocol";
import { commonRunAgentInput } from "./common-run-input.js";

type RunAgentInputValidator = (typeof import("@copilot-runtime/protocol/schemas"))["RunAgentInputSchema"];
let validator: Promise<RunAgentInputValidator> | undefined;

/** AG-UI's own validator, loaded on first use (an input out of the common shape): zod stays out of start-up. */
function loadValidator(): Promise<RunAgentInputValidator> {
  validator ??= import("@copilot-runtime/protocol/schemas").then((schemas) => schemas.RunAgentInputSchema);
  return validator;
}

interface Issue {
  path: PropertyKey[];
  message: string;
}

function formatPath(path: PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  return out;
}

function describeIssues(issues: readonly Issue[]): string {
  const shown = issues.slice(0, 5).map((issue) => {
    const where = formatPath(issue.path);
    return where === "" ? issue.message : `${where}: ${issue.message}`;
  });
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : "";
  return shown.join("; ") + more;
}

/** Bounds on one request, beyond its size in bytes. */
export interface InputLimits {
  /** Messages in a run's history. Default 1000. */
  maxMessages: number;
  /** Frontend tools in a run. Default 256. */
  maxTools: number;
  /** Context items in a run. Default 256. */
  maxContext: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = { maxMessages: 1000, maxTools: 256, maxContext: 256 };

function checkCount(body: Record<string, unknown>, field: string, max: number): void {
  const value = body[field];
  if (Array.isArray(value) && value.length > max) {
    throw new RequestError("invalid_request", `Invalid RunAgentInput: ${field} has ${value.length} items; at most ${max} are accepted.`, {
      status: 413,
    });
  }
}

/** The input as AG-UI's schema gives it back, or a 400 naming each bad field. */
async function validated(body: Record<string, unknown>): Promise<RunAgentInput> {
  const result = (await loadValidator()).safeParse(body);
  if (!result.success) {
    throw new RequestError("invalid_request", `Invalid RunAgentInput: ${describeIssues(result.error.issues)}.`);
  }
  return result.data as RunAgentInput;
}

/**
 * Validates an AG-UI `RunAgentInput` once, at the door: the common shape by hand, anything else by AG-UI's own schema.
 * Throws a 400 `RequestError` naming each bad field.
 */
export async function parseRunAgentInput(body: unknown, limits: InputLimits = DEFAULT_INPUT_LIMITS): Promise<RunAgentInput> {
  if (!isPlainObject(body)) {
    throw new RequestError("invalid_request", "Invalid RunAgentInput: the body must be a JSON object.");
  }
  checkCount(body, "messages", limits.maxMessages);
  checkCount(body, "tools", limits.maxTools);
  checkCount(body, "context", limits.maxContext);
  const input = commonRunAgentInput(body) ?? (await validated(body));
  // AG-UI's schema takes any string; a thread or run needs a name to be found again
  for (const field of ["threadId", "runId"] as const) {
    if (input[field].trim() === "") throw new RequestError("invalid_request", `Invalid RunAgentInput: ${field} must not be empty.`);
  }
  return input;
}

function optionalNumber(props: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = props[key];
  if (value == null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new RequestError("invalid_request", `Invalid forwardedProps.${key}: expected a number between ${min} and ${max}.`);
  }
  return value;
}

/**
 * Model parameters the client may set through `forwardedProps`:
 * `temperature`, `maxTokens`, `topP`, `stop`. `0` is kept.
 */
export function modelParametersFrom(forwardedProps: unknown): ModelParameters {
  if (!isPlainObject(forwardedProps)) return {};
  const parameters: ModelParameters = {};
  const temperature = optionalNumber(forwardedProps, "temperature", 0, 2);
  if (temperature != null) parameters.temperature = temperature;
  const maxTokens = optionalNumber(forwardedProps, "maxTokens", 1, Number.MAX_SAFE_INTEGER);
  if (maxTokens != null) {
    if (!Number.isInteger(maxTokens)) throw new RequestError("invalid_request", "Invalid forwardedProps.maxTokens: expected an integer.");
    parameters.maxTokens = maxTokens;
  }
  const topP = optionalNumber(forwardedProps, "topP", 0, 1);
  if (topP != null) parameters.topP = topP;
  const stop = forwardedProps.stop;
  if (stop != null) {
    const list = typeof stop === "string" ? [stop] : stop;
    if (!Array.isArray(list) || !list.every((item) => typeof item === "string")) {
      throw new RequestError("invalid_request", "Invalid forwardedProps.stop: expected a string or an array of strings.");
    }
    parameters.stop = list;
  }
  return parameters;
}
