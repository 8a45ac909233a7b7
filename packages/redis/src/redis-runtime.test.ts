// Two runtimes (two instances, in one process here) sharing one Redis, driven by the real
// @ag-ui/client HttpAgent. The tests with real processes, kill -9 and a proxy are in multi-instance.test.ts.
import { HttpAgent } from "@ag-ui/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CopilotRuntime } from "@copilot-runtime/core";
import type { AdapterPart, AdapterRequest, BaseEvent, ErrorReport, ServiceAdapter } from "@copilot-runtime/protocol";
import { verifyEvents } from "@copilot-runtime/testing";
import { RedisRunStore } from "./redis-run-store.js";
import { hasRedisServer, startTestRedis, type TestRedis } from "./test-redis-server.js";

/** A model that says "Part one.", waits for `release()` (or the abort), then says " Part two.". */
function heldModel() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const requests: AdapterRequest[] = [];
  const adapter: ServiceAdapter = {
    provider: "held",
    model: "held-1",
    async *stream(request): AsyncIterable<AdapterPart> {
      requests.push(request);
      yield { type: "text-delta", delta: "Part one." };
      await Promise.race([gate, new Promise((resolve) => request.signal.addEventListener("abort", resolve))]);
      request.signal.throwIfAborted();
      yield { type: "text-delta", delta: " Part two." };
    },
  };
  return { adapter, requests, release: () => release() };
}

describe.skipIf(!hasRedisServer)("two runtimes on one Redis", () => {
  let redis: TestRedis;
  const stores: RedisRunStore[] = [];
  const reports: ErrorReport[] = [];

  function instance(adapter: ServiceAdapter) {
    const runStore = new RedisRunStore({ url: redis.url, keyPrefix: "runtime:", operationTimeoutMs: 500 });
    stores.push(runStore);
    const handler = new CopilotRuntime({ runStore, onError: (report) => void reports.push(report) }).handler({
      serviceAdapter: adapter,
      basePath: "/api/copilotkit",
    });
    const fetchVia = ((input: string | URL | Request, init?: RequestInit) => handler(new Request(input, init))) as typeof fetch;
    return { handler, fetchVia };
  }

  async function consume(agent: HttpAgent): Promise<BaseEvent[]> {
    const events: BaseEvent[] = [];
    await agent.runAgent({}, { onEvent: ({ event }) => void events.push(event) });
    verifyEvents(events);
    return events;
  }
  const text = (events: BaseEvent[]) =>
    events
      .filter((event) => event.type === "TEXT_MESSAGE_CONTENT")
      .map((event) => String(event.delta))
      .join("");

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await redis?.close();
  });

  it("a page that reloads onto the other instance rejoins the run live, and later finds the thread", async () => {
    const model = heldModel();
    const [a, b] = [instance(model.adapter), instance(model.adapter)];
    const threadId = `thread-${crypto.randomUUID()}`;
    const runner = new HttpAgent({ url: "http://a.test/api/copilotkit/agent/default/run", threadId, fetch: a.fetchVia });
    runner.messages.push({ id: "u1", role: "user", content: "Tell me" });
    const running = consume(runner);
    await vi.waitFor(() => expect(model.requests).toHaveLength(1));

    const rejoiner = new HttpAgent({ url: "http://b.test/api/copilotkit/agent/default/connect", threadId, fetch: b.fetchVia });
    const rejoined = consume(rejoiner);
    await vi.waitFor(() => expect(rejoiner.messages.at(-1)).toMatchObject({ role: "assistant", content: "Part one." }));
    model.release();
    expect(text(await running)).toBe("Part one. Part two.");
    const replay = await rejoined;
    expect(replay.map((event) => event.type).slice(0, 3)).toEqual(["RUN_STARTED", "MESSAGES_SNAPSHOT", "RUN_FINISHED"]);
    expect(replay.at(-1)?.type).toBe("RUN_FINISHED");
    expect(rejoiner.messages.map((message) => [message.role, "content" in message ? message.content : undefined])).toEqual([
      ["user", "Tell me"],
      ["assistant", "Part one. Part two."],
    ]);

    const later = new HttpAgent({ url: "http://a.test/api/copilotkit/agent/default/connect", threadId, fetch: a.fetchVia });
    await consume(later);
    expect(later.messages.at(-1)).toMatchObject({ role: "assistant", content: "Part one. Part two." });
  });

  it("stop sent to the other instance stops the run, its LLM request aborted, and the thread is free again", async () => {
    const model = heldModel();
    const [a, b] = [instance(model.adapter), instance(model.adapter)];
    const threadId = `thread-${crypto.randomUUID()}`;
    const runner = new HttpAgent({ url: "http://a.test/api/copilotkit/agent/default/run", threadId, fetch: a.fetchVia });
    runner.messages.push({ id: "u1", role: "user", content: "Tell me" });
    const outcomes: unknown[] = [];
    const running = runner.runAgent({}, { onRunFinishedEvent: ({ outcome }) => void outcomes.push(outcome) });
    await vi.waitFor(() => expect(model.requests).toHaveLength(1));

    const busy = await b.handler(
      new Request(`http://b.test/api/copilotkit/agent/default/run`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ threadId, runId: "second", messages: [{ id: "u", role: "user", content: "again" }] }),
      }),
    );
    expect(busy.status).toBe(409);
    expect(await busy.json()).toMatchObject({ error: "run_in_progress" });

    const stop = await b.handler(new Request(`http://b.test/api/copilotkit/agent/default/stop/${threadId}`, { method: "POST" }));
    expect(await stop.json()).toEqual({ stopped: true });
    await running;
    expect(model.requests[0]!.signal.aborted).toBe(true);
    expect(outcomes).toEqual(["cancelled"]);
    await vi.waitFor(async () => {
      const again = await b.handler(new Request(`http://b.test/api/copilotkit/agent/default/stop/${threadId}`, { method: "POST" }));
      expect(await again.json()).toMatchObject({ stopped: false });
    });
  });

  it("frees the thread before the client sees its run end: the next run, on any instance, is never refused", async () => {
    const quick: ServiceAdapter = {
      provider: "quick",
      model: "quick-1",
      async *stream(): AsyncIterable<AdapterPart> {
        yield { type: "text-delta", delta: "Done." };
      },
    };
    const [a, b] = [instance(quick), instance(quick)];
    const threadId = `thread-${crypto.randomUUID()}`;
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const response = await (i % 2 === 0 ? a : b).handler(
        new Request("http://x.test/api/copilotkit/agent/default/run", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ threadId, runId: `r-${i}`, messages: [{ id: "u", role: "user", content: "go" }] }),
        }),
      );
      statuses.push(response.status);
      expect(await response.text()).toContain('"RUN_FINISHED"');
    }
    expect(statuses.every((status) => status === 200)).toBe(true);
  });

  it("keeps a run streaming to its client while Redis is away, tells onError (source store), and answers connect 503", async () => {
    const model = heldModel();
    const a = instance(model.adapter);
    const threadId = `thread-${crypto.randomUUID()}`;
    const runner = new HttpAgent({ url: "http://a.test/api/copilotkit/agent/default/run", threadId, fetch: a.fetchVia });
    runner.messages.push({ id: "u1", role: "user", content: "Tell me" });
    const running = consume(runner);
    await vi.waitFor(() => expect(model.requests).toHaveLength(1));
    await redis.stop();
    try {
      model.release();
      const events = await running;
      expect(text(events)).toBe("Part one. Part two.");
      expect(events.at(-1)?.type).toBe("RUN_FINISHED");
      await vi.waitFor(() => expect(reports.some((report) => report.source === "store" || report.source === "run")).toBe(true));
      const connect = await a.handler(
        new Request("http://a.test/api/copilotkit/agent/default/connect", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ threadId }),
        }),
      );
      expect(connect.status).toBe(503);
      expect(await connect.json()).toMatchObject({ error: "store_unavailable" });
    } finally {
      await redis.start();
    }
  });
});
