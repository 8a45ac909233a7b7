import { describe, expect, it, vi } from "vitest";
import type { AdapterPart, AdapterRequest, OnAfterRequestOptions, ServiceAdapter } from "@copilot-runtime/protocol";
import { collectEvents, verifyEvents } from "@copilot-runtime/testing";
import { CopilotRuntime } from "./copilot-runtime.js";
import { MemoryRunStore } from "./run-store.js";
import { post, runInput } from "./test-helpers.js";

/** A model that answers "Working" and then waits `ms` (or the abort) before it says " done". */
function slowModel(ms: number): ServiceAdapter & { requests: AdapterRequest[] } {
  const requests: AdapterRequest[] = [];
  return {
    provider: "slow",
    model: "slow-1",
    requests,
    async *stream(request): AsyncIterable<AdapterPart> {
      requests.push(request);
      yield { type: "text-delta", delta: "Working" };
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        request.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
      request.signal.throwIfAborted();
      yield { type: "text-delta", delta: " done" };
    },
  };
}

function setup(ms: number) {
  const store = new MemoryRunStore();
  const after: OnAfterRequestOptions[] = [];
  const runtime = new CopilotRuntime({ runStore: store, middleware: { onAfterRequest: (payload) => void after.push(payload) } });
  const model = slowModel(ms);
  const handler = runtime.handler({ serviceAdapter: model });
  return { runtime, handler, model, store, after };
}

describe("close(): a graceful shutdown", () => {
  it("refuses new runs with 503 while it lets the runs in flight finish within the grace period", async () => {
    const { runtime, handler, model, after } = setup(200);
    const response = handler(post("/agent/default/run", runInput({ threadId: "t-finishing" })));
    const events = (async () => collectEvents(await response))();
    await vi.waitFor(() => expect(model.requests).toHaveLength(1));
    const closing = runtime.close({ graceMs: 5000 });
    expect(runtime.close()).toBe(closing);
    const refused = await handler(post("/agent/default/run", runInput({ threadId: "t-late" })));
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      error: "shutting_down",
      message: "The server is shutting down and takes no new runs; try again in a moment.",
    });
    await closing;
    const finished = await events;
    verifyEvents(finished);
    expect(finished.at(-1)?.type).toBe("RUN_FINISHED");
    expect(after.map((payload) => payload.error)).toEqual([undefined]);
    // still answers what is not a run
    expect((await handler(new Request("http://localhost/info"))).status).toBe(200);
  });

  it("ends the runs still going after the grace period with RUN_ERROR server_shutdown, saves them, and closes the store", async () => {
    const { runtime, handler, model, store, after } = setup(60_000);
    const close = vi.fn();
    Object.assign(store, { close });
    const response = handler(post("/agent/default/run", runInput({ threadId: "t-cut" })));
    const events = (async () => collectEvents(await response))();
    await vi.waitFor(() => expect(model.requests).toHaveLength(1));
    const started = Date.now();
    await runtime.close({ graceMs: 100 });
    expect(Date.now() - started).toBeLessThan(5000);
    const cut = await events;
    verifyEvents(cut);
    expect(cut.at(-1)).toEqual({ type: "RUN_ERROR", code: "server_shutdown", message: "The server is shutting down; the run was ended." });
    expect(model.requests[0]!.signal.aborted).toBe(true);
    expect(after[0]?.error?.code).toBe("server_shutdown");
    expect(store.connect("t-cut")?.active).toBeUndefined(); // the thread is free, its conversation kept
    expect(close).toHaveBeenCalledTimes(1);
  });

  it("returns at once when nothing is in flight", async () => {
    const { runtime } = setup(0);
    await runtime.close({ graceMs: 60_000 });
    await expect(runtime.process({ input: runInput(), serviceAdapter: slowModel(0) }).next()).rejects.toMatchObject({
      code: "shutting_down",
    });
  });
});
