/** A tool call a fake provider streams. */
export interface FakeToolCall {
  id?: string;
  name: string;
  /** A JSON string (sent as is, even when invalid) or an object to serialize. */
  arguments: string | Record<string, unknown>;
  /** How many fragments the arguments are split into, where the wire format streams them. Default 3. */
  chunks?: number;
}

export interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
}

/** A scripted streaming answer, the same for every fake provider. */
export interface FakeStreamScript {
  kind?: "stream";
  /** A string (split into word-sized chunks) or the exact chunks. */
  text?: string | string[];
  /** Thinking text, where the provider streams it (Anthropic `thinking`, Gemini thought parts). */
  reasoning?: string | string[];
  toolCalls?: FakeToolCall[];
  /** The provider's own finish/stop reason; a sensible default otherwise. */
  finishReason?: string;
  /** Token counts to report; `false` reports none. Default 42 in, 17 out. */
  usage?: FakeUsage | false;
  model?: string;
  /** Delay before each frame, in ms. */
  delayMs?: number;
  /** After this many frames, send the provider's mid-stream error frame and end. */
  errorAfter?: number;
  /** After this many frames, destroy the socket (a stream that breaks mid-way). */
  cutAfter?: number;
  /** After this many frames, send a frame that is not JSON. */
  malformedAfter?: number;
  /** After this many frames, wait for `hold` (or forever) before going on. */
  holdAfter?: number;
  hold?: Promise<void>;
}

/** An HTTP error answer; `body` defaults to the provider's real error body for the status. */
export interface FakeErrorScript {
  kind: "error";
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A recorded response body replayed byte for byte (e.g. a provider's documented
 * stream, see `replayFixture`), sent with the provider's stream headers.
 */
export interface FakeReplayScript {
  kind: "replay";
  /** A fixture name (a file in this package's `fixtures` folder) or a path to a file. */
  file: string;
  /** Delay before each frame, in ms. */
  delayMs?: number;
  /** Content type of the answer. Default `text/event-stream; charset=utf-8`. */
  contentType?: string;
}

export type FakeScript = FakeStreamScript | FakeErrorScript | FakeReplayScript;

export const DEFAULT_USAGE: FakeUsage = { inputTokens: 42, outputTokens: 17 };

/** Zero counts, for a provider that always reports usage when the script has none. */
export const NO_USAGE: FakeUsage = { inputTokens: 0, outputTokens: 0 };

/** The token counts a script reports: its own, `DEFAULT_USAGE`, or none (`usage: false`). */
export function scriptUsage(script: FakeStreamScript): FakeUsage | undefined {
  return script.usage === false ? undefined : (script.usage ?? DEFAULT_USAGE);
}

/** A plain text answer. */
export function textAnswer(text: string | string[], extra: Partial<FakeStreamScript> = {}): FakeStreamScript {
  return { text, ...extra };
}

/** An answer that calls tools (in parallel when several). */
export function toolCallAnswer(toolCalls: FakeToolCall[], extra: Partial<FakeStreamScript> = {}): FakeStreamScript {
  return { toolCalls, ...extra };
}

/** An HTTP error with the provider's error body; 429 comes with `retry-after`. */
export function httpError(status: number, headers: Record<string, string> = {}): FakeErrorScript {
  return { kind: "error", status, headers: status === 429 ? { "retry-after": "20", ...headers } : headers };
}

export function splitText(text: string | string[] | undefined): string[] {
  if (text === undefined) return [];
  if (Array.isArray(text)) return text;
  return text.match(/\s*\S+\s*$|\s*\S+/g) ?? (text === "" ? [] : [text]);
}

export function splitArgs(args: string, parts: number): string[] {
  if (args === "" || parts <= 1) return [args];
  const size = Math.ceil(args.length / parts);
  const out: string[] = [];
  for (let i = 0; i < args.length; i += size) out.push(args.slice(i, i + size));
  return out;
}

export function argsText(call: FakeToolCall): string {
  return typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);
}
