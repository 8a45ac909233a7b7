import type { ServerResponse } from "node:http";
import { providerErrorCodeForStatus, type ProviderErrorCode } from "@copilot-runtime/protocol";
import { readFileSync } from "node:fs";
import { httpError, type FakeErrorScript, type FakeReplayScript, type FakeScript, type FakeStreamScript } from "./fake-script.js";
import { fixturePath } from "./fixtures.js";
import { sleep, startServer, type RecordedRequest } from "./http-server.js";
import { firstViolation } from "./fake-request.js";
import type { Rejection, RequestRule, Violation } from "./request-rules.js";

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

/**
 * The faults the adapter conformance suite checks. A provider that cannot produce one (or an adapter that
 * cannot report it) declares why, and the suite reports that check as skipped with the reason.
 */
export type ConformanceFault =
  | "http-401"
  | "http-403"
  | "http-429"
  | "http-5xx"
  | "mid-stream-error"
  | "error-finish-reason"
  | "cut-stream"
  | "malformed-frame"
  | "stall"
  | "refused-connection"
  | "request-validation";

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
  /** Requests the fake refused as the real API would (its request rules), in order. */
  readonly rejections: Rejection[];
  /** How many request rules the fake checks (0: it accepts any body, and request validation cannot be checked). */
  readonly requestRuleCount: number;
  /** The provider's own finish reason for a generation that failed (e.g. OpenAI-compatible servers' `"error"`), if it has one. */
  readonly errorFinishReason: string | undefined;
  /** Faults this provider cannot produce, with the reason (the conformance suite skips them, saying so). */
  readonly unsupportedFaults: Partial<Record<ConformanceFault, string>>;
  close(): Promise<void>;
}

/** Options every fake provider takes. */
export interface FakeProviderOptions {
  /**
   * Refuse the requests the real API refuses (a 400 with its real error body; see
   * the fake's request rules). Default true; false for a test that sends odd bodies on purpose.
   */
  validate?: boolean;
  /**
   * The one API key the fake accepts: any other, or none, is answered with the
   * provider's auth error, which echoes part of the key received. Default: any key
   * (and for OpenAI, none: the benchmark's direct client sends no key).
   */
  apiKey?: string;
}

/** What a wire format contributes to a fake provider. */
export interface WireFormat<Body> {
  provider: string;
  /** Whether a request is a generation request this fake answers. */
  matches(request: RecordedRequest): boolean;
  /** Whether the request asks for a stream (else a JSON answer is sent). */
  isStreaming(body: Body, request: RecordedRequest): boolean;
  /** The frames of a streamed answer: SSE text (complete, with their blank line), or binary (e.g. AWS event-stream messages). */
  frames(script: FakeStreamScript, body: Body, request: RecordedRequest): Frame[];
  /** Sent after the frames, if anything (e.g. `data: [DONE]`). */
  trailer?: Frame | ((request: RecordedRequest) => Frame);
  /** The provider's mid-stream error frame. */
  errorFrame: Frame;
  /** A frame whose data is not JSON, as this provider would frame it. Default `data: {not json`. */
  malformedFrame?: Frame;
  /** The JSON answer of a non-streaming request. */
  json(script: FakeStreamScript, body: Body): unknown;
  /** The provider's real error body for an HTTP status; auth errors echo part of `key`, the key the request carried. */
  errorBody(status: number, key?: string): unknown;
  summarize(body: Body): RequestSummary;
  errorCases: FakeProvider["errorCases"];
  midStreamErrorCode: ProviderErrorCode;
  /** The provider's own finish reason for a failed generation, if it has one. */
  errorFinishReason?: string;
  /** Faults this provider cannot produce, each with the reason. */
  unsupportedFaults?: Partial<Record<ConformanceFault, string>>;
  /** Headers of a streamed answer. */
  streamHeaders?: Record<string, string>;
  /** The API key a request carries. */
  credential?(request: RecordedRequest): string | undefined;
  /**
   * A provider's own authentication (e.g. AWS SigV4: the signature recomputed over the raw body): the answer to a
   * request it refuses, or undefined to let the request through. Checked before `credential`.
   */
  authenticate?(request: RecordedRequest): FakeErrorScript | undefined | Promise<FakeErrorScript | undefined>;
  /** Headers the provider sends with every error answer for a status (e.g. AWS's `x-amzn-errortype`). */
  errorHeaders?(status: number): Record<string, string>;
  /** Whether a request without a key is answered `missingKeyStatus` even when the fake has no `apiKey`. */
  requiresKey?: boolean;
  /** The status of a request without a key. Default 401. */
  missingKeyStatus?: number;
  /** The status of a request with a wrong key (`FakeProviderOptions.apiKey`). Default 401. */
  invalidKeyStatus?: number;
  /** The requests the real API refuses. */
  rules?: readonly RequestRule<Body>[];
  /** Whether the rules apply to a request (e.g. Chat Completions, not the Responses API). Default: all. */
  validates?(request: RecordedRequest): boolean;
  /** The provider's 400 body for a refused request. */
  invalidRequestBody?(violation: Violation): unknown;
}

/** One frame of a streamed answer: SSE text, or the bytes of a binary framing. */
export type Frame = string | Uint8Array;

/** A stream split after each blank line (LF or CRLF), so that the pieces join back into the exact bytes. */
function splitFrames(text: string): string[] {
  const frames: string[] = [];
  const separator = /\r\n\r\n|\n\n|\r\r/g;
  let start = 0;
  for (let match = separator.exec(text); match !== null; match = separator.exec(text)) {
    frames.push(text.slice(start, match.index + match[0].length));
    start = match.index + match[0].length;
  }
  if (start < text.length) frames.push(text.slice(start));
  return frames;
}

function startStream(res: ServerResponse, wire: WireFormat<never>, contentType = "text/event-stream; charset=utf-8"): void {
  res.writeHead(200, { "content-type": contentType, "cache-control": "no-cache", connection: "keep-alive", ...wire.streamHeaders });
  res.flushHeaders();
}

async function replay(res: ServerResponse, script: FakeReplayScript, wire: WireFormat<never>): Promise<void> {
  const frames = splitFrames(readFileSync(fixturePath(script.file), "utf8"));
  startStream(res, wire, script.contentType);
  for (const frame of frames) {
    if (script.delayMs) await sleep(script.delayMs);
    if (res.destroyed) return;
    res.write(frame);
  }
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

async function streamFrames(
  res: ServerResponse,
  frames: Frame[],
  script: FakeStreamScript,
  wire: WireFormat<never>,
  trailer: Frame,
): Promise<void> {
  startStream(res, wire);
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
export async function createFakeProvider<Body>(wire: WireFormat<Body>, options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const queue: FakeScript[] = [];
  let fallback: ((body: unknown, request: RecordedRequest) => FakeScript) | undefined;
  const requests: RecordedRequest[] = [];
  const generationRequests: RecordedRequest[] = [];
  const rejections: Rejection[] = [];

  /** The auth error for a request, if it gets one: no key, or not the one key the fake accepts. */
  function authError(request: RecordedRequest): { status: number; key: string | undefined } | undefined {
    if (wire.credential === undefined) return undefined;
    const key = wire.credential(request);
    if (key === undefined)
      return wire.requiresKey || options.apiKey !== undefined ? { status: wire.missingKeyStatus ?? 401, key } : undefined;
    if (options.apiKey !== undefined && key !== options.apiKey) return { status: wire.invalidKeyStatus ?? 401, key };
    return undefined;
  }

  /** The rule the body breaks, as the fake's 400 answer. */
  function rejection(body: Body, request: RecordedRequest): { status: number; body: unknown } | undefined {
    if (options.validate === false || wire.rules === undefined || wire.invalidRequestBody === undefined) return undefined;
    if (wire.validates && !wire.validates(request)) return undefined;
    const found = firstViolation(wire.rules, body, request);
    if (found === undefined) return undefined;
    rejections.push({ rule: found.rule, status: 400, message: found.violation.message });
    return { status: 400, body: wire.invalidRequestBody(found.violation) };
  }

  const started = await startServer(async (_req, res, recorded) => {
    if (!wire.matches(recorded)) {
      sendJson(res, 404, wire.errorBody(404));
      return;
    }
    generationRequests.push(recorded);
    const errorHeaders = (status: number, extra: Record<string, string> = {}) => ({ ...wire.errorHeaders?.(status), ...extra });
    const refusedAuth = await wire.authenticate?.(recorded);
    if (refusedAuth !== undefined) {
      sendJson(
        res,
        refusedAuth.status,
        refusedAuth.body ?? wire.errorBody(refusedAuth.status),
        errorHeaders(refusedAuth.status, refusedAuth.headers),
      );
      return;
    }
    const auth = authError(recorded);
    if (auth !== undefined) {
      sendJson(res, auth.status, wire.errorBody(auth.status, auth.key), errorHeaders(auth.status));
      return;
    }
    const key = wire.credential?.(recorded);
    const body = recorded.body as Body;
    // A scripted HTTP error stands for a failure before the request is read (auth, rate limit, outage).
    const refused = queue[0]?.kind === "error" ? undefined : rejection(body, recorded);
    if (refused !== undefined) {
      queue.shift(); // a refused request still uses up its answer, so that later requests get theirs
      sendJson(res, refused.status, refused.body, errorHeaders(refused.status));
      return;
    }
    const script: FakeScript = queue.shift() ?? fallback?.(body, recorded) ?? { kind: "error", status: 500, body: wire.errorBody(500) };
    if (script.kind === "error") {
      sendJson(res, script.status, script.body ?? wire.errorBody(script.status, key), errorHeaders(script.status, script.headers));
      return;
    }
    if (script.kind === "replay") {
      await replay(res, script, wire as WireFormat<never>);
      return;
    }
    if (!wire.isStreaming(body, recorded)) {
      sendJson(res, 200, wire.json(script, body));
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
    rejections,
    requestRuleCount: wire.rules?.length ?? 0,
    errorFinishReason: wire.errorFinishReason,
    unsupportedFaults: { ...wire.unsupportedFaults },
    close: started.close,
  };
  return fake;
}
