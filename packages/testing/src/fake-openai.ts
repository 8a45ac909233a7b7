import type { ServerResponse } from "node:http";
import { sleep, startServer, type RecordedRequest } from "./http-server.js";

export interface FakeToolCall {
  id?: string;
  name: string;
  /** A JSON string (sent as is, even when invalid) or an object to serialize. */
  arguments: string | Record<string, unknown>;
  /** How many fragments the arguments are split into. Default 3. */
  chunks?: number;
}

/** A scripted Chat Completions streaming answer. */
export interface OpenAIStreamScript {
  kind?: "stream";
  /** A string (split into word-sized chunks) or the exact chunks. */
  text?: string | string[];
  toolCalls?: FakeToolCall[];
  finishReason?: string;
  /** Token counts of the usage chunk (sent when the request asks for it); `false` never sends one. */
  usage?: { prompt_tokens: number; completion_tokens: number } | false;
  model?: string;
  /** Delay before each frame, in ms. */
  delayMs?: number;
  /** After this many frames, send `data: {"error": …}` (what OpenAI sends mid-stream) and end. */
  errorAfter?: number;
  /** After this many frames, destroy the socket (a stream that breaks mid-way). */
  cutAfter?: number;
  /** After this many frames, send a frame that is not JSON. */
  malformedAfter?: number;
  /** After this many frames, wait for `hold` (or forever) before going on. */
  holdAfter?: number;
  hold?: Promise<void>;
}

/** An HTTP error answer with OpenAI's error body. */
export interface OpenAIErrorScript {
  kind: "error";
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type OpenAIScript = OpenAIStreamScript | OpenAIErrorScript;

export interface ChatCompletionRequestBody {
  model: string;
  messages: Record<string, unknown>[];
  tools?: { type: "function"; function: { name: string; description?: string; parameters?: unknown } }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  stop?: string[];
  parallel_tool_calls?: boolean;
  [key: string]: unknown;
}

export interface FakeOpenAI {
  /** The server origin, e.g. http://127.0.0.1:12345 */
  url: string;
  /** What to give the `openai` client as `baseURL` (origin + "/v1"). */
  baseURL: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Queues answers, used in order. */
  enqueue(...scripts: OpenAIScript[]): FakeOpenAI;
  /** Answers requests when the queue is empty. */
  respond(fn: (body: ChatCompletionRequestBody, request: RecordedRequest) => OpenAIScript): FakeOpenAI;
  /** Bodies of the chat completion requests received. */
  bodies(): ChatCompletionRequestBody[];
  close(): Promise<void>;
}

const ERROR_BODIES: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: "Invalid request.", type: "invalid_request_error", code: null },
  401: {
    message: "Incorrect API key provided: sk-test-***************SECRET. You can find your API key at https://platform.openai.com/account/api-keys.",
    type: "invalid_request_error",
    code: "invalid_api_key",
  },
  403: { message: "You are not allowed to sample from this model", type: "invalid_request_error", code: null },
  404: { message: "The model `gpt-x` does not exist or you do not have access to it.", type: "invalid_request_error", code: "model_not_found" },
  429: { message: "Rate limit reached for gpt-4o in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1.", type: "requests", code: "rate_limit_exceeded" },
  500: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", code: null },
  503: { message: "The engine is currently overloaded, please try again later.", type: "server_error", code: null },
};

/** OpenAI's error envelope for a status. */
export function openaiErrorBody(status: number): { error: { message: string; type: string; param: null; code: string | null } } {
  const known = ERROR_BODIES[status] ?? { message: `Error ${status}`, type: "server_error", code: null };
  return { error: { ...known, param: null } };
}

/** An error answer; 429 comes with `retry-after`. */
export function openaiError(status: number, headers: Record<string, string> = {}): OpenAIErrorScript {
  return { kind: "error", status, headers: status === 429 ? { "retry-after": "20", ...headers } : headers };
}

/** A plain text answer. */
export function openaiText(text: string | string[], extra: Partial<OpenAIStreamScript> = {}): OpenAIStreamScript {
  return { text, ...extra };
}

/** An answer that calls tools (in parallel when several). */
export function openaiToolCalls(toolCalls: FakeToolCall[], extra: Partial<OpenAIStreamScript> = {}): OpenAIStreamScript {
  return { toolCalls, ...extra };
}

function splitText(text: string | string[]): string[] {
  if (Array.isArray(text)) return text;
  return text.match(/\s*\S+\s*$|\s*\S+/g) ?? (text === "" ? [] : [text]);
}

function splitArgs(args: string, parts: number): string[] {
  if (args === "" || parts <= 1) return [args];
  const size = Math.ceil(args.length / parts);
  const out: string[] = [];
  for (let i = 0; i < args.length; i += size) out.push(args.slice(i, i + size));
  return out;
}

let counter = 0;

/** The data frames (JSON objects) of a streamed answer, without `[DONE]`. */
export function openaiStreamChunks(script: OpenAIStreamScript, includeUsage: boolean): Record<string, unknown>[] {
  const id = `chatcmpl-fake${++counter}`;
  const model = script.model ?? "gpt-4o-2024-08-06";
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    id,
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model,
    system_fingerprint: "fp_fake",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const frames: Record<string, unknown>[] = [chunk({ role: "assistant", content: "", refusal: null })];
  for (const piece of splitText(script.text ?? "")) frames.push(chunk({ content: piece }));
  (script.toolCalls ?? []).forEach((call, index) => {
    const args = typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);
    frames.push(
      chunk({
        tool_calls: [{ index, id: call.id ?? `call_${counter}_${index}`, type: "function", function: { name: call.name, arguments: "" } }],
      }),
    );
    for (const fragment of splitArgs(args, call.chunks ?? 3)) {
      frames.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }));
    }
  });
  const finish = script.finishReason ?? ((script.toolCalls ?? []).length > 0 ? "tool_calls" : "stop");
  frames.push(chunk({}, finish));
  if (includeUsage && script.usage !== false) {
    const usage = script.usage ?? { prompt_tokens: 42, completion_tokens: 17 };
    frames.push({
      id,
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model,
      system_fingerprint: "fp_fake",
      choices: [],
      usage: {
        ...usage,
        total_tokens: usage.prompt_tokens + usage.completion_tokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
    });
  }
  return frames;
}

function nonStreamingBody(script: OpenAIStreamScript): Record<string, unknown> {
  const text = splitText(script.text ?? "").join("");
  const toolCalls = (script.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_${index}`,
    type: "function",
    function: { name: call.name, arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments) },
  }));
  const usage = script.usage === false ? undefined : (script.usage ?? { prompt_tokens: 42, completion_tokens: 17 });
  return {
    id: `chatcmpl-fake${++counter}`,
    object: "chat.completion",
    created: 1_700_000_000,
    model: script.model ?? "gpt-4o-2024-08-06",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: text === "" ? null : text, refusal: null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        logprobs: null,
        finish_reason: toolCalls.length ? "tool_calls" : "stop",
      },
    ],
    ...(usage ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } : {}),
  };
}

function writeFrame(res: ServerResponse, data: string): boolean {
  if (res.destroyed) return false;
  res.write(`data: ${data}\n\n`);
  return true;
}

async function streamAnswer(res: ServerResponse, script: OpenAIStreamScript, includeUsage: boolean): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive", "x-request-id": "req_fake" });
  res.flushHeaders();
  const frames = openaiStreamChunks(script, includeUsage);
  for (let i = 0; i < frames.length; i++) {
    if (script.holdAfter === i) await (script.hold ?? new Promise<void>(() => undefined));
    if (script.cutAfter === i) {
      res.socket?.destroy();
      return;
    }
    if (script.errorAfter === i) {
      writeFrame(res, JSON.stringify(openaiErrorBody(500)));
      res.end();
      return;
    }
    if (script.malformedAfter === i) writeFrame(res, "{not json");
    if (script.delayMs) await sleep(script.delayMs);
    if (!writeFrame(res, JSON.stringify(frames[i]))) return;
  }
  writeFrame(res, "[DONE]");
  res.end();
}

/**
 * A fake OpenAI server on 127.0.0.1 speaking the real Chat Completions
 * format: streamed text, parallel tool calls with arguments split across
 * chunks, the usage chunk, `[DONE]`, error bodies, mid-stream failures.
 */
export async function createFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: OpenAIScript[] = [];
  let fallback: ((body: ChatCompletionRequestBody, request: RecordedRequest) => OpenAIScript) | undefined;
  const requests: RecordedRequest[] = [];

  const started = await startServer(async (_req, res, recorded) => {
    if (recorded.method !== "POST" || !recorded.path.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `Unknown path ${recorded.path}`, type: "invalid_request_error", param: null, code: null } }));
      return;
    }
    const body = recorded.body as ChatCompletionRequestBody;
    const script = queue.shift() ?? fallback?.(body, recorded) ?? { kind: "error", status: 500, body: { error: { message: "fake-openai: no script queued", type: "server_error", param: null, code: null } } };
    if (script.kind === "error") {
      res.writeHead(script.status, { "content-type": "application/json", "x-request-id": "req_fake", ...script.headers });
      res.end(JSON.stringify(script.body ?? openaiErrorBody(script.status)));
      return;
    }
    if (body?.stream !== true) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(nonStreamingBody(script)));
      return;
    }
    await streamAnswer(res, script, body.stream_options?.include_usage === true);
  }, requests);

  const fake: FakeOpenAI = {
    url: started.url,
    baseURL: `${started.url}/v1`,
    requests,
    enqueue(...scripts) {
      queue.push(...scripts);
      return fake;
    },
    respond(fn) {
      fallback = fn;
      return fake;
    },
    bodies: () => requests.filter((r) => r.path.endsWith("/chat/completions")).map((r) => r.body as ChatCompletionRequestBody),
    close: started.close,
  };
  return fake;
}
