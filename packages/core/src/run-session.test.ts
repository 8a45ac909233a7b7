import { describe, expect, it, vi } from "vitest";
import { EventType, type AGUIEvent, type OnAfterRequestOptions, type RunAgentInput } from "@copilot-runtime/protocol";
import { verifyEvents } from "@copilot-runtime/testing";
import type { AgentEntry, AgentRunContext } from "./agent.js";
import { MiddlewareChain } from "./middleware-chain.js";
import { ServerShutdown, StoppedRun } from "./run-aborts.js";
import { RunSession } from "./run-session.js";
import { MemoryRunStore } from "./run-store.js";
import { runInput } from "./test-helpers.js";

type AgentRun = (input: RunAgentInput, context: AgentRunContext) => AsyncIterable<AGUIEvent>;

function agentOf(run: AgentRun, extra: Partial<AgentEntry> = {}): AgentEntry {
  return { description: "test", className: "TestAgent", create: () => ({ run }), ...extra };
}

async function open(run: AgentRun, options: { input?: RunAgentInput; stallMs?: number; store?: MemoryRunStore } = {}) {
  const after: OnAfterRequestOptions[] = [];
  const errors: unknown[] = [];
  const middleware = new MiddlewareChain({ onAfterRequest: (payload) => void after.push(payload) }, (report) => errors.push(report.error));
  const session = await RunSession.open({
    agentId: "test",
    agent: agentOf(run),
    input: options.input ?? runInput({ runId: "run-1" }),
    middleware,
    serverProperties: undefined,
    stallMs: options.stallMs ?? 60_000,
    url: undefined,
    context: { state: {} },
    ...(options.store ? { store: options.store } : {}),
  });
  return { session, after, errors };
}

async function collect(events: AsyncIterable<AGUIEvent>): Promise<AGUIEvent[]> {
  const list: AGUIEvent[] = [];
  for await (const event of events) list.push(event);
  return list;
}

/** Resolves when the signal aborts (at once if it already has). */
const untilAborted = (signal: AbortSignal) =>
  new Promise((resolve) => (signal.aborted ? resolve(undefined) : signal.addEventListener("abort", resolve, { once: true })));

const text = (messageId: string, delta: string): AGUIEvent[] => [
  { type: EventType.TEXT_MESSAGE_START, messageId, role: "assistant" },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId, delta },
  { type: EventType.TEXT_MESSAGE_END, messageId },
];

describe("RunSession", () => {
  it("passes an agent's own run through unchanged, with the usage it reports", async () => {
    const usage = [{ provider: "remote", model: "m", inputTokens: 3, outputTokens: 2 }];
    const sent: AGUIEvent[] = [
      { type: EventType.RUN_STARTED, threadId: "thread-1", runId: "run-1" },
      { type: EventType.STATE_SNAPSHOT, snapshot: { step: 1 } },
      ...text("m1", "Hi"),
      { type: EventType.RUN_FINISHED, threadId: "thread-1", runId: "run-1", result: { done: true }, usage },
    ];
    const { session, after } = await open(async function* () {
      yield* sent;
    });
    expect(await collect(session.events())).toEqual(sent);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      outputMessages: [{ id: "m1", role: "assistant", content: "Hi" }],
      usage: usage[0],
      finishReason: "stop",
    });
  });

  it("adds RUN_STARTED and RUN_FINISHED around an agent that yields neither, closing what it left open", async () => {
    const { session, after } = await open(async function* () {
      yield { type: EventType.TEXT_MESSAGE_START, messageId: "m1", role: "assistant" };
      yield { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "m1", delta: "cut" };
    });
    const events = await collect(session.events());
    verifyEvents(events);
    expect(events.map((event) => event.type)).toEqual([
      "RUN_STARTED",
      "TEXT_MESSAGE_START",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_END",
      "RUN_FINISHED",
    ]);
    expect(after[0]?.error).toBeUndefined();
  });

  it("turns an agent that throws before its first event into RUN_STARTED then RUN_ERROR, and reports it", async () => {
    const failure = new Error("connection refused");
    const { session, after, errors } = await open(async function* () {
      yield* [];
      throw failure;
    });
    const events = await collect(session.events());
    verifyEvents(events);
    expect(events).toEqual([
      { type: EventType.RUN_STARTED, threadId: "thread-1", runId: "run-1" },
      { type: EventType.RUN_ERROR, code: "internal_error", message: "The run failed: connection refused" },
    ]);
    expect(after[0]?.error).toEqual({ code: "internal_error", message: "The run failed: connection refused", cause: failure });
    expect(errors).toEqual([failure]);
  });

  it("ends a silent agent with RUN_ERROR timeout, but waits while the agent expects silence", async () => {
    const silent = await open(
      async function* (_input, context) {
        yield { type: EventType.RUN_STARTED, threadId: "thread-1", runId: "run-1" };
        await untilAborted(context.signal);
        throw context.signal.reason;
      },
      { stallMs: 40 },
    );
    const events = await collect(silent.session.events());
    expect(events.at(-1)).toEqual({
      type: EventType.RUN_ERROR,
      code: "timeout",
      message: "The agent sent nothing for 40 ms; the request was abandoned.",
    });

    const busy = await open(
      async function* (_input, context) {
        context.watchdog.pause();
        await new Promise((resolve) => setTimeout(resolve, 150));
        context.watchdog.resume();
        yield* text("m1", "done");
      },
      { stallMs: 40 },
    );
    const busyEvents = await collect(busy.session.events());
    expect(busyEvents.at(-1)?.type).toBe("RUN_FINISHED");
  });

  it("ends the run with server_shutdown when the server shuts down", async () => {
    const { session, after } = await open(async function* (_input, context) {
      yield* text("m1", "partial");
      await untilAborted(context.signal);
    });
    const iterator = session.events()[Symbol.asyncIterator]();
    const seen: AGUIEvent[] = [];
    for (let i = 0; i < 4; i++) seen.push((await iterator.next()).value as AGUIEvent);
    session.abort(new ServerShutdown());
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) seen.push(next.value);
    verifyEvents(seen);
    expect(seen.at(-1)).toEqual({
      type: EventType.RUN_ERROR,
      code: "server_shutdown",
      message: "The server is shutting down; the run was ended.",
    });
    expect(after[0]?.error?.code).toBe("server_shutdown");
    expect(after[0]?.outputMessages).toEqual([{ id: "m1", role: "assistant", content: "partial" }]);
  });

  it("stops a run before it streams: AG-UI 1.0 clients get the cancelled outcome, older ones RUN_ERROR stopped", async () => {
    const agent: AgentRun = async function* () {
      yield* text("never", "sent");
    };
    const modern = await open(agent, { input: runInput({ runId: "run-1", protocolVersion: "1.0" }) });
    modern.session.abort(new StoppedRun());
    expect(await collect(modern.session.events())).toEqual([
      { type: EventType.RUN_STARTED, threadId: "thread-1", runId: "run-1" },
      { type: EventType.RUN_FINISHED, threadId: "thread-1", runId: "run-1", outcome: { type: "cancelled" } },
    ]);
    expect(modern.after[0]?.error?.code).toBe("stopped");

    const older = await open(agent);
    older.session.abort(new StoppedRun());
    expect((await collect(older.session.events())).at(-1)).toEqual({
      type: EventType.RUN_ERROR,
      code: "stopped",
      message: "The run was stopped.",
    });
  });

  it("ends once: a client that leaves before reading frees the thread, and the run store keeps what was said", async () => {
    const store = new MemoryRunStore();
    const input = runInput({ runId: "run-1", threadId: "t-1" });
    const left = await open(
      async function* () {
        yield* text("m1", "unused");
      },
      { input, store },
    );
    left.session.cancel();
    left.session.cancel();
    expect(await collect(left.session.events())).toEqual([]);
    expect(left.after).toHaveLength(1);
    expect(left.after[0]?.error?.code).toBe("aborted");

    const again = await open(
      async function* () {
        yield* text("m2", "Hello");
      },
      { input: runInput({ runId: "run-2", threadId: "t-1" }), store },
    );
    const frames: string[] = [];
    for await (const frame of again.session.frames()) frames.push(frame);
    expect(frames.at(-1)).toBe(`data: ${JSON.stringify({ type: "RUN_FINISHED", threadId: "t-1", runId: "run-2" })}\n\n`);
    await vi.waitFor(() => expect(store.connect("t-1")?.active).toBeUndefined());
    expect(store.connect("t-1")?.messages).toEqual([...input.messages, { id: "m2", role: "assistant", content: "Hello" }]);
  });

  it("reports an unusual finish reason in RUN_FINISHED.result and to onAfterRequest", async () => {
    const { session, after } = await open(async function* (_input, context) {
      yield* text("m1", "cut by the filter");
      context.addUsage({ provider: "p", model: "m", inputTokens: 1, outputTokens: 1 });
      context.addUsage({ provider: "p", model: "m", inputTokens: 2, outputTokens: 3 });
      context.setFinishReason("content_filter");
    });
    const events = await collect(session.events());
    expect(events.at(-1)).toEqual({
      type: EventType.RUN_FINISHED,
      threadId: "thread-1",
      runId: "run-1",
      usage: [{ provider: "p", model: "m", inputTokens: 3, outputTokens: 4 }],
      result: { finishReason: "content_filter" },
    });
    expect(after[0]).toMatchObject({
      finishReason: "content_filter",
      usage: { provider: "p", model: "m", inputTokens: 3, outputTokens: 4 },
    });
  });
});
