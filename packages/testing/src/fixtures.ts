import { readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import type { FakeReplayScript } from "./fake-script.js";

/**
 * The recorded streams shipped with this package (`fixtures/`, sources in its README):
 * each provider's own documented example, in its real wire format.
 */
export const FIXTURES = {
  /** OpenAI Chat Completions: the chunk object example of the API reference, `data:` framed, `[DONE]`. */
  openaiChatText: "openai-chat-stream.txt",
  /** OpenAI Chat Completions: the streamed tool-call deltas of the function calling guide. */
  openaiChatToolCall: "openai-chat-tool-call-stream.txt",
  /** Anthropic Messages: the "basic streaming request" response of the streaming docs. */
  anthropicText: "anthropic-messages-stream.txt",
  /** Anthropic Messages: the "streaming request with tool use" response of the streaming docs. */
  anthropicToolUse: "anthropic-messages-tool-use-stream.txt",
  /** Gemini `streamGenerateContent?alt=sse`: a text answer Google recorded (CRLF framing). */
  geminiText: "gemini-stream.txt",
  /** Gemini `streamGenerateContent?alt=sse`: a function call Google recorded (CRLF framing). */
  geminiFunctionCall: "gemini-function-call-stream.txt",
} as const;

/** The path of a fixture (a name in `fixtures/`), or the file itself when given a path. */
export function fixturePath(file: string): string {
  if (isAbsolute(file)) return file;
  return fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
}

/** A fixture's bytes, as text. */
export function readFixture(file: string): string {
  return readFileSync(fixturePath(file), "utf8");
}

/** A script that makes a fake provider answer with a fixture, byte for byte. */
export function replayFixture(file: string, extra: Omit<FakeReplayScript, "kind" | "file"> = {}): FakeReplayScript {
  return { kind: "replay", file, ...extra };
}
