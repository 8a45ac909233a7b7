import { EventStreamCodec, type MessageHeaders } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { checkAwsSignature, type FakeAwsCredentials } from "./aws-sigv4-check.js";
import { bedrockRequestRules } from "./bedrock-request-rules.js";
import {
  createFakeProvider,
  httpErrorCases,
  type FakeProvider,
  type FakeProviderOptions,
  type RequestSummary,
  type WireFormat,
} from "./fake-provider.js";
import { argsText, NO_USAGE, scriptUsage, splitArgs, splitText, type FakeStreamScript } from "./fake-script.js";
import { isRecord } from "./fake-request.js";
import type { Violation } from "./request-rules.js";

/** A Converse / ConverseStream request body. */
export interface BedrockConverseRequestBody {
  messages: { role: "user" | "assistant"; content: Record<string, unknown>[] }[];
  system?: Record<string, unknown>[];
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: { tools: Record<string, unknown>[]; toolChoice?: Record<string, unknown> };
  additionalModelRequestFields?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The error types of Bedrock Runtime by HTTP status, with the messages it sends (body `{"message": …}`). */
const ERRORS: Record<number, [type: string, message: string]> = {
  400: ["ValidationException", "The provided model identifier is invalid."],
  403: ["UnrecognizedClientException", "The security token included in the request is invalid."],
  404: ["ResourceNotFoundException", "Could not resolve the foundation model from the provided model identifier."],
  408: ["ModelTimeoutException", "Model has timed out in processing the request. Try your request again."],
  424: ["ModelErrorException", "The model produced an invalid sequence as part of ToolUse."],
  429: ["ThrottlingException", "Too many requests, please wait before trying again."],
  500: ["InternalServerException", "The system encountered an unexpected error during processing. Try your request again."],
  503: ["ServiceUnavailableException", "Bedrock is unable to process your request."],
};

/** The `x-amzn-errortype` of a Bedrock error type, as AWS's front end writes it. */
const errorTypeHeader = (type: string) => `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`;

/** Bedrock's error body for a status. Bedrock never echoes a key: AWS errors do not. */
export function bedrockErrorBody(status: number): { message: string } {
  return { message: (ERRORS[status] ?? ["InternalServerException", `Error ${status}`])[1] };
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);
/** Random-looking padding: Bedrock adds a `p` field to every event so that sizes tell nothing about the text. */
const padding = (length: number) => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".slice(0, Math.max(1, length % 60));

/** One AWS event-stream message, encoded by the AWS SDK's own codec (prelude, headers, payload, both CRCs). */
export function bedrockEventFrame(eventType: string, payload: Record<string, unknown>): Uint8Array {
  const headers: MessageHeaders = {
    ":event-type": { type: "string", value: eventType },
    ":content-type": { type: "string", value: "application/json" },
    ":message-type": { type: "string", value: "event" },
  };
  const body = JSON.stringify({ ...payload, p: padding(JSON.stringify(payload).length) });
  return codec.encode({ headers, body: fromUtf8(body) });
}

/** An exception message of the stream (`:message-type: exception`), e.g. `modelStreamErrorException`. */
export function bedrockExceptionFrame(exceptionType: string, payload: Record<string, unknown>): Uint8Array {
  const headers: MessageHeaders = {
    ":exception-type": { type: "string", value: exceptionType },
    ":content-type": { type: "string", value: "application/json" },
    ":message-type": { type: "string", value: "exception" },
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(payload)) });
}

let counter = 0;

/** The event-stream messages of a ConverseStream answer: text, reasoning, tool calls with their input in pieces, stop, usage. */
export function bedrockStreamFrames(script: FakeStreamScript): Uint8Array[] {
  const frames: Uint8Array[] = [bedrockEventFrame("messageStart", { role: "assistant" })];
  let index = 0;
  const reasoning = splitText(script.reasoning);
  if (reasoning.length > 0) {
    for (const text of reasoning) {
      frames.push(bedrockEventFrame("contentBlockDelta", { contentBlockIndex: index, delta: { reasoningContent: { text } } }));
    }
    frames.push(
      bedrockEventFrame("contentBlockDelta", { contentBlockIndex: index, delta: { reasoningContent: { signature: "sig_fake" } } }),
    );
    frames.push(bedrockEventFrame("contentBlockStop", { contentBlockIndex: index }));
    index++;
  }
  const text = splitText(script.text);
  if (text.length > 0) {
    // text blocks have no contentBlockStart: their first delta opens them
    for (const piece of text) frames.push(bedrockEventFrame("contentBlockDelta", { contentBlockIndex: index, delta: { text: piece } }));
    frames.push(bedrockEventFrame("contentBlockStop", { contentBlockIndex: index }));
    index++;
  }
  for (const call of script.toolCalls ?? []) {
    const toolUseId = call.id ?? `tooluse_fake${++counter}_${index}`;
    frames.push(bedrockEventFrame("contentBlockStart", { contentBlockIndex: index, start: { toolUse: { toolUseId, name: call.name } } }));
    for (const input of splitArgs(argsText(call), call.chunks ?? 3)) {
      frames.push(bedrockEventFrame("contentBlockDelta", { contentBlockIndex: index, delta: { toolUse: { input } } }));
    }
    frames.push(bedrockEventFrame("contentBlockStop", { contentBlockIndex: index }));
    index++;
  }
  const stopReason = script.finishReason ?? ((script.toolCalls ?? []).length > 0 ? "tool_use" : "end_turn");
  frames.push(bedrockEventFrame("messageStop", { stopReason }));
  const usage = scriptUsage(script) ?? NO_USAGE;
  frames.push(
    bedrockEventFrame("metadata", {
      usage: {
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        totalTokens: usage.inputTokens + usage.outputTokens,
        ...(usage.cachedInputTokens !== undefined ? { cacheReadInputTokens: usage.cachedInputTokens } : {}),
      },
      metrics: { latencyMs: 120 },
    }),
  );
  return frames;
}

/** The model id of a Converse request path (`/model/{modelId}/converse-stream`), decoded. */
export function bedrockModelId(path: string): string | undefined {
  const match = /^\/model\/([^/]+)\/converse(-stream)?$/.exec(path.split("?")[0]!);
  return match?.[1] !== undefined ? decodeURIComponent(match[1]) : undefined;
}

function blockText(blocks: readonly Record<string, unknown>[] | undefined): string {
  return (blocks ?? []).flatMap((block) => (typeof block.text === "string" ? [block.text] : [])).join("\n");
}

function summarize(body: BedrockConverseRequestBody): RequestSummary {
  const toolCalls: RequestSummary["toolCalls"] = [];
  const toolResults: RequestSummary["toolResults"] = [];
  let lastUserText = "";
  for (const message of body.messages ?? []) {
    const text = blockText(message.content);
    if (message.role === "user" && text !== "") lastUserText = text;
    for (const block of message.content ?? []) {
      if (isRecord(block.toolUse)) {
        toolCalls.push({ id: String(block.toolUse.toolUseId), name: String(block.toolUse.name), args: block.toolUse.input });
      }
      if (isRecord(block.toolResult)) {
        const content = Array.isArray(block.toolResult.content) ? block.toolResult.content.filter(isRecord) : [];
        toolResults.push({
          id: String(block.toolResult.toolUseId),
          content: content.map((part) => (typeof part.text === "string" ? part.text : JSON.stringify(part.json ?? part))).join("\n"),
        });
      }
    }
  }
  return {
    model: undefined, // in the path, not the body
    temperature: body.inferenceConfig?.temperature,
    maxTokens: body.inferenceConfig?.maxTokens,
    system: blockText(body.system),
    toolNames: (body.toolConfig?.tools ?? []).flatMap((tool) =>
      isRecord(tool.toolSpec) && typeof tool.toolSpec.name === "string" ? [tool.toolSpec.name] : [],
    ),
    toolCalls,
    toolResults,
    lastUserText,
  };
}

/** The access key the fake Bedrock accepts by default (AWS's documented example key pair). */
export const FAKE_AWS_CREDENTIALS: FakeAwsCredentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

export interface FakeBedrockOptions extends Omit<FakeProviderOptions, "apiKey"> {
  /** The region requests must be signed for. Default `us-east-1`. */
  region?: string;
  /** The credentials the fake knows (requests signed with any other are refused). Default `[FAKE_AWS_CREDENTIALS]`. */
  credentials?: readonly FakeAwsCredentials[];
}

export interface FakeBedrock extends FakeProvider {
  /** What to give `@ai-sdk/amazon-bedrock` as `baseURL` (the origin: the provider adds `/model/{id}/converse-stream`). */
  readonly baseURL: string;
  readonly region: string;
  /** The first credentials the fake knows: sign with these. */
  readonly credentials: FakeAwsCredentials;
  /** Bodies of the Converse requests received. */
  bodies(): BedrockConverseRequestBody[];
}

function bedrockWire(region: string, credentials: readonly FakeAwsCredentials[]): WireFormat<BedrockConverseRequestBody> {
  return {
    provider: "amazon-bedrock",
    matches: (request) => request.method === "POST" && bedrockModelId(request.path) !== undefined,
    isStreaming: (_body, request) => request.path.split("?")[0]!.endsWith("/converse-stream"),
    async authenticate(request) {
      const failure = await checkAwsSignature(request, { credentials, region, service: "bedrock" });
      if (failure === undefined) return undefined;
      return {
        kind: "error",
        status: failure.status,
        body: { message: failure.message },
        headers: { "x-amzn-errortype": errorTypeHeader(failure.type) },
      };
    },
    errorHeaders: (status) => ({
      "x-amzn-requestid": "00000000-0000-4000-8000-000000000000",
      "x-amzn-errortype": errorTypeHeader((ERRORS[status] ?? ["InternalServerException"])[0]),
    }),
    rules: bedrockRequestRules,
    invalidRequestBody: (violation: Violation) => ({ message: violation.message }),
    frames: (script) => bedrockStreamFrames(script),
    errorFrame: bedrockExceptionFrame("modelStreamErrorException", {
      message: "The model encountered an error while streaming the response.",
      originalStatusCode: 500,
      originalMessage: "Internal error",
    }),
    // a well-framed event (both CRCs right) whose payload is not JSON
    malformedFrame: codec.encode({
      headers: {
        ":event-type": { type: "string", value: "contentBlockDelta" },
        ":content-type": { type: "string", value: "application/json" },
        ":message-type": { type: "string", value: "event" },
      },
      body: fromUtf8("{not json"),
    }),
    streamHeaders: { "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": "00000000-0000-4000-8000-000000000000" },
    json(script) {
      const usage = scriptUsage(script) ?? NO_USAGE;
      const content: Record<string, unknown>[] = [];
      const text = splitText(script.text).join("");
      if (text !== "") content.push({ text });
      for (const call of script.toolCalls ?? []) {
        content.push({ toolUse: { toolUseId: call.id ?? `tooluse_fake${++counter}`, name: call.name, input: JSON.parse(argsText(call)) } });
      }
      return {
        output: { message: { role: "assistant", content } },
        stopReason: script.finishReason ?? ((script.toolCalls ?? []).length > 0 ? "tool_use" : "end_turn"),
        usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.inputTokens + usage.outputTokens },
        metrics: { latencyMs: 120 },
      };
    },
    errorBody: (status) => bedrockErrorBody(status),
    summarize,
    errorCases: httpErrorCases([
      [403, "UnrecognizedClientException"],
      [429, "ThrottlingException"],
      [500, "InternalServerException"],
      [503, "ServiceUnavailableException"],
      [400, "ValidationException"],
      [404, "ResourceNotFoundException"],
      [408, "ModelTimeoutException"],
      [424, "ModelErrorException", "provider_error"],
    ]),
    midStreamErrorCode: "provider_error",
    errorFinishReason: "malformed_model_output",
    unsupportedFaults: {
      "http-401":
        "Bedrock Runtime answers every credential problem with 403 (UnrecognizedClientException, InvalidSignatureException, " +
        "ExpiredTokenException, AccessDeniedException); it has no 401",
    },
  };
}

/**
 * A fake Amazon Bedrock Runtime on 127.0.0.1 speaking the real ConverseStream format: AWS event-stream binary
 * messages (encoded with `@smithy/eventstream-codec`, the AWS SDK's codec), exception messages mid-stream, JSON error
 * bodies with `x-amzn-errortype`. Every request must carry a valid AWS Signature V4 for one of its credentials
 * (recomputed with `@smithy/signature-v4`): a bad signature, an unknown key, an expired session token or a stale
 * date is refused with a 403 as AWS does. It refuses what Converse refuses (`bedrockRequestRules`) unless `validate: false`.
 */
export async function createFakeBedrock(options: FakeBedrockOptions = {}): Promise<FakeBedrock> {
  const region = options.region ?? "us-east-1";
  const credentials = options.credentials ?? [FAKE_AWS_CREDENTIALS];
  if (credentials.length === 0) throw new Error("createFakeBedrock: give it at least one set of credentials");
  const wire = bedrockWire(region, credentials);
  const fake = await createFakeProvider(wire, options.validate !== undefined ? { validate: options.validate } : {});
  return Object.assign(fake, {
    baseURL: fake.url,
    region,
    credentials: credentials[0]!,
    bodies: () => fake.requests.filter((request) => wire.matches(request)).map((request) => request.body as BedrockConverseRequestBody),
  });
}
