import { contentText } from "@copilot-runtime/protocol";
import { createFakeProvider, httpErrorCases, type FakeProvider, type FakeProviderOptions, type WireFormat } from "./fake-provider.js";
import type { RecordedRequest } from "./http-server.js";
import { argsText, scriptUsage, splitArgs, splitText, type FakeStreamScript } from "./fake-script.js";
import { openaiRequestRules } from "./openai-request-rules.js";
import { bearerToken, header } from "./fake-request.js";
import { echoedKey, type Violation } from "./request-rules.js";

export interface ChatCompletionRequestBody {
  model: string;
  messages: Record<string, unknown>[];
  tools?: { type: "function"; function: { name: string; description?: string; parameters?: unknown } }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  top_p?: number;
  stop?: string[];
  parallel_tool_calls?: boolean;
  [key: string]: unknown;
}

export interface FakeOpenAI extends FakeProvider {
  /** What to give the `openai` client as `baseURL` (origin + "/v1"). */
  readonly baseURL: string;
  /** Bodies of the chat completion requests received. */
  bodies(): ChatCompletionRequestBody[];
}

const ERROR_BODIES: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: "Invalid request.", type: "invalid_request_error", code: null },
  401: {
    message:
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
      "(i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.",
    type: "invalid_request_error",
    code: null,
  },
  403: { message: "You are not allowed to sample from this model", type: "invalid_request_error", code: null },
  404: {
    message: "The model `gpt-x` does not exist or you do not have access to it.",
    type: "invalid_request_error",
    code: "model_not_found",
  },
  429: {
    message: "Rate limit reached for gpt-4o in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1.",
    type: "requests",
    code: "rate_limit_exceeded",
  },
  500: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", code: null },
  503: { message: "The engine is currently overloaded, please try again later.", type: "server_error", code: null },
};

/** The auth errors for a request that carried `key`: they echo it the way OpenAI does (first 8 and last 4 characters). */
function keyErrorBody(status: number, key: string): { message: string; type: string; code: string | null } | undefined {
  if (status === 401) {
    return {
      message: `Incorrect API key provided: ${echoedKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      type: "invalid_request_error",
      code: "invalid_api_key",
    };
  }
  if (status === 403) {
    return {
      message: `The API key ${echoedKey(key)} is not allowed to sample from this model.`,
      type: "invalid_request_error",
      code: null,
    };
  }
  return undefined;
}

/** OpenAI's error envelope for a status; 401 and 403 echo part of `key`, the key the request carried. */
export function openaiErrorBody(
  status: number,
  key?: string,
): { error: { message: string; type: string; param: string | null; code: string | null } } {
  const known = (key !== undefined ? keyErrorBody(status, key) : undefined) ??
    ERROR_BODIES[status] ?? { message: `Error ${status}`, type: "server_error", code: null };
  return { error: { ...known, param: null } };
}

/** OpenAI's 400 for a refused request. */
export function openaiInvalidRequestBody(violation: Violation): ReturnType<typeof openaiErrorBody> {
  return {
    error: { message: violation.message, type: "invalid_request_error", param: violation.param ?? null, code: violation.code ?? null },
  };
}

let counter = 0;

/** The data frames (JSON objects) of a streamed Chat Completions answer, without `[DONE]`. */
export function openaiStreamChunks(script: FakeStreamScript, includeUsage: boolean): Record<string, unknown>[] {
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
  for (const piece of splitText(script.text)) frames.push(chunk({ content: piece }));
  (script.toolCalls ?? []).forEach((call, index) => {
    frames.push(
      chunk({
        tool_calls: [{ index, id: call.id ?? `call_${counter}_${index}`, type: "function", function: { name: call.name, arguments: "" } }],
      }),
    );
    for (const fragment of splitArgs(argsText(call), call.chunks ?? 3)) {
      frames.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }));
    }
  });
  const finish = script.finishReason ?? ((script.toolCalls ?? []).length > 0 ? "tool_calls" : "stop");
  frames.push(chunk({}, finish));
  const usage = scriptUsage(script);
  if (includeUsage && usage !== undefined) {
    frames.push({
      id,
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model,
      system_fingerprint: "fp_fake",
      choices: [],
      usage: {
        prompt_tokens: usage.inputTokens,
        completion_tokens: usage.outputTokens,
        total_tokens: usage.inputTokens + usage.outputTokens,
        prompt_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
    });
  }
  return frames;
}

/** An Azure OpenAI deployment URL: `/openai/deployments/{deployment}/chat/completions?api-version=…`. */
export const isAzureOpenAIRequest = (request: RecordedRequest) => /^\/openai\/deployments\/[^/]+\//.test(request.path);

/** Azure OpenAI's answers to a request it refuses before reading it (its own error shape: `code` is a string). */
const AZURE_ERRORS = {
  404: { error: { code: "404", message: "Resource not found" } },
  401: {
    error: {
      code: "401",
      message:
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active " +
        "subscription and use a correct regional API endpoint for your resource.",
    },
  },
};

/** Azure mode: the deployment URL needs `api-version` (else 404, as Azure answers) and a key in `api-key` (or an Entra ID bearer token). */
function azureRefusal(request: RecordedRequest) {
  if (!isAzureOpenAIRequest(request)) return undefined;
  const query = new URLSearchParams(request.path.split("?")[1] ?? "");
  if (!query.get("api-version")) return { kind: "error" as const, status: 404, body: AZURE_ERRORS[404] };
  if (header(request, "api-key") === undefined && bearerToken(request) === undefined) {
    return { kind: "error" as const, status: 401, body: AZURE_ERRORS[401] };
  }
  return undefined;
}

const isResponsesApi = (request: RecordedRequest) => request.path.split("?")[0]!.endsWith("/responses");

/** The frames of a streamed Responses API answer (`event:` + `data:`, no `[DONE]`), as the AI SDK and `client.responses` read them. */
export function openaiResponsesFrames(script: FakeStreamScript): string[] {
  const id = `resp_fake${++counter}`;
  const model = script.model ?? "gpt-4o-2024-08-06";
  let sequence = 0;
  const frames: string[] = [];
  const emit = (type: string, data: Record<string, unknown>) =>
    frames.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`);
  const usage = scriptUsage(script);
  const base = {
    id,
    object: "response",
    created_at: 1_700_000_000,
    model,
    output: [] as unknown[],
    parallel_tool_calls: true,
    tool_choice: "auto",
    tools: [],
  };
  emit("response.created", { response: { ...base, status: "in_progress" } });
  emit("response.in_progress", { response: { ...base, status: "in_progress" } });
  const output: Record<string, unknown>[] = [];
  let index = 0;
  const pieces = splitText(script.text);
  if (pieces.length > 0) {
    const itemId = `msg_fake${counter}`;
    const text = pieces.join("");
    emit("response.output_item.added", {
      output_index: index,
      item: { id: itemId, type: "message", status: "in_progress", role: "assistant", content: [] },
    });
    emit("response.content_part.added", {
      item_id: itemId,
      output_index: index,
      content_index: 0,
      part: { type: "output_text", text: "", annotations: [] },
    });
    for (const delta of pieces)
      emit("response.output_text.delta", { item_id: itemId, output_index: index, content_index: 0, delta, logprobs: [] });
    emit("response.output_text.done", { item_id: itemId, output_index: index, content_index: 0, text, logprobs: [] });
    emit("response.content_part.done", {
      item_id: itemId,
      output_index: index,
      content_index: 0,
      part: { type: "output_text", text, annotations: [] },
    });
    const item = {
      id: itemId,
      type: "message",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text, annotations: [] }],
    };
    emit("response.output_item.done", { output_index: index, item });
    output.push(item);
    index++;
  }
  for (const call of script.toolCalls ?? []) {
    const itemId = `fc_fake${counter}_${index}`;
    const callId = call.id ?? `call_${counter}_${index}`;
    const args = argsText(call);
    emit("response.output_item.added", {
      output_index: index,
      item: { id: itemId, type: "function_call", status: "in_progress", call_id: callId, name: call.name, arguments: "" },
    });
    for (const delta of splitArgs(args, call.chunks ?? 3))
      emit("response.function_call_arguments.delta", { item_id: itemId, output_index: index, delta });
    emit("response.function_call_arguments.done", { item_id: itemId, output_index: index, arguments: args });
    const item = { id: itemId, type: "function_call", status: "completed", call_id: callId, name: call.name, arguments: args };
    emit("response.output_item.done", { output_index: index, item });
    output.push(item);
    index++;
  }
  emit("response.completed", {
    response: {
      ...base,
      status: "completed",
      output,
      ...(usage
        ? {
            usage: {
              input_tokens: usage.inputTokens,
              input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
              output_tokens: usage.outputTokens,
              output_tokens_details: { reasoning_tokens: 0 },
              total_tokens: usage.inputTokens + usage.outputTokens,
            },
          }
        : {}),
    },
  });
  return frames;
}

const openaiWire: WireFormat<ChatCompletionRequestBody> = {
  provider: "openai",
  matches: (request) => request.method === "POST" && (request.path.split("?")[0]!.endsWith("/chat/completions") || isResponsesApi(request)),
  isStreaming: (body) => body?.stream === true,
  frames: (script, body, request) =>
    isResponsesApi(request)
      ? openaiResponsesFrames(script)
      : openaiStreamChunks(script, body.stream_options?.include_usage === true).map((frame) => `data: ${JSON.stringify(frame)}\n\n`),
  trailer: (request) => (isResponsesApi(request) ? "" : "data: [DONE]\n\n"),
  errorFrame: `data: ${JSON.stringify(openaiErrorBody(500))}\n\n`,
  json(script) {
    const text = splitText(script.text).join("");
    const toolCalls = (script.toolCalls ?? []).map((call, index) => ({
      id: call.id ?? `call_${index}`,
      type: "function",
      function: { name: call.name, arguments: argsText(call) },
    }));
    const usage = scriptUsage(script);
    return {
      id: `chatcmpl-fake${++counter}`,
      object: "chat.completion",
      created: 1_700_000_000,
      model: script.model ?? "gpt-4o-2024-08-06",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: text === "" ? null : text,
            refusal: null,
            ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: toolCalls.length ? "tool_calls" : "stop",
        },
      ],
      ...(usage
        ? {
            usage: {
              prompt_tokens: usage.inputTokens,
              completion_tokens: usage.outputTokens,
              total_tokens: usage.inputTokens + usage.outputTokens,
            },
          }
        : {}),
    };
  },
  errorBody: openaiErrorBody,
  credential: (request) => (isAzureOpenAIRequest(request) ? (header(request, "api-key") ?? bearerToken(request)) : bearerToken(request)),
  authenticate: azureRefusal,
  rules: openaiRequestRules,
  validates: (request) => !isResponsesApi(request),
  invalidRequestBody: openaiInvalidRequestBody,
  summarize(body) {
    const toolCalls: { id?: string; name: string; args: unknown }[] = [];
    const toolResults: { id?: string; content: string }[] = [];
    let lastUserText = "";
    const system: string[] = [];
    for (const message of body.messages ?? []) {
      if (message.role === "system" || message.role === "developer") system.push(contentText(message.content));
      if (message.role === "user") lastUserText = contentText(message.content);
      if (message.role === "tool") toolResults.push({ id: String(message.tool_call_id), content: contentText(message.content) });
      for (const call of (message.tool_calls as { id: string; function: { name: string; arguments: string } }[] | undefined) ?? []) {
        let args: unknown = call.function.arguments;
        try {
          args = JSON.parse(call.function.arguments);
        } catch {
          // keep the raw text
        }
        toolCalls.push({ id: call.id, name: call.function.name, args });
      }
    }
    return {
      model: body.model,
      temperature: body.temperature,
      maxTokens: body.max_tokens ?? body.max_completion_tokens,
      system: system.join("\n\n"),
      toolNames: (body.tools ?? []).map((tool) => tool.function.name),
      toolCalls,
      toolResults,
      lastUserText,
    };
  },
  errorCases: httpErrorCases([
    [401, "invalid_api_key"],
    [403, "permission denied"],
    [429, "rate_limit_exceeded"],
    [500, "server_error"],
    [503, "overloaded"],
  ]),
  midStreamErrorCode: "provider_error",
  // what OpenAI-compatible servers (vLLM, some gateways) send for a generation that failed
  errorFinishReason: "error",
  streamHeaders: { "x-request-id": "req_fake" },
};

/**
 * A fake OpenAI server on 127.0.0.1 speaking the real Chat Completions
 * format: streamed text, parallel tool calls with arguments split across
 * chunks, the usage chunk, `[DONE]`, error bodies, mid-stream failures.
 * It refuses what the real API refuses (`openaiRequestRules`) unless `validate: false`. It also answers Azure OpenAI's
 * deployment URLs (`/openai/deployments/{deployment}/chat/completions`), which need `api-version` and an `api-key`
 * header, and any base path an OpenAI-compatible server uses (Groq's `/openai/v1`, Ollama's and vLLM's `/v1`).
 */
export async function createFakeOpenAI(options: FakeProviderOptions = {}): Promise<FakeOpenAI> {
  const fake = await createFakeProvider(openaiWire, options);
  return Object.assign(fake, {
    baseURL: `${fake.url}/v1`,
    bodies: () =>
      fake.requests.filter((request) => openaiWire.matches(request)).map((request) => request.body as ChatCompletionRequestBody),
  });
}
