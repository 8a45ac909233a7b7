import type { ServerResponse } from "node:http";
import { providerErrorCodeForStatus, type ProviderErrorCode } from "@copilot-runtime/protocol";
import { httpError, type FakeErrorScript, type FakeScript, type FakeStreamScript } from "./fake-script.js";
import { sleep, startServer, type RecordedRequest } from "./http-server.js";

/** What a provider request asked for, in provider-neutral terms (for assertions). */
export interface RequestSummary {
  model: string | undefined;
  temperature: number | undefined;
  maxTokens: number | undefined;
  /** All system text, joined. */
  system: string;
  toolNames: string[];
  /** Tool calls already in the conversation. */
  toolCalls: { id?: string; name: string; args: unknown }[];
  /** Tool results in the conversation. */
  toolResults: { id?: string; name?: string; content: string }[];
  /** Text of the last user turn. */
  lastUserText: string;
}

/** An HTTP error a provider is known for, with the code an adapter must report for it. */
export interface FakeErrorCase {
  name: string;
  script: FakeErrorScript;
  code: ProviderErrorCode;
}

/**
 * A fake provider's error cases from `[status, name]` pairs: the provider's
 * real error body for the status (`retry-after: 20` on a 429), and the code
 * `providerErrorCodeForStatus` gives, unless the pair names another.
 */
export function httpErrorCases(cases: readonly (readonly [status: number, name: string, code?: ProviderErrorCode])[]): FakeErrorCase[] {
  return cases.map(([status, name, code]) => ({
    name: `${status} ${name}`,
    script: httpError(status),
    code: code ?? providerErrorCodeForStatus(status),
  }));
}

/** A fake LLM provider server: scripted answers, recorded requests. */
export interface FakeProvider {
  readonly provider: string;
  /** The server origin, e.g. http://127.0.0.1:12345 */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Queues answers, used in order. */
  enqueue(...scripts: FakeScript[]): this;
  /** Answers requests when the queue is empty. */
  respond(fn: (body: unknown, request: RecordedRequest) => FakeScript): this;
  /** Provider-neutral view of the n-th generation request (default: the last). */
  summary(index?: number): RequestSummary;
  /** HTTP errors this provider is known for, with the code the adapter must report. */
  readonly errorCases: FakeErrorCase[];
  /** The code the adapter must report for the mid-stream error frame. */
  readonly midStreamErrorCode: ProviderErrorCode;
  close(): Promise<void>;
}

/** What a wire format contributes to a fake provider. */
export interface WireFormat<Body> {
  provider: string;
  /** Whether a request is a generation request this fake answers. */
  matches(request: RecordedRequest): boolean;
  /** Whether the request asks for a stream (else a JSON answer is sent). */
  isStreaming(body: Body, request: RecordedRequest): boolean;
  /** The SSE frames (complete, with their blank line) of a streamed answer. */
  frames(script: FakeStreamScript, body: Body, request: RecordedRequest): string[];
  /** Sent after the frames, if anything (e.g. `data: [DONE]`). */
  trailer?: string | ((request: RecordedRequest) => string);
  /** The provider's mid-stream error frame. */
  errorFrame: string;
  /** A frame whose data is not JSON, as this provider would frame it. Default `data: {not json`. */
  malformedFrame?: string;
  /** The JSON answer of a non-streaming request. */
  json(script: FakeStreamScript, body: Body): unknown;
  /** The provider's real error body for an HTTP status. */
  errorBody(status: number): unknown;
  summarize(body: Body): RequestSummary;
  errorCases: FakeProvider["errorCases"];
  midStreamErrorCode: ProviderErrorCode;
  /** Headers of a streamed answer. */
  streamHeaders?: Record<string, string>;
  /** Whether the request carries credentials; a request without is answered 401. */
  authorized?(request: RecordedRequest): boolean;
}

async function streamFrames(
  res: ServerResponse,
  frames: string[],
  script: FakeStreamScript,
  wire: WireFormat<never>,
  trailer: string,
): Promise<void> {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    ...wire.streamHeaders,
  });
  res.flushHeaders();
  for (let i = 0; i < frames.length; i++) {
    if (script.holdAfter === i) await (script.hold ?? new Promise<void>(() => undefined));
    if (res.destroyed) return;
    if (script.cutAfter === i) {
      res.socket?.destroy();
      return;
    }
    if (script.errorAfter === i) {
      res.end(wire.errorFrame);
      return;
    }
    if (script.malformedAfter === i) res.write(wire.malformedFrame ?? "data: {not json\n\n");
    if (script.delayMs) await sleep(script.delayMs);
    if (res.destroyed) return;
    res.write(frames[i]);
  }
  res.end(trailer);
}

/** Builds a fake provider server from a wire format. */
export async function createFakeProvider<Body>(wire: WireFormat<Body>): Promise<FakeProvider> {
  const queue: FakeScript[] = [];
  let fallback: ((body: unknown, request: RecordedRequest) => FakeScript) | undefined;
  const requests: RecordedRequest[] = [];
  const generationRequests: RecordedRequest[] = [];

  const started = await startServer(async (_req, res, recorded) => {
    if (!wire.matches(recorded)) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify(wire.errorBody(404)));
      return;
    }
    generationRequests.push(recorded);
    if (wire.authorized && !wire.authorized(recorded)) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify(wire.errorBody(401)));
      return;
    }
    const body = recorded.body as Body;
    const script: FakeScript = queue.shift() ?? fallback?.(body, recorded) ?? { kind: "error", status: 500, body: wire.errorBody(500) };
    if (script.kind === "error") {
      res.writeHead(script.status, { "content-type": "application/json", ...script.headers });
      res.end(JSON.stringify(script.body ?? wire.errorBody(script.status)));
      return;
    }
    if (!wire.isStreaming(body, recorded)) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(wire.json(script, body)));
      return;
    }
    const trailer = typeof wire.trailer === "function" ? wire.trailer(recorded) : (wire.trailer ?? "");
    await streamFrames(res, wire.frames(script, body, recorded), script, wire as WireFormat<never>, trailer);
  }, requests);

  const fake: FakeProvider = {
    provider: wire.provider,
    url: started.url,
    requests,
    enqueue(...scripts) {
      queue.push(...scripts);
      return fake;
    },
    respond(fn) {
      fallback = fn;
      return fake;
    },
    summary(index) {
      const request = index === undefined ? generationRequests.at(-1) : generationRequests[index];
      if (request === undefined) throw new Error(`${wire.provider} fake: no generation request #${index ?? "last"}`);
      return wire.summarize(request.body as Body);
    },
    errorCases: wire.errorCases,
    midStreamErrorCode: wire.midStreamErrorCode,
    close: started.close,
  };
  return fake;
}
