// The suite every framework binding passes, over real HTTP on 127.0.0.1.
// Import it from "@copilot-runtime/testing/conformance" inside a vitest test file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AdapterPart, type AdapterRequest, type ServiceAdapter } from "@copilot-runtime/protocol";
import { verifyEvents } from "./verify-events.js";
import { parseSSE, textOf as textOfEvents } from "./collect-events.js";

export interface MountedRuntime {
  /** The server origin, e.g. "http://127.0.0.1:4321". */
  url: string;
  close(): Promise<void>;
}

export interface BindingConformanceOptions<R> {
  /** Shown in the test names, e.g. "express 5". */
  name: string;
  /** `(options) => new CopilotRuntime(options)` from `@copilot-runtime/core`. */
  createRuntime: (options: { maxBodyBytes: number; keepAliveMs: number }) => R;
  /** Serves the runtime with the binding under test at `endpoint`, on 127.0.0.1. */
  mount: (params: { runtime: R; serviceAdapter: ServiceAdapter; endpoint: string }) => Promise<MountedRuntime>;
  /** Where to mount. Default "/api/copilotkit". */
  endpoint?: string;
}

/** Body limit the suite configures, to test both sides of it. */
export const BINDING_SUITE_MAX_BODY = 64 * 1024;
/** The keep-alive interval the suite configures: short, so a held run shows its comments. */
export const BINDING_SUITE_KEEP_ALIVE_MS = 50;

/**
 * An LLM for binding tests: "echo:<text>" answers <text> in pieces; "hold"
 * answers "first" and then waits for `release()` or an abort.
 */
export class BindingTestAdapter implements ServiceAdapter {
  readonly provider = "binding-test";
  readonly model = "binding-test";
  readonly signals: AbortSignal[] = [];
  private releases: (() => void)[] = [];

  release(): void {
    for (const release of this.releases.splice(0)) release();
  }

  async *stream(request: AdapterRequest): AsyncIterable<AdapterPart> {
    this.signals.push(request.signal);
    const last = request.messages.at(-1);
    const text = last && last.role === "user" && typeof last.content === "string" ? last.content : "";
    if (text === "hold") {
      yield { type: "text-delta", delta: "first" };
      await new Promise<void>((resolve, reject) => {
        this.releases.push(resolve);
        request.signal.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })), { once: true });
      });
      yield { type: "text-delta", delta: " then the rest" };
    } else if (text.startsWith("echo:")) {
      const echo = text.slice(5);
      const size = Math.max(3, Math.ceil(echo.length / 8));
      for (let at = 0; at < echo.length; at += size) {
        const piece = echo.slice(at, at + size);
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield { type: "text-delta", delta: piece };
      }
    } else {
      yield { type: "text-delta", delta: "ok" };
    }
    yield { type: "finish", reason: "stop" };
  }
}

async function waitFor<T>(get: () => T | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = get();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Registers the conformance suite for one framework binding. */
export function describeBindingConformance<R>(options: BindingConformanceOptions<R>): void {
  const endpoint = options.endpoint ?? "/api/copilotkit";
  describe(`${options.name} binding conformance`, () => {
    const adapter = new BindingTestAdapter();
    let mounted: MountedRuntime;
    let base: string;

    beforeAll(async () => {
      mounted = await options.mount({
        runtime: options.createRuntime({ maxBodyBytes: BINDING_SUITE_MAX_BODY, keepAliveMs: BINDING_SUITE_KEEP_ALIVE_MS }),
        serviceAdapter: adapter,
        endpoint,
      });
      base = `${mounted.url}${endpoint}`;
    });
    afterAll(async () => {
      adapter.release();
      await mounted?.close();
    });

    const input = (text: string, threadId = `thread-${crypto.randomUUID()}`) => ({
      threadId,
      runId: `run-${crypto.randomUUID()}`,
      messages: [{ id: "u1", role: "user", content: text }],
    });
    const run = (body: unknown, init: RequestInit = {}, path = "/agent/default/run") =>
      fetch(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
        ...init,
      });
    const textOf = (sse: string) => textOfEvents(parseSSE(sse));

    it("serves /info under the base path, with or without a trailing slash", async () => {
      for (const path of ["/info", "/info/"]) {
        const response = await fetch(`${base}${path}`);
        expect(response.status, path).toBe(200);
        expect(((await response.json()) as { agents: Record<string, unknown> }).agents).toHaveProperty("default");
      }
    });

    it("streams a run and answers the single-route envelope at the base path", async () => {
      const response = await run(input("echo:hello world"), {}, "/agent/default/run/");
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/event-stream");
      const sse = await response.text();
      verifyEvents(parseSSE(sse));
      expect(textOf(sse)).toBe("hello world");

      const envelope = await fetch(base, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ method: "info" }),
      });
      expect(envelope.status).toBe(200);
      expect(await envelope.json()).toMatchObject({ agents: { default: expect.any(Object) } });
    });

    it("does not buffer: the first event arrives while the LLM still holds the rest", async () => {
      const response = await run(input("hold"));
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = "";
      while (!text.includes('"delta":"first"')) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended early: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
      expect(text).not.toContain("RUN_FINISHED");
      adapter.release();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      verifyEvents(parseSSE(text));
      expect(textOf(text)).toBe("first then the rest");
    });

    it("keeps a quiet stream alive with comments, which the event stream ignores", async () => {
      const response = await run(input("hold"));
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = "";
      // the model holds its answer: comments come while nothing else does
      while ((text.match(/^: ping$/gm) ?? []).length < 2) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended early: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
      adapter.release();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      expect(text).toMatch(/\n\n: ping\n\n/);
      verifyEvents(parseSSE(text));
      expect(textOf(text)).toBe("first then the rest");
    });

    it("aborts the upstream LLM call when the client disconnects", async () => {
      const controller = new AbortController();
      const before = adapter.signals.length;
      const response = await run(input("hold"), { signal: controller.signal });
      const reader = response.body!.getReader();
      await reader.read();
      const signal = await waitFor(() => adapter.signals[before]);
      controller.abort();
      await waitFor(() => signal.aborted);
      expect(signal.aborted).toBe(true);
    });

    it("answers 404 for an unknown route and 405 with Allow for a wrong method", async () => {
      const missing = await run(input("x"), {}, "/agent/default/dance");
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error: "not_found" });
      const wrong = await fetch(`${base}/agent/default/run`);
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get("allow")).toBe("POST");
    });

    it("answers 400 for a malformed body", async () => {
      const response = await run("{not json");
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: "invalid_json", message: expect.stringMatching(/not valid JSON/) });
    });

    it("takes a large body under the limit and refuses one over it with 413", async () => {
      const under = await run(input(`echo:${"a".repeat(BINDING_SUITE_MAX_BODY / 2)}`));
      expect(under.status).toBe(200);
      expect(textOf(await under.text())).toHaveLength(BINDING_SUITE_MAX_BODY / 2);
      const over = await run(input("x".repeat(BINDING_SUITE_MAX_BODY * 2)));
      expect(over.status).toBe(413);
      expect(await over.json()).toMatchObject({ error: "payload_too_large" });
    });

    it("keeps concurrent runs apart", async () => {
      const words = Array.from({ length: 8 }, (_, i) => `run${i}-${"x".repeat(i * 7)}`);
      const texts = await Promise.all(words.map(async (word) => textOf(await (await run(input(`echo:${word}`))).text())));
      expect(texts).toEqual(words);
    });
  });
}
