import { describe, expect, it, vi } from "vitest";
import { EventType, type BaseEvent, type OnAfterRequestOptions } from "@copilot-runtime/protocol";
import { ScriptedAdapter, collectEvents, eventsOfType, parseSSE, textOf as textOfEvents, verifyEvents } from "@copilot-runtime/testing";
import { CopilotRuntime } from "./copilot-runtime.js";
import { MemoryRunStore } from "./run-store.js";
import { post, runInput } from "./test-helpers.js";

function setup(options: { identity?: (request: Request) => string | undefined; onClientDisconnect?: "abort" | "continue" } = {}) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const adapter = new ScriptedAdapter({
    respond: (request) => {
      const last = request.messages.at(-1);
      if (last?.role === "user" && last.content === "long") {
        return [
          { type: "text-delta", delta: "Part one." },
          { type: "text-delta", delta: " Part two." },
        ];
      }
      return { text: "Short answer." };
    },
  });
  // A model that waits for `release()` in the middle of its answer.
  const slow = {
    provider: "slow",
    model: "slow",
    async *stream(request: { signal: AbortSignal; messages: { role: string; content?: unknown }[] }) {
      yield { type: "text-delta" as const, delta: "Part one." };
      await Promise.race([
        gate,
        new Promise((_, reject) => {
          if (request.signal.aborted) reject(new Error("aborted"));
          request.signal.addEventListener("abort", () => reject(new Error("aborted")));
        }),
      ]);
      yield { type: "text-delta" as const, delta: " Part two." };
    },
  };
  const afterRequests: OnAfterRequestOptions[] = [];
  const runtime = new CopilotRuntime({
    ...(options.onClientDisconnect ? { onClientDisconnect: options.onClientDisconnect } : {}),
    onError: () => undefined,
    middleware: options.identity
      ? {
          onRequest: ({ request, context }) => {
            const id = options.identity!(request);
            if (id) context.identity = { id };
          },
          onAfterRequest: (payload) => void afterRequests.push(payload),
        }
      : { onAfterRequest: (payload) => void afterRequests.push(payload) },
  });
  const fast = runtime.handler({ serviceAdapter: adapter });
  const held = runtime.handler({ serviceAdapter: slow as never });
  return { runtime, fast, held, release, afterRequests };
}

/** Reads until the text holds `needle`; fails when the stream ends first or after `ms`. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, needle: string, sofar = "", ms = 5000): Promise<string> {
  let text = sofar;
  const deadline = Date.now() + ms;
  while (!text.includes(needle)) {
    if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(needle)} within ${ms} ms: ${text}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before ${JSON.stringify(needle)}: ${text}`);
    text += new TextDecoder().decode(value);
  }
  return text;
}

/** Reads to the end of the stream (bounded by `ms`). */
async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>, sofar = "", ms = 5000): Promise<string> {
  let text = sofar;
  const deadline = Date.now() + ms;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    if (Date.now() > deadline) throw new Error(`the stream did not end within ${ms} ms: ${text}`);
    text += new TextDecoder().decode(next.value);
  }
  return text;
}

const connect = (handler: (r: Request) => Promise<Response>, threadId: string, headers: Record<string, string> = {}) =>
  handler(post("/agent/default/connect", { threadId, runId: "ignored", messages: [] }, { "content-type": "application/json", ...headers }));
const types = (events: BaseEvent[]) => events.map((event) => event.type);

describe("connect", () => {
  it("replays nothing for an unknown thread", async () => {
    const { fast } = setup();
    expect(await collectEvents(await connect(fast, "nobody"))).toEqual([]);
  });

  it("replays a finished thread as one snapshot run", async () => {
    const { fast } = setup();
    const input = runInput({ threadId: "t-done" });
    const events = await collectEvents(await fast(post("/agent/default/run", input)));
    const replay = await collectEvents(await connect(fast, "t-done"));
    verifyEvents(replay);
    expect(types(replay)).toEqual(["RUN_STARTED", "MESSAGES_SNAPSHOT", "RUN_FINISHED"]);
    const [start] = eventsOfType(events, EventType.TEXT_MESSAGE_START);
    const messageId = start?.messageId;
    expect(eventsOfType(replay, EventType.MESSAGES_SNAPSHOT)[0]?.messages).toEqual([
      ...input.messages,
      { id: messageId, role: "assistant", content: "Short answer." },
    ]);
  });

  it("rejoins a running thread: the conversation, the run so far, then its live events", async () => {
    const { held, release } = setup();
    const input = runInput({ threadId: "t-live", runId: "run-live" });
    const original = (await held(post("/agent/default/run", input))).body!.getReader();
    const seen = await readUntil(original, "Part one.");

    const rejoin = (await connect(held, "t-live")).body!.getReader();
    const rejoined = await readUntil(rejoin, "Part one.");
    expect(types(parseSSE(rejoined))).toEqual([
      "RUN_STARTED",
      "MESSAGES_SNAPSHOT",
      "RUN_FINISHED",
      "RUN_STARTED",
      "TEXT_MESSAGE_START",
      "TEXT_MESSAGE_CONTENT",
    ]);

    release();
    // The run advances as its own client reads (backpressure); the rejoined stream follows it live.
    const originalRest = readAll(original, seen);
    const rest = parseSSE(await readAll(rejoin, rejoined));
    verifyEvents(rest);
    expect(types(rest).slice(-3)).toEqual(["TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED"]);
    expect(rest.at(-1)).toMatchObject({ type: "RUN_FINISHED", runId: "run-live" });
    expect(await originalRest).toContain("Part two.");
  });
});

describe("one run per thread, and stop", () => {
  it("answers a second run on a running thread with 409, and frees the thread when the run ends", async () => {
    const { held, fast, release } = setup();
    const first = (await held(post("/agent/default/run", runInput({ threadId: "t-busy" })))).body!.getReader();
    await readUntil(first, "Part one.");
    const second = await fast(post("/agent/default/run", runInput({ threadId: "t-busy" })));
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({
      error: "run_in_progress",
      message: expect.stringMatching(/already in progress on thread "t-busy"/),
    });
    release();
    await readAll(first);
    expect((await fast(post("/agent/default/run", runInput({ threadId: "t-busy" })))).status).toBe(200);
  });

  it("stops a running thread: the run ends with RUN_ERROR stopped", async () => {
    const { held } = setup();
    const reader = (await held(post("/agent/default/run", runInput({ threadId: "t-stop" })))).body!.getReader();
    const sofar = await readUntil(reader, "Part one.");
    const stop = await held(post("/agent/default/stop/t-stop", {}));
    expect(await stop.json()).toEqual({ stopped: true });
    const events = parseSSE(await readAll(reader, sofar));
    verifyEvents(events);
    expect(events.at(-1)).toEqual({ type: "RUN_ERROR", code: "stopped", message: "The run was stopped." });
    const again = await held(post("/api/copilotkit", { method: "agent/stop", params: { agentId: "default", threadId: "t-stop" } }));
    expect(await again.json()).toEqual({ stopped: false, message: 'No run is active on thread "t-stop".' });
  });

  it("frees the thread when the client leaves before reading anything", async () => {
    const { fast } = setup();
    const response = await fast(post("/agent/default/run", runInput({ threadId: "t-gone" })));
    await response.body!.cancel();
    expect((await fast(post("/agent/default/run", runInput({ threadId: "t-gone" })))).status).toBe(200);
  });
});

describe("thread scoping by identity", () => {
  it("one caller never reads, blocks or stops another caller's thread", async () => {
    const { held, fast, release } = setup({ identity: (request) => request.headers.get("x-user") ?? undefined });
    const alice = { "content-type": "application/json", "x-user": "alice" };
    const bob = { "content-type": "application/json", "x-user": "bob" };
    const reader = (await held(post("/agent/default/run", runInput({ threadId: "shared-id" }), alice))).body!.getReader();
    await readUntil(reader, "Part one.");

    expect(await collectEvents(await connect(fast, "shared-id", { "x-user": "bob" }))).toEqual([]);
    expect(await (await fast(post("/agent/default/stop/shared-id", {}, bob))).json()).toMatchObject({ stopped: false });
    expect((await fast(post("/agent/default/run", runInput({ threadId: "shared-id" }), bob))).status).toBe(200);
    release();
    await readAll(reader);
    expect(types(await collectEvents(await connect(fast, "shared-id", { "x-user": "alice" })))).toEqual([
      "RUN_STARTED",
      "MESSAGES_SNAPSHOT",
      "RUN_FINISHED",
    ]);
  });
});

describe("MemoryRunStore", () => {
  const messages = (text: string) => [{ id: "m", role: "user" as const, content: text }];

  it("keeps at most maxThreads, dropping the least recently used", () => {
    const store = new MemoryRunStore({ maxThreads: 2 });
    for (const key of ["a", "b"]) {
      store.begin({ threadKey: key, runId: "r", messages: messages(key), abort: () => undefined });
      store.end(key, "r", messages(key));
    }
    store.connect("a"); // a is now the most recently used
    store.begin({ threadKey: "c", runId: "r", messages: messages("c"), abort: () => undefined });
    expect(store.size).toBe(2);
    expect(store.connect("b")).toBeUndefined();
    expect(store.connect("a")?.messages).toEqual(messages("a"));
  });

  it("stops keeping frames of a run past maxThreadBytes, and bounds the total", () => {
    const store = new MemoryRunStore({ maxThreadBytes: 1000, maxTotalBytes: 5000 });
    store.begin({ threadKey: "t", runId: "r", messages: [], abort: () => undefined });
    for (let i = 0; i < 20; i++) store.frame("t", "r", "x".repeat(100));
    expect(store.connect("t")?.active).toBeUndefined(); // truncated: no partial replay
    expect(store.bytes).toBeLessThanOrEqual(1000);
    for (let i = 0; i < 20; i++) {
      store.begin({ threadKey: `k${i}`, runId: "r", messages: messages("y".repeat(400)), abort: () => undefined });
      store.end(`k${i}`, "r", messages("y".repeat(400)));
    }
    expect(store.bytes).toBeLessThanOrEqual(5000);
  });

  it("refuses a second active run and ignores frames of runs it does not know", () => {
    const store = new MemoryRunStore();
    const abort = vi.fn();
    expect(store.begin({ threadKey: "t", runId: "r1", messages: [], abort })).toBe(true);
    expect(store.begin({ threadKey: "t", runId: "r2", messages: [], abort })).toBe(false);
    store.frame("t", "other", "data: {}\n\n");
    expect(store.connect("t")?.active?.frames).toEqual([]);
    expect(store.stop("t")).toBe(true);
    expect(abort).toHaveBeenCalledTimes(1);
  });
});

describe("when the client goes away", () => {
  it('aborts the run by default ("abort")', async () => {
    const { held, afterRequests } = setup();
    const reader = (await held(post("/agent/default/run", runInput({ threadId: "t-abort" })))).body!.getReader();
    await readUntil(reader, "Part one.");
    await reader.cancel();
    await vi.waitFor(() => expect(afterRequests.at(-1)?.error?.code).toBe("aborted"));
  });

  it('lets the run go on to its end with "continue": a reload rejoins it live, then finds the whole answer', async () => {
    const { held, release, afterRequests } = setup({ onClientDisconnect: "continue" });
    const reader = (await held(post("/agent/default/run", runInput({ threadId: "t-continue" })))).body!.getReader();
    await readUntil(reader, "Part one.");
    await reader.cancel();
    // the page reloads: it rejoins the run, which is still going
    const rejoin = (await connect(held, "t-continue")).body!.getReader();
    const sofar = await readUntil(rejoin, "Part one.");
    release();
    const replay = parseSSE(await readAll(rejoin, sofar));
    verifyEvents(replay);
    expect(replay.at(-1)?.type).toBe("RUN_FINISHED");
    expect(textOfEvents(replay)).toContain("Part one. Part two.");
    await vi.waitFor(() => expect(afterRequests).toHaveLength(1));
    expect(afterRequests[0]?.error).toBeUndefined();
    expect(afterRequests[0]?.outputMessages).toEqual([expect.objectContaining({ role: "assistant", content: "Part one. Part two." })]);
    // a later reload finds the finished thread
    const later = parseSSE(await readAll((await connect(held, "t-continue")).body!.getReader()));
    expect(eventsOfType(later, EventType.MESSAGES_SNAPSHOT)[0]?.messages.at(-1)).toMatchObject({ content: "Part one. Part two." });
  });

  it('still stops a run with "continue" whose client went away', async () => {
    const { held, afterRequests } = setup({ onClientDisconnect: "continue" });
    const reader = (await held(post("/agent/default/run", runInput({ threadId: "t-continue-stop" })))).body!.getReader();
    await readUntil(reader, "Part one.");
    await reader.cancel();
    expect(await (await held(post("/agent/default/stop/t-continue-stop", {}))).json()).toEqual({ stopped: true });
    await vi.waitFor(() => expect(afterRequests.at(-1)?.error?.code).toBe("stopped"));
  });
});
