import { ProviderError, type AdapterPart, type FinishReason, type Usage } from "@copilot-runtime/protocol";
import { streamChunkError, type GeminiErrorObject } from "./map-error.js";

/** The fields of a streamed `GenerateContentResponse` both SDKs share. */
export interface GeminiChunk {
  candidates?: {
    content?: {
      parts?: { text?: string; thought?: boolean; functionCall?: { id?: string; name?: string; args?: object } }[];
    };
    finishReason?: string;
    /** A checkpoint to resume a long answer from (Gemini's continuation). */
    continuationToken?: string;
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

/** The usage counts we read, added up (an answer resumed by a further request is billed per request). */
function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = {};
  for (const key of ["inputTokens", "outputTokens", "totalTokens", "cachedInputTokens", "reasoningTokens"] as const) {
    if (a[key] != null || b[key] != null) sum[key] = (a[key] ?? 0) + (b[key] ?? 0);
  }
  return sum;
}

/** Turns Gemini chunks into adapter parts; function calls arrive whole and get minted ids. */
export class GeminiStreamState {
  private usage: Usage | undefined;
  /** The usage of the requests before this one, when an answer took more than one. */
  private usageBefore: Usage | undefined;
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
      const counts: Usage = {
        ...(usage.promptTokenCount != null ? { inputTokens: usage.promptTokenCount } : {}),
        ...(usage.candidatesTokenCount != null ? { outputTokens: usage.candidatesTokenCount + (usage.thoughtsTokenCount ?? 0) } : {}),
        ...(usage.totalTokenCount != null ? { totalTokens: usage.totalTokenCount } : {}),
        ...(usage.cachedContentTokenCount != null ? { cachedInputTokens: usage.cachedContentTokenCount } : {}),
        ...(usage.thoughtsTokenCount != null ? { reasoningTokens: usage.thoughtsTokenCount } : {}),
      };
      this.usage = this.usageBefore !== undefined ? addUsage(this.usageBefore, counts) : counts;
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
    // CONTINUATION: the answer goes on in a further request, whose finish reason counts
    if (candidate.finishReason && candidate.finishReason !== "CONTINUATION") this.finish = FINISH[candidate.finishReason] ?? "other";
  }

  /** The answer goes on in a further request: its usage (a running total per request) adds to this one's. */
  nextRequest(): void {
    this.usageBefore = this.usage;
  }

  *end(): Generator<AdapterPart> {
    if (this.usage) yield { type: "usage", usage: this.usage };
    yield {
      type: "finish",
      reason: this.calls > 0 && (this.finish === undefined || this.finish === "stop") ? "tool_calls" : (this.finish ?? "stop"),
    };
  }
}

/**
 * What one streamed request of an answer ended with, for Gemini's automatic continuation (what `@google/genai` does
 * when it reads the stream itself): an answer that ends without a finish reason, or with `CONTINUATION`, and left
 * a continuation token goes on from that token in a further request.
 */
export class GeminiRequestEnd {
  private token: string | undefined;
  private finishReason: string | undefined;
  private promptFeedback = false;

  observe(chunk: GeminiChunk): void {
    if (chunk.promptFeedback != null) this.promptFeedback = true;
    const candidate = chunk.candidates?.[0];
    if (candidate === undefined) return;
    if (candidate.finishReason !== undefined) this.finishReason = candidate.finishReason;
    if (candidate.continuationToken) this.token = candidate.continuationToken;
    else if (candidate.finishReason !== undefined && candidate.finishReason !== "CONTINUATION") this.token = undefined;
  }

  /** The token to resume the answer from, if it goes on. */
  get resumeToken(): string | undefined {
    const resumable = this.finishReason === undefined || this.finishReason === "CONTINUATION";
    return resumable && !this.promptFeedback ? this.token : undefined;
  }
}
