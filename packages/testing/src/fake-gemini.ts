import {
  createFakeProvider,
  httpErrorCases,
  type FakeProvider,
  type FakeProviderOptions,
  type RequestSummary,
  type WireFormat,
} from "./fake-provider.js";
import { NO_USAGE, scriptUsage, splitText, type FakeStreamScript } from "./fake-script.js";
import { geminiRequestRules } from "./gemini-request-rules.js";
import type { RecordedRequest } from "./http-server.js";
import { header } from "./fake-request.js";
import { echoedKey, type Violation } from "./request-rules.js";

interface GeminiPart {
  text?: string;
  thought?: boolean;
  functionCall?: { name: string; args?: Record<string, unknown>; id?: string };
  functionResponse?: { name: string; response: Record<string, unknown>; id?: string };
  [key: string]: unknown;
}

export interface GeminiRequestBody {
  contents: { role: "user" | "model"; parts: GeminiPart[] }[];
  systemInstruction?: { role?: string; parts: GeminiPart[] };
  tools?: { functionDeclarations?: { name: string; description?: string; parameters?: unknown }[] }[];
  generationConfig?: { temperature?: number; maxOutputTokens?: number; topP?: number; stopSequences?: string[] };
  [key: string]: unknown;
}

const STATUS_NAMES: Record<number, [string, string]> = {
  400: ["INVALID_ARGUMENT", "API key not valid. Please pass a valid API key."],
  // with an OAuth token (Vertex AI, or the Gemini API with OAuth) instead of an API key
  401: [
    "UNAUTHENTICATED",
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
  ],
  403: [
    "PERMISSION_DENIED",
    "Method doesn't allow unregistered callers (callers without established identity). " +
      "Please use API Key or other form of API consumer identity to call this API.",
  ],
  404: ["NOT_FOUND", "models/gemini-x is not found for API version v1beta, or is not supported for generateContent."],
  429: ["RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details."],
  500: [
    "INTERNAL",
    "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  ],
  503: ["UNAVAILABLE", "The model is overloaded. Please try again later."],
};

/** Gemini's error body. */
export type GeminiErrorBody = { error: { code: number; message: string; status: string; details?: unknown[] } };

/**
 * The auth errors for a request that carried `key`: 400 API_KEY_INVALID with part of it
 * (first 8 and last 4 characters; the real message says no more than "API key not valid"),
 * 403 with all of it, as Google's "Consumer 'api_key:…' has been suspended" does.
 */
const KEY_MESSAGES: Record<number, (key: string) => string> = {
  400: (key) => `API key not valid. Please pass a valid API key. (key: ${echoedKey(key)})`,
  403: (key) => `Permission denied: Consumer 'api_key:${key}' has been suspended.`,
};

/** Gemini's error body for a status (400 is the invalid-API-key answer); 400 and 403 echo `key`, the key the request carried. */
export function geminiErrorBody(status: number, key?: string): GeminiErrorBody {
  const [name, fallback] = STATUS_NAMES[status] ?? ["UNKNOWN", `Error ${status}`];
  const message = (key !== undefined ? KEY_MESSAGES[status]?.(key) : undefined) ?? fallback;
  const details =
    status === 400
      ? [
          {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            reason: "API_KEY_INVALID",
            domain: "googleapis.com",
            metadata: { service: "generativelanguage.googleapis.com" },
          },
        ]
      : status === 429
        ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "20s" }]
        : undefined;
  return { error: { code: status, message, status: name, ...(details ? { details } : {}) } };
}

/** Gemini's 400 for a refused request. */
export function geminiInvalidRequestBody(violation: Violation): GeminiErrorBody {
  return {
    error: {
      code: 400,
      message: violation.message,
      status: "INVALID_ARGUMENT",
      ...(violation.details ? { details: violation.details } : {}),
    },
  };
}

/**
 * The Gemini API ends each SSE frame with CRLF CRLF (`data: {…}\r\n\r\n`): Google's recorded
 * streams (fixtures/README.md) are framed so, and `@google/generative-ai`'s first parser
 * only knew `\r\n`. Both SDKs also accept `\n\n`.
 */
export const GEMINI_FRAME_END = "\r\n\r\n";

const PATH = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):(streamGenerateContent|generateContent)$/;
let counter = 0;

function response(parts: GeminiPart[], script: FakeStreamScript, usage: { prompt: number; output: number }, finishReason?: string) {
  return {
    candidates: [{ content: { parts, role: "model" }, ...(finishReason ? { finishReason } : {}), index: 0 }],
    usageMetadata: {
      promptTokenCount: usage.prompt,
      candidatesTokenCount: usage.output,
      totalTokenCount: usage.prompt + usage.output,
    },
    modelVersion: script.model ?? "gemini-2.5-flash",
    responseId: `fake-${counter}`,
  };
}

/** The data frames of a streamed answer: text in pieces, function calls whole in the last frame. */
export function geminiStreamFrames(script: FakeStreamScript): string[] {
  counter++;
  const usage = scriptUsage(script) ?? NO_USAGE;
  const frames: Record<string, unknown>[] = [];
  const reasoning = splitText(script.reasoning);
  const text = splitText(script.text);
  const pieces = reasoning.length + text.length;
  let sent = 0;
  const progress = () => ({ prompt: usage.inputTokens, output: Math.max(1, Math.round((usage.outputTokens * ++sent) / (pieces + 1))) });
  for (const piece of reasoning) frames.push(response([{ text: piece, thought: true }], script, progress()));
  for (const piece of text) frames.push(response([{ text: piece }], script, progress()));
  const calls: GeminiPart[] = (script.toolCalls ?? []).map((call) => ({
    functionCall: {
      name: call.name,
      args: typeof call.arguments === "string" ? (JSON.parse(call.arguments) as Record<string, unknown>) : call.arguments,
    },
  }));
  const finishReason = script.finishReason ?? "STOP";
  const final = { prompt: usage.inputTokens, output: usage.outputTokens };
  if (calls.length > 0 || frames.length === 0)
    frames.push(response(calls.length > 0 ? calls : [{ text: "" }], script, final, finishReason));
  else {
    const last = frames.at(-1) as ReturnType<typeof response>;
    Object.assign(last.candidates[0]!, { finishReason });
    last.usageMetadata = response([], script, final).usageMetadata;
  }
  return frames.map((data) => `data: ${JSON.stringify(data)}${GEMINI_FRAME_END}`);
}

function summarize(body: GeminiRequestBody): RequestSummary {
  const toolCalls: RequestSummary["toolCalls"] = [];
  const toolResults: RequestSummary["toolResults"] = [];
  let lastUserText = "";
  for (const content of body.contents ?? []) {
    const text = content.parts
      .filter((part) => typeof part.text === "string" && !part.thought)
      .map((part) => part.text)
      .join("");
    if (content.role === "user" && text !== "") lastUserText = text;
    for (const part of content.parts) {
      if (part.functionCall) toolCalls.push({ name: part.functionCall.name, args: part.functionCall.args ?? {} });
      if (part.functionResponse) {
        const value = part.functionResponse.response;
        // the output under `result` (our adapter), `output` (the key Gemini's docs name) or `content` (the AI SDK's)
        const key = ["result", "output", "content"].find((name) => name in value);
        const result = key !== undefined ? value[key] : value;
        toolResults.push({ name: part.functionResponse.name, content: typeof result === "string" ? result : JSON.stringify(result) });
      }
    }
  }
  return {
    model: undefined,
    temperature: body.generationConfig?.temperature,
    maxTokens: body.generationConfig?.maxOutputTokens,
    system: (body.systemInstruction?.parts ?? []).map((part) => part.text ?? "").join("\n\n"),
    toolNames: (body.tools ?? []).flatMap((tool) => (tool.functionDeclarations ?? []).map((declaration) => declaration.name)),
    toolCalls,
    toolResults,
    lastUserText,
  };
}

const pathOf = (request: RecordedRequest) => request.path.split("?")[0] ?? "";

const geminiWire: WireFormat<GeminiRequestBody> = {
  provider: "google",
  matches: (request) => request.method === "POST" && PATH.test(pathOf(request)),
  isStreaming: (_body, request) => pathOf(request).endsWith(":streamGenerateContent"),
  credential: (request) => header(request, "x-goog-api-key") ?? new URL(request.path, "http://fake").searchParams.get("key") ?? undefined,
  requiresKey: true,
  missingKeyStatus: 403,
  invalidKeyStatus: 400,
  rules: geminiRequestRules,
  invalidRequestBody: geminiInvalidRequestBody,
  frames: (script) => geminiStreamFrames(script),
  errorFrame: `data: ${JSON.stringify(geminiErrorBody(500))}${GEMINI_FRAME_END}`,
  malformedFrame: `data: {not json${GEMINI_FRAME_END}`,
  json(script) {
    const usage = scriptUsage(script) ?? NO_USAGE;
    const parts: GeminiPart[] = [];
    const text = splitText(script.text).join("");
    if (text !== "") parts.push({ text });
    for (const call of script.toolCalls ?? []) {
      parts.push({
        functionCall: { name: call.name, args: typeof call.arguments === "string" ? JSON.parse(call.arguments) : call.arguments },
      });
    }
    return response(parts, script, { prompt: usage.inputTokens, output: usage.outputTokens }, "STOP");
  },
  errorBody: geminiErrorBody,
  summarize,
  errorCases: httpErrorCases([
    [400, "API_KEY_INVALID", "provider_auth"],
    [401, "UNAUTHENTICATED"],
    [403, "PERMISSION_DENIED"],
    [429, "RESOURCE_EXHAUSTED"],
    [503, "UNAVAILABLE"],
    [500, "INTERNAL"],
  ]),
  midStreamErrorCode: "provider_error",
  // the model produced a function call Gemini could not parse
  errorFinishReason: "MALFORMED_FUNCTION_CALL",
};

export interface FakeGemini extends FakeProvider {
  /** What to give either Google SDK as its base URL (the origin). */
  readonly baseURL: string;
  bodies(): GeminiRequestBody[];
  /** The model named in the n-th generation request's path (default: the last). */
  modelOf(index?: number): string | undefined;
}

/**
 * A fake Gemini API server on 127.0.0.1:
 * `/v1beta/models/{model}:streamGenerateContent?alt=sse` with data-only frames ending in CRLF CRLF,
 * function calls whole and without ids, cumulative usage, `{"error": …}`
 * chunks mid-stream, and the real error bodies (400 API_KEY_INVALID, 429, 503).
 * Both `@google/genai` and `@google/generative-ai` talk to it. It refuses what
 * the real API refuses (`geminiRequestRules`) unless `validate: false`.
 */
export async function createFakeGemini(options: FakeProviderOptions = {}): Promise<FakeGemini> {
  const fake = await createFakeProvider(geminiWire, options);
  const generation = () => fake.requests.filter((request) => geminiWire.matches(request));
  return Object.assign(fake, {
    baseURL: fake.url,
    bodies: () => generation().map((request) => request.body as GeminiRequestBody),
    modelOf: (index?: number) => {
      const list = generation();
      const request = index === undefined ? list.at(-1) : list[index];
      return request ? PATH.exec(pathOf(request))?.[2] : undefined;
    },
  });
}
