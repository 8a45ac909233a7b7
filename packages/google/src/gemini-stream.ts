import { ProviderError, type AdapterPart, type FinishReason, type Usage } from "@copilot-runtime/protocol";
import { streamChunkError, type GeminiErrorObject } from "./map-error.js";

/** The fields of a streamed `GenerateContentResponse` both SDKs share. */
export interface GeminiChunk {
  candidates?: {
    content?: {
      parts?: { text?: string; thought?: boolean; functionCall?: { id?: string; name?: string; args?: object } }[];
    };
    finishReason?: string;
  }[];
  usageMetadata?: {
    promptTokenCount?: number;
    candidatesTokenCount?: number;
    totalTokenCount?: number;
    cachedContentTokenCount?: number;
    thoughtsTokenCount?: number;
  };
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  /** The model that answered, and the answer's id. */
  modelVersion?: string;
  responseId?: string;
  /** A mid-stream failure (the legacy SDK yields it as a chunk). */
  error?: GeminiErrorObject;
}

const FINISH: Record<string, FinishReason> = {
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content_filter",
  RECITATION: "content_filter",
  BLOCKLIST: "content_filter",
  PROHIBITED_CONTENT: "content_filter",
  SPII: "content_filter",
  IMAGE_SAFETY: "content_filter",
  // the model produced a function call Gemini could not parse: the generation failed
  MALFORMED_FUNCTION_CALL: "error",
};

/** Turns Gemini chunks into adapter parts; function calls arrive whole and get minted ids. */
export class GeminiStreamState {
  private usage: Usage | undefined;
  private finish: FinishReason | undefined;
  private calls = 0;
  private described = false;

  constructor(private readonly apiKey?: string) {}

  *parts(chunk: GeminiChunk): Generator<AdapterPart> {
    if (chunk.error) throw streamChunkError(chunk.error, this.apiKey);
    if (!this.described && (chunk.modelVersion || chunk.responseId)) {
      this.described = true;
      const { modelVersion: model, responseId: id } = chunk;
      yield { type: "response-metadata", ...(model ? { model } : {}), ...(id ? { id } : {}) };
    }
    const usage = chunk.usageMetadata;
    if (usage) {
      this.usage = {
        ...(usage.promptTokenCount != null ? { inputTokens: usage.promptTokenCount } : {}),
        ...(usage.candidatesTokenCount != null ? { outputTokens: usage.candidatesTokenCount + (usage.thoughtsTokenCount ?? 0) } : {}),
        ...(usage.totalTokenCount != null ? { totalTokens: usage.totalTokenCount } : {}),
        ...(usage.cachedContentTokenCount != null ? { cachedInputTokens: usage.cachedContentTokenCount } : {}),
        ...(usage.thoughtsTokenCount != null ? { reasoningTokens: usage.thoughtsTokenCount } : {}),
      };
    }
    const candidate = chunk.candidates?.[0];
    if (candidate === undefined) {
      const blocked = chunk.promptFeedback?.blockReason;
      if (blocked) {
        const reason = chunk.promptFeedback?.blockReasonMessage;
        const message = `The Gemini API blocked the prompt (${blocked})${reason ? `: ${reason}` : ""}.`;
        throw new ProviderError("provider_bad_request", message, { provider: "google" });
      }
      return;
    }
    for (const part of candidate.content?.parts ?? []) {
      if (typeof part.text === "string" && part.text !== "") {
        yield part.thought === true ? { type: "reasoning-delta", delta: part.text } : { type: "text-delta", delta: part.text };
      }
      const call = part.functionCall;
      if (call?.name) {
        this.calls++;
        const toolCallId = call.id ?? `call_${crypto.randomUUID()}`;
        yield { type: "tool-call-start", toolCallId, toolName: call.name };
        yield { type: "tool-call-delta", toolCallId, argsDelta: JSON.stringify(call.args ?? {}) };
        yield { type: "tool-call-end", toolCallId };
      }
    }
    if (candidate.finishReason) this.finish = FINISH[candidate.finishReason] ?? "other";
  }

  *end(): Generator<AdapterPart> {
    if (this.usage) yield { type: "usage", usage: this.usage };
    yield {
      type: "finish",
      reason: this.calls > 0 && (this.finish === undefined || this.finish === "stop") ? "tool_calls" : (this.finish ?? "stop"),
    };
  }
}
