import type { AdapterPart, AdapterRequest, ProviderError, ServiceAdapter, Usage } from "@copilot-runtime/protocol";

/** One scripted LLM answer. */
export type ScriptedStep =
  | AdapterPart[]
  | {
      /** A string (split into word-sized deltas) or the exact deltas. */
      text?: string | string[];
      toolCalls?: { id?: string; name: string; args: string | Record<string, unknown> }[];
      usage?: Usage;
      /** Thrown after the text and tool calls were streamed. */
      error?: ProviderError | Error;
      /** Awaited before the answer starts. */
      hold?: Promise<void>;
    };

export interface ScriptedAdapterOptions {
  /** Answers used in order, one per LLM call. */
  steps?: ScriptedStep[];
  /** Answers LLM calls once `steps` are used up. */
  respond?: (request: AdapterRequest, call: number) => ScriptedStep;
  provider?: string;
  model?: string;
  /** Delay before each part, in ms. */
  delayMs?: number;
}

let ids = 0;

/** The parts of a step, as an adapter would stream them. */
export function partsOf(step: ScriptedStep): AdapterPart[] {
  if (Array.isArray(step)) return step;
  const parts: AdapterPart[] = [];
  const text = step.text ?? "";
  const pieces = Array.isArray(text) ? text : (text.match(/\s*\S+\s*$|\s*\S+/g) ?? []);
  for (const delta of pieces) parts.push({ type: "text-delta", delta });
  for (const call of step.toolCalls ?? []) {
    const toolCallId = call.id ?? `call_scripted_${++ids}`;
    const args = typeof call.args === "string" ? call.args : JSON.stringify(call.args);
    parts.push({ type: "tool-call-start", toolCallId, toolName: call.name });
    const half = Math.ceil(args.length / 2);
    if (args !== "") parts.push({ type: "tool-call-delta", toolCallId, argsDelta: args.slice(0, half) });
    if (args.length > half) parts.push({ type: "tool-call-delta", toolCallId, argsDelta: args.slice(half) });
    parts.push({ type: "tool-call-end", toolCallId });
  }
  if (step.usage) parts.push({ type: "usage", usage: step.usage });
  parts.push({ type: "finish", reason: (step.toolCalls ?? []).length > 0 ? "tool_calls" : "stop" });
  return parts;
}

const abortError = () => Object.assign(new Error("The operation was aborted."), { name: "AbortError" });

/**
 * A `ServiceAdapter` that answers from a script: the test double of an LLM,
 * and the embedded offline model of the demo. It records every request.
 */
export class ScriptedAdapter implements ServiceAdapter {
  readonly provider: string;
  readonly model: string;
  readonly requests: AdapterRequest[] = [];
  private readonly steps: ScriptedStep[];
  private readonly options: ScriptedAdapterOptions;

  constructor(options: ScriptedAdapterOptions = {}) {
    this.options = options;
    this.steps = [...(options.steps ?? [])];
    this.provider = options.provider ?? "scripted";
    this.model = options.model ?? "scripted-model";
  }

  async *stream(request: AdapterRequest): AsyncIterable<AdapterPart> {
    const call = this.requests.length;
    this.requests.push({ ...request, messages: structuredClone(request.messages) });
    const step = this.steps.shift() ?? this.options.respond?.(request, call);
    if (step === undefined) throw new Error(`ScriptedAdapter: no step scripted for LLM call #${call + 1}`);
    if (!Array.isArray(step) && step.hold) {
      await Promise.race([
        step.hold,
        new Promise<never>((_, reject) => {
          if (request.signal.aborted) reject(abortError());
          request.signal.addEventListener("abort", () => reject(abortError()), { once: true });
        }),
      ]);
    }
    for (const part of partsOf(step)) {
      if (request.signal.aborted) throw abortError();
      if (this.options.delayMs) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
      yield part;
    }
    if (!Array.isArray(step) && step.error) throw step.error;
  }
}
