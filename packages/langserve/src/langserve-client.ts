import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { ChainHeaders } from "@copilot-runtime/protocol";

/** A LangServe call that failed; its message is written for the LLM. */
export class LangServeError extends Error {
  override name = "LangServeError";
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

interface ValidationDetail {
  loc?: (string | number)[];
  msg?: string;
}

/** Why a call failed, for a message: the network error under a `fetch failed`, or the error's own message. */
export function errorReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

export async function resolveHeaders(headers: ChainHeaders | undefined): Promise<Record<string, string>> {
  if (headers === undefined) return {};
  return typeof headers === "function" ? await headers() : headers;
}

/** The base URL of a chain without a trailing slash. */
export function chainBase(chainUrl: string): string {
  return chainUrl.replace(/\/+$/, "");
}

async function failure(response: Response, name: string): Promise<LangServeError> {
  const text = await response.text().catch(() => "");
  if (response.status === 422) {
    try {
      const detail = (JSON.parse(text) as { detail?: ValidationDetail[] | string }).detail;
      if (Array.isArray(detail)) {
        const issues = detail.map((item) => `${(item.loc ?? []).filter((part) => part !== "body").join(".")}: ${item.msg ?? "invalid"}`);
        return new LangServeError(`the chain "${name}" rejected the input: ${issues.join("; ")}`, 422);
      }
    } catch {
      // not FastAPI's shape: fall through
    }
  }
  return new LangServeError(
    `the chain "${name}" answered HTTP ${response.status}${text ? `: ${text.slice(0, 300)}` : ""}`,
    response.status,
  );
}

/** The text of an output or chunk: strings as they are, serialized messages by their content, other values as JSON. */
export function outputText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value != null && typeof value === "object" && "content" in value) {
    const content = (value as { content: unknown }).content;
    if (typeof content === "string") return content;
    if (Array.isArray(content)) {
      return content
        .map((block: unknown) =>
          typeof block === "string" ? block : (((block as { text?: unknown } | null)?.text as string | undefined) ?? ""),
        )
        .join("");
    }
  }
  return JSON.stringify(value) ?? "";
}

export interface CallOptions {
  name: string;
  headers: Record<string, string>;
  signal: AbortSignal;
}

function post(url: string, input: unknown, options: CallOptions): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...options.headers },
    body: JSON.stringify({ input, config: {}, kwargs: {} }),
    signal: options.signal,
  }).catch((cause: unknown) => {
    if (options.signal.aborted) throw cause;
    throw new LangServeError(`the chain "${options.name}" could not be reached (${errorReason(cause)})`, undefined, { cause });
  });
}

/** `POST {chain}/invoke` → the chain's output (strings and messages as text, other values as they are). */
export async function invokeChain(chainUrl: string, input: unknown, options: CallOptions): Promise<unknown> {
  const response = await post(`${chainBase(chainUrl)}/invoke`, input, options);
  if (!response.ok) throw await failure(response, options.name);
  const body = (await response.json()) as { output?: unknown };
  const output = body.output;
  if (typeof output === "string" || (output != null && typeof output === "object" && "content" in output)) return outputText(output);
  return output ?? null;
}

/** `POST {chain}/stream` → the text of each `event: data` as it comes; `event: error` throws. */
export async function* streamChain(chainUrl: string, input: unknown, options: CallOptions): AsyncGenerator<string> {
  const response = await post(`${chainBase(chainUrl)}/stream`, input, options);
  if (!response.ok) throw await failure(response, options.name);
  if (response.body == null) return;
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => void pending.push(event) });
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (pending.length > 0) {
        const event = pending.shift()!;
        if (event.event === "end") return;
        if (event.event === "error") {
          let message = event.data;
          try {
            message = (JSON.parse(event.data) as { message?: string }).message ?? event.data;
          } catch {
            // keep the raw data
          }
          throw new LangServeError(`the chain "${options.name}" failed while streaming: ${message}`);
        }
        if (event.event === "data" || event.event === undefined) {
          const text = outputText(JSON.parse(event.data) as unknown);
          if (text !== "") yield text;
        }
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
