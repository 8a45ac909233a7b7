// A fake Template Provider server on 127.0.0.1 for the tests: it speaks the provider's wire format, answers what the
// tests script (text, tool calls, errors, cuts, stalls), and refuses what the real API refuses.
// TODO(template-provider): this speaks an OpenAI-like Chat Completions API. Make each part say what your provider's
// API says: its documented stream events (compare with src/fixtures/), error bodies, finish reasons and 400s.
import { contentText } from "@copilot-runtime/protocol";
import {
  argsText,
  createFakeProvider,
  echoedKey,
  httpErrorCases,
  scriptUsage,
  splitArgs,
  splitText,
  type FakeProvider,
  type FakeProviderOptions,
  type FakeStreamScript,
  type RecordedRequest,
  type RequestRule,
  type RequestSummary,
  type WireFormat,
} from "@copilot-runtime/testing";

/** The request body as the fake reads it (what the real API takes, not what the adapter sends). */
export interface FakeTemplateProviderBody {
  model?: string;
  messages?: Record<string, unknown>[];
  tools?: { type: string; function: { name: string } }[];
  stream?: boolean;
  temperature?: number;
  max_tokens?: number;
}

export interface FakeTemplateProvider extends FakeProvider {
  /** What to give the adapter as `baseURL`. */
  readonly baseURL: string;
}

/** The provider's error body. Auth errors echo part of the key the request carried, as real providers do. */
function errorBody(status: number, key?: string): { error: { message: string; type: string } } {
  if ((status === 401 || status === 403) && key !== undefined) {
    return { error: { message: `Incorrect API key provided: ${echoedKey(key)}.`, type: "authentication_error" } };
  }
  const type = status === 429 ? "rate_limit_error" : status >= 500 ? "server_error" : "invalid_request_error";
  return { error: { message: `Error ${status}`, type } };
}

const toolCallIds = (message: Record<string, unknown>): string[] =>
  Array.isArray(message.tool_calls) ? message.tool_calls.map((call: { id?: unknown }) => String(call.id)) : [];

/** The requests the real API refuses with a 400. TODO(template-provider): the ones your provider documents. */
const rules: readonly RequestRule<FakeTemplateProviderBody>[] = [
  {
    name: "empty-messages",
    rejects: "a request without messages",
    check: (body) => ((body.messages ?? []).length === 0 ? { message: "messages: at least one message is required" } : undefined),
  },
  {
    name: "tool-without-call",
    rejects: "a tool message that answers no call of the assistant message before it",
    check(body) {
      let open: string[] = [];
      for (const [index, message] of (body.messages ?? []).entries()) {
        if (message.role === "assistant") open = toolCallIds(message);
        else if (message.role === "tool" && !open.includes(String(message.tool_call_id))) {
          return { message: `messages[${index}]: a tool message must answer a tool call of the assistant message before it` };
        } else if (message.role !== "tool") open = [];
      }
      return undefined;
    },
  },
];

/** The `data:` frames of a streamed answer. TODO(template-provider): your provider's stream events. */
function frames(script: FakeStreamScript): string[] {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    id: "chatcmpl-fake",
    object: "chat.completion.chunk",
    model: script.model ?? "fake-model",
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const chunks: Record<string, unknown>[] = [chunk({ role: "assistant", content: "" })];
  for (const piece of splitText(script.text)) chunks.push(chunk({ content: piece }));
  (script.toolCalls ?? []).forEach((call, index) => {
    const id = call.id ?? `call_fake_${index}`;
    chunks.push(chunk({ tool_calls: [{ index, id, type: "function", function: { name: call.name, arguments: "" } }] }));
    for (const fragment of splitArgs(argsText(call), call.chunks ?? 3)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }));
    }
  });
  chunks.push(chunk({}, script.finishReason ?? ((script.toolCalls ?? []).length > 0 ? "tool_calls" : "stop")));
  const usage = scriptUsage(script);
  if (usage !== undefined) {
    const { inputTokens, outputTokens } = usage;
    chunks.push({ ...chunk({}), choices: [], usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens } });
  }
  return chunks.map((data) => `data: ${JSON.stringify(data)}\n\n`);
}

/** What a request asked for, in the terms the conformance suite checks. */
function summarize(body: FakeTemplateProviderBody): RequestSummary {
  const summary: RequestSummary = {
    model: body.model,
    temperature: body.temperature,
    maxTokens: body.max_tokens,
    system: "",
    toolNames: (body.tools ?? []).map((tool) => tool.function.name),
    toolCalls: [],
    toolResults: [],
    lastUserText: "",
  };
  const system: string[] = [];
  for (const message of body.messages ?? []) {
    if (message.role === "system") system.push(contentText(message.content));
    if (message.role === "user") summary.lastUserText = contentText(message.content);
    if (message.role === "tool") summary.toolResults.push({ id: String(message.tool_call_id), content: contentText(message.content) });
    const calls = (message.tool_calls ?? []) as { id: string; function: { name: string; arguments: string } }[];
    for (const call of calls) {
      let args: unknown = call.function.arguments;
      try {
        args = JSON.parse(call.function.arguments);
      } catch {
        // keep the raw text
      }
      summary.toolCalls.push({ id: call.id, name: call.function.name, args });
    }
  }
  summary.system = system.join("\n\n");
  return summary;
}

/** What the provider sends when a generation fails after the stream started. */
const STREAM_ERROR = { error: { message: "The server had an error processing your request.", type: "server_error" } };

const isChatRequest = (request: RecordedRequest) => request.method === "POST" && request.path.split("?")[0] === "/v1/chat/completions";

const wire: WireFormat<FakeTemplateProviderBody> = {
  provider: "template-provider",
  matches: isChatRequest,
  isStreaming: (body) => body.stream === true,
  frames,
  trailer: "data: [DONE]\n\n",
  errorFrame: `data: ${JSON.stringify(STREAM_ERROR)}\n\n`,
  json: (script) => ({ choices: [{ index: 0, message: { role: "assistant", content: splitText(script.text).join("") } }] }),
  errorBody,
  credential: (request) => /^Bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ""))?.[1],
  requiresKey: true,
  rules,
  invalidRequestBody: (violation) => ({ error: { message: violation.message, type: "invalid_request_error" } }),
  summarize,
  // the HTTP errors the provider answers with, and the code the adapter must report for each
  errorCases: httpErrorCases([
    [401, "invalid api key"],
    [403, "permission denied"],
    [429, "rate limited"],
    [400, "invalid request"],
    [500, "server error"],
    [503, "overloaded"],
  ]),
  midStreamErrorCode: "provider_error",
  // the finish reason of a generation that failed (OpenAI-compatible servers send "error")
  errorFinishReason: "error",
  // Faults your provider cannot produce, each with the reason; the conformance suite reports them as skipped.
  unsupportedFaults: {},
};

/** Starts the fake Template Provider server. */
export async function createFakeTemplateProvider(options: FakeProviderOptions = {}): Promise<FakeTemplateProvider> {
  const fake = await createFakeProvider(wire, options);
  return Object.assign(fake, { baseURL: `${fake.url}/v1` });
}
