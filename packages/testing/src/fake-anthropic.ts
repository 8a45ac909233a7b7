import { contentText } from "@copilot-runtime/protocol";
import { anthropicRequestRules } from "./anthropic-request-rules.js";
import {
  createFakeProvider,
  httpErrorCases,
  type FakeProvider,
  type FakeProviderOptions,
  type RequestSummary,
  type WireFormat,
} from "./fake-provider.js";
import { argsText, NO_USAGE, scriptUsage, splitArgs, splitText, type FakeStreamScript } from "./fake-script.js";
import { bearerToken, header } from "./fake-request.js";
import { echoedKey, type Violation } from "./request-rules.js";

export interface AnthropicRequestBody {
  model: string;
  max_tokens: number;
  system?: string | { type: "text"; text: string; cache_control?: unknown }[];
  messages: { role: "user" | "assistant"; content: string | Record<string, unknown>[] }[];
  tools?: { name: string; description?: string; input_schema: unknown }[];
  stream?: boolean;
  temperature?: number;
  [key: string]: unknown;
}

const ERROR_TYPES: Record<number, [string, string]> = {
  400: ["invalid_request_error", "messages: text content blocks must be non-empty"],
  401: ["authentication_error", "x-api-key header is required"],
  403: ["permission_error", "Your API key does not have permission to use the specified resource."],
  404: ["not_found_error", "model: claude-x"],
  413: ["request_too_large", "Request exceeds the maximum allowed number of bytes."],
  429: ["rate_limit_error", "This request would exceed the rate limit for your organization."],
  500: ["api_error", "Internal server error"],
  529: ["overloaded_error", "Overloaded"],
};

/** The auth errors for a request that carried `key`, echoing its first 8 and last 4 characters (the real API says less). */
const KEY_ERRORS: Record<number, (echo: string) => [string, string]> = {
  401: (echo) => ["authentication_error", `invalid x-api-key: ${echo}`],
  403: (echo) => ["permission_error", `Your API key ${echo} does not have permission to use the specified resource.`],
};

/** Anthropic's error body. */
export type AnthropicErrorBody = { type: "error"; error: { type: string; message: string }; request_id: string };

/** Anthropic's error body for a status; 401 and 403 echo part of `key`, the key the request carried. */
export function anthropicErrorBody(status: number, key?: string): AnthropicErrorBody {
  const keyError = key !== undefined ? KEY_ERRORS[status]?.(echoedKey(key)) : undefined;
  const [type, message] = keyError ?? ERROR_TYPES[status] ?? ["api_error", `Error ${status}`];
  return { type: "error", error: { type, message }, request_id: "req_fake" };
}

/** Anthropic's 400 for a refused request. */
export function anthropicInvalidRequestBody(violation: Violation): AnthropicErrorBody {
  return { type: "error", error: { type: "invalid_request_error", message: violation.message }, request_id: "req_fake" };
}

const frame = (data: { type: string; [key: string]: unknown }) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
let counter = 0;

/** The frames of a streamed Messages answer, each with its `event:` line. */
export function anthropicStreamFrames(script: FakeStreamScript): string[] {
  const usage = scriptUsage(script) ?? NO_USAGE;
  const frames: string[] = [
    frame({
      type: "message_start",
      message: {
        id: `msg_fake${++counter}`,
        type: "message",
        role: "assistant",
        model: script.model ?? "claude-sonnet-5-5",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: usage.inputTokens,
          output_tokens: 1,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: usage.cachedInputTokens ?? 0,
        },
      },
    }),
  ];
  let index = 0;
  const reasoning = splitText(script.reasoning);
  if (reasoning.length > 0) {
    frames.push(frame({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } }));
    for (const thinking of reasoning)
      frames.push(frame({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking } }));
    frames.push(frame({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: "c2lnbmF0dXJl" } }));
    frames.push(frame({ type: "content_block_stop", index }));
    index++;
  }
  const text = splitText(script.text);
  if (text.length > 0) {
    frames.push(frame({ type: "content_block_start", index, content_block: { type: "text", text: "" } }));
    frames.push(frame({ type: "ping" }));
    for (const piece of text) frames.push(frame({ type: "content_block_delta", index, delta: { type: "text_delta", text: piece } }));
    frames.push(frame({ type: "content_block_stop", index }));
    index++;
  }
  for (const call of script.toolCalls ?? []) {
    const id = call.id ?? `toolu_fake${counter}_${index}`;
    frames.push(frame({ type: "content_block_start", index, content_block: { type: "tool_use", id, name: call.name, input: {} } }));
    for (const fragment of ["", ...splitArgs(argsText(call), call.chunks ?? 3)]) {
      frames.push(frame({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: fragment } }));
    }
    frames.push(frame({ type: "content_block_stop", index }));
    index++;
  }
  const stopReason = script.finishReason ?? ((script.toolCalls ?? []).length > 0 ? "tool_use" : "end_turn");
  frames.push(
    frame({ type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.outputTokens } }),
  );
  frames.push(frame({ type: "message_stop" }));
  return frames;
}

function summarize(body: AnthropicRequestBody): RequestSummary {
  const toolCalls: RequestSummary["toolCalls"] = [];
  const toolResults: RequestSummary["toolResults"] = [];
  let lastUserText = "";
  for (const message of body.messages ?? []) {
    const blocks = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    if (message.role === "user") {
      const text = blocks
        .filter((block) => block.type === "text")
        .map((block) => String(block.text))
        .join("");
      if (text !== "") lastUserText = text;
    }
    for (const block of blocks) {
      if (block.type === "tool_use") toolCalls.push({ id: String(block.id), name: String(block.name), args: block.input });
      if (block.type === "tool_result") toolResults.push({ id: String(block.tool_use_id), content: contentText(block.content) });
    }
  }
  return {
    model: body.model,
    temperature: body.temperature,
    maxTokens: body.max_tokens,
    system: typeof body.system === "string" ? body.system : (body.system ?? []).map((block) => block.text).join("\n\n"),
    toolNames: (body.tools ?? []).map((tool) => tool.name),
    toolCalls,
    toolResults,
    lastUserText,
  };
}

const anthropicWire: WireFormat<AnthropicRequestBody> = {
  provider: "anthropic",
  matches: (request) => request.method === "POST" && request.path.split("?")[0] === "/v1/messages",
  isStreaming: (body) => body?.stream === true,
  // Anthropic 1.x clients send `Authorization: Bearer`, 0.x clients `x-api-key`: either will do (x-api-key wins).
  credential: (request) => header(request, "x-api-key") ?? bearerToken(request),
  requiresKey: true,
  rules: anthropicRequestRules,
  invalidRequestBody: anthropicInvalidRequestBody,
  frames: (script) => anthropicStreamFrames(script),
  errorFrame: frame({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
  // the SDK ignores frames without an `event:` line, so a broken one carries it
  malformedFrame: "event: content_block_delta\ndata: {not json\n\n",
  json(script) {
    const usage = scriptUsage(script) ?? NO_USAGE;
    const content: Record<string, unknown>[] = [];
    const text = splitText(script.text).join("");
    if (text !== "") content.push({ type: "text", text });
    for (const call of script.toolCalls ?? []) {
      content.push({ type: "tool_use", id: call.id ?? `toolu_fake${++counter}`, name: call.name, input: JSON.parse(argsText(call)) });
    }
    return {
      id: `msg_fake${++counter}`,
      type: "message",
      role: "assistant",
      model: script.model ?? "claude-sonnet-5-5",
      content,
      stop_reason: (script.toolCalls ?? []).length > 0 ? "tool_use" : "end_turn",
      stop_sequence: null,
      usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
    };
  },
  errorBody: anthropicErrorBody,
  summarize,
  errorCases: httpErrorCases([
    [401, "authentication_error"],
    [403, "permission_error"],
    [429, "rate_limit_error"],
    [529, "overloaded_error"],
    [500, "api_error"],
  ]),
  midStreamErrorCode: "provider_unavailable",
  unsupportedFaults: {
    "error-finish-reason":
      "the Messages API has no stop_reason for a failed generation; it sends an `error` event instead (mid-stream-error)",
  },
  streamHeaders: { "request-id": "req_fake" },
};

export interface FakeAnthropic extends FakeProvider {
  /** What to give the Anthropic client as `baseURL` (the origin: the SDK adds /v1). */
  readonly baseURL: string;
  bodies(): AnthropicRequestBody[];
}

/**
 * A fake Anthropic server on 127.0.0.1 speaking the Messages streaming format:
 * every frame with its `event:` line, text, `thinking`, parallel `tool_use`
 * blocks with `input_json_delta` fragments, usage, `event: error` mid-stream,
 * and the real error bodies (401, 429, 529, ...). It refuses what the real API
 * refuses (`anthropicRequestRules`) unless `validate: false`.
 */
export async function createFakeAnthropic(options: FakeProviderOptions = {}): Promise<FakeAnthropic> {
  const fake = await createFakeProvider(anthropicWire, options);
  return Object.assign(fake, {
    baseURL: fake.url,
    bodies: () => fake.requests.filter((request) => anthropicWire.matches(request)).map((request) => request.body as AnthropicRequestBody),
  });
}
