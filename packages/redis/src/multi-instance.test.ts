// Several instances of the runtime as real processes (test-instance.ts), sharing one redis-server of the
// test's own through RedisRunStore, each calling the same fake OpenAI server through OpenAIAdapter, some
// behind a round-robin proxy: rejoin, stop, one run per thread, a killed instance, restarts of every
// instance and of Redis, and onClientDisconnect, each across instances.
import { connect as connectTcp } from "node:net";
import { HttpAgent } from "@ag-ui/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { BaseEvent, Message } from "@copilot-runtime/protocol";
import {
  createFakeOpenAI,
  textAnswer,
  textOf,
  verifyEvents,
  type FakeOpenAI,
  type FakeStreamScript,
  type RecordedRequest,
} from "@copilot-runtime/testing";
import {
  openStream,
  prepareInstances,
  startRoundRobinProxy,
  type Instance,
  type InstanceConfig,
  type InstanceLauncher,
  type LiveStream,
  type RoundRobinProxy,
} from "./test-cluster.js";
import { hasRedisServer, startTestRedis, type TestRedis } from "./test-redis-server.js";

const LEASE_MS = 1000;
const ANSWER = "alpha beta gamma delta epsilon";
/** What a held answer has streamed before its hold. */
const SO_FAR = "alpha beta";

const types = (events: readonly BaseEvent[]) => events.map((event) => event.type);
const last = <T>(list: readonly T[]): T | undefined => list[list.length - 1];

/** The runs of a stream, each from its RUN_STARTED (a connect replays the conversation as a run, then the active run). */
function runsOf(events: readonly BaseEvent[]): BaseEvent[][] {
  const runs: BaseEvent[][] = [];
  for (const event of events) {
    if (event.type === "RUN_STARTED") runs.push([]);
    runs[runs.length - 1]?.push(event);
  }
  return runs;
}

/** The run a connect rejoined (after its snapshot run). */
const rejoined = (events: readonly BaseEvent[]) => runsOf(events)[1] ?? [];

/** The conversation a connect replays. */
function snapshotOf(events: readonly BaseEvent[]): Message[] | undefined {
  const snapshot = events.find((event) => event.type === "MESSAGES_SNAPSHOT") as { messages: Message[] } | undefined;
  return snapshot?.messages;
}

function runInput(threadId: string, text: string) {
  return {
    threadId,
    runId: `run-${crypto.randomUUID()}`,
    messages: [{ id: `user-${crypto.randomUUID()}`, role: "user", content: text }],
    tools: [],
    context: [],
    state: {},
    forwardedProps: {},
  };
}

const newThread = () => `thread-${crypto.randomUUID()}`;

function post(url: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function expectJsonError(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(await response.json()).toEqual({ error: code, message: expect.any(String) });
}

/** Rejects when `promise` takes longer than `ms`: a bound, so that a hang fails the test with a reason. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A stream read to its end, checked with the event-order verifier. */
async function ended(stream: LiveStream): Promise<BaseEvent[]> {
  await stream.done;
  expect(stream.cut).toBeUndefined();
  verifyEvents(stream.events);
  return stream.events;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}

describe.skipIf(!hasRedisServer)("RedisRunStore across instances (real processes)", () => {
  let redis: TestRedis;
  let fake: FakeOpenAI;
  let launcher: InstanceLauncher;
  let proxy: RoundRobinProxy;
  /** Every instance started, for the cleanup. */
  const started: Instance[] = [];
  let a: Instance;
  let b: Instance;
  /** An instance with onClientDisconnect: "continue". */
  let c: Instance;

  const start = async (name: string, options: Partial<InstanceConfig> = {}) => {
    const instance = await launcher.start(name, { redisUrl: redis.url, openaiBaseUrl: fake.baseURL, leaseMs: LEASE_MS, ...options });
    started.push(instance);
    return instance;
  };
  const startAll = async () => {
    [a, b, c] = await Promise.all([start("A"), start("B"), start("C", { onClientDisconnect: "continue" })]);
  };

  // The fake answers each question (the user's text) with its script, and hands over its provider request.
  const scripts = new Map<string, FakeStreamScript>();
  const requests = new Map<string, { promise: Promise<RecordedRequest>; resolve: (request: RecordedRequest) => void }>();
  const providerRequest = (text: string) => {
    let entry = requests.get(text);
    if (entry === undefined) {
      let resolve!: (request: RecordedRequest) => void;
      const promise = new Promise<RecordedRequest>((done) => (resolve = done));
      entry = { promise, resolve };
      requests.set(text, entry);
    }
    return entry;
  };
  const holds: (() => void)[] = [];

  /** A question whose answer streams SO_FAR, then waits for `release()` before the rest. */
  function heldQuestion() {
    const text = `question ${crypto.randomUUID()}`;
    let release!: () => void;
    scripts.set(text, textAnswer(ANSWER, { holdAfter: 3, hold: new Promise<void>((resolve) => (release = resolve)) }));
    holds.push(() => release());
    return { text, request: providerRequest(text).promise, release: () => release() };
  }

  beforeAll(async () => {
    // each part kept as soon as it is up, so that afterAll cleans it up even when another failed
    const setup = await Promise.allSettled([
      startTestRedis().then((made) => void (redis = made)),
      createFakeOpenAI().then((made) => void (fake = made)),
      prepareInstances().then((made) => void (launcher = made)),
    ]);
    for (const result of setup) if (result.status === "rejected") throw result.reason;
    fake.respond((body, request) => {
      const messages = (body as { messages: { role: string; content: unknown }[] }).messages;
      const text = String(messages.findLast((message) => message.role === "user")?.content);
      providerRequest(text).resolve(request);
      return scripts.get(text) ?? textAnswer(`You said: ${text}`);
    });
    await startAll();
    proxy = await startRoundRobinProxy(() => [a, b]);
  });

  afterAll(async () => {
    for (const release of holds) release();
    await Promise.allSettled(started.map((instance) => instance.kill()));
    await proxy?.close();
    await fake?.close();
    await redis?.close();
    await launcher?.remove();
  });

  /** Runs a question on `instance` to its end; its conversation is saved once a connect replays it. */
  async function finishedThread(instance: Instance) {
    const threadId = newThread();
    const text = `question ${crypto.randomUUID()}`;
    const events = await ended(await openStream(`${instance.url}/agent/default/run`, runInput(threadId, text)));
    expect(last(types(events))).toBe("RUN_FINISHED");
    const conversation = [
      { id: expect.any(String), role: "user", content: text },
      { id: expect.any(String), role: "assistant", content: `You said: ${text}` },
    ];
    // the store saves the conversation just after the stream's end
    await vi.waitFor(async () => {
      const replay = await ended(await openStream(`${instance.url}/agent/default/connect`, { threadId }));
      expect(types(replay)).toEqual(["RUN_STARTED", "MESSAGES_SNAPSHOT", "RUN_FINISHED"]);
      expect(snapshotOf(replay)).toEqual(conversation);
    });
    return { threadId, conversation };
  }

  it("rejoins a run streaming on A through B with HttpAgent 1.0: the frames so far, the rest live, the end", async () => {
    const threadId = newThread();
    const question = heldQuestion();
    const run = await openStream(`${a.url}/agent/default/run`, runInput(threadId, question.text));
    await run.until((events) => textOf(events) === SO_FAR);

    const warn = vi.spyOn(console, "warn");
    const agent = new HttpAgent({ url: `${b.url}/agent/default/connect`, threadId });
    const seen: BaseEvent[] = [];
    const connected = agent.runAgent({}, { onEvent: ({ event }) => void seen.push(event as BaseEvent) });
    // nothing more is streamed while the answer is held: this much came from the frames kept so far
    await vi.waitFor(() => expect(textOf(rejoined(seen))).toBe(SO_FAR), { interval: 5 });
    expect(last(types(seen))).not.toMatch(/^RUN_(FINISHED|ERROR)$/);
    question.release();
    await within(connected, 10_000, "the rejoined run's end");
    expect(warn.mock.calls.filter((call) => String(call[0]).includes("[ag-ui]"))).toEqual([]);
    warn.mockRestore();

    const original = await ended(run);
    expect(textOf(original)).toBe(ANSWER);
    verifyEvents(seen);
    const [snapshotRun, live] = runsOf(seen);
    expect(types(snapshotRun!)).toEqual(["RUN_STARTED", "MESSAGES_SNAPSHOT", "RUN_FINISHED"]);
    expect(snapshotOf(seen)).toEqual([{ id: expect.any(String), role: "user", content: question.text }]);
    // B streamed the very events A streamed, from RUN_STARTED to RUN_FINISHED
    expect(live).toEqual(original);
    expect(last(agent.messages)).toMatchObject({ role: "assistant", content: ANSWER });
  });

  it("rejoins through the round-robin proxy: the run on one instance, the connect on the other", async () => {
    const threadId = newThread();
    const question = heldQuestion();
    const logged = proxy.log.length;
    const run = await openStream(`${proxy.url}/agent/default/run`, runInput(threadId, question.text));
    await run.until((events) => textOf(events) === SO_FAR);
    const rejoin = await openStream(`${proxy.url}/agent/default/connect`, { threadId });
    await rejoin.until((events) => textOf(rejoined(events)) === SO_FAR);
    question.release();
    const [original, replay] = await Promise.all([ended(run), ended(rejoin)]);
    const [runOn, connectOn] = proxy.log.slice(logged).map((entry) => entry.instance);
    expect(connectOn).not.toBe(runOn);
    expect(textOf(original)).toBe(ANSWER);
    expect(rejoined(replay)).toEqual(original);
  });

  it("stops a run on A from B: the run ends as stopped and its provider request is closed", async ({ annotate }) => {
    // a client without protocolVersion: RUN_ERROR stopped
    const threadId = newThread();
    const question = heldQuestion();
    const run = await openStream(`${a.url}/agent/default/run`, runInput(threadId, question.text));
    await run.until((events) => textOf(events) === SO_FAR);
    const stop = await post(`${b.url}/agent/default/stop/${threadId}`);
    expect(await stop.json()).toEqual({ stopped: true });
    expect(await within((await question.request).closedEarly, 5000, "the provider request's close")).toBe(true);
    const events = await ended(run);
    expect(last(events)).toMatchObject({ type: "RUN_ERROR", code: "stopped" });

    // HttpAgent 1.0 (protocolVersion 1): a cancelled outcome
    const second = heldQuestion();
    const stoppedThread = newThread();
    const agent = new HttpAgent({ url: `${a.url}/agent/default/run`, threadId: stoppedThread });
    agent.messages.push({ id: crypto.randomUUID(), role: "user", content: second.text });
    const seen: BaseEvent[] = [];
    let stopped: Promise<Response> | undefined;
    await within(
      agent.runAgent(
        {},
        {
          onEvent: ({ event }) => void seen.push(event as BaseEvent),
          onTextMessageContentEvent: () => void (stopped ??= post(`${b.url}/agent/default/stop/${stoppedThread}`)),
        },
      ),
      10_000,
      "the stopped run's end",
    );
    expect(await (await stopped!).json()).toEqual({ stopped: true });
    expect(await (await second.request).closedEarly).toBe(true);
    verifyEvents(seen);
    expect(last(seen)).toEqual({
      type: "RUN_FINISHED",
      threadId: stoppedThread,
      runId: expect.any(String),
      outcome: { type: "cancelled" },
    });

    // the latency: from the stop request to B until the fake sees A's provider request closed
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const thread = newThread();
      const held = heldQuestion();
      const streaming = await openStream(`${a.url}/agent/default/run`, runInput(thread, held.text));
      await streaming.until((streamed) => textOf(streamed) === SO_FAR);
      const request = await held.request;
      const sentAt = performance.now();
      const closedAt = request.closedEarly.then((early) => (early ? performance.now() : Number.NaN));
      expect(await (await post(`${b.url}/agent/default/stop/${thread}`)).json()).toEqual({ stopped: true });
      latencies.push((await within(closedAt, 5000, "the provider request's close")) - sentAt);
      expect(last(await ended(streaming))).toMatchObject({ type: "RUN_ERROR", code: "stopped" });
    }
    const sorted = latencies.toSorted((x, y) => x - y);
    expect(sorted.every(Number.isFinite)).toBe(true);
    const [p50, p99] = [percentile(sorted, 0.5), percentile(sorted, 0.99)].map((ms) => `${ms.toFixed(2)} ms`);
    // a figure to read (vitest --reporter=verbose shows it), not a timed assertion
    await annotate(`stop latency across instances over ${sorted.length} runs: p50 ${p50}, p99 ${p99}`);
  });

  it("ends the run of a SIGKILLed instance as run_lost within about the lease, and frees its thread", async ({ annotate }) => {
    const victim = await start("victim");
    const threadId = newThread();
    const question = heldQuestion();
    const run = await openStream(`${victim.url}/agent/default/run`, runInput(threadId, question.text));
    await run.until((events) => textOf(events) === SO_FAR);
    // a client that rejoined through A before the kill
    const following = await openStream(`${a.url}/agent/default/connect`, { threadId });
    await following.until((events) => textOf(rejoined(events)) === SO_FAR);

    const killedAt = performance.now();
    await victim.kill();
    await run.done;
    expect(run.cut).toBeDefined(); // its own client is cut off, without an end
    // the lease lapses, then the follower's next check (at most a second later) sees it: a generous bound
    await within(following.done, LEASE_MS + 5000, "the rejoined run's end after the kill");
    await annotate(
      `run_lost reached the rejoined client ${(performance.now() - killedAt).toFixed(0)} ms after the kill (lease ${LEASE_MS} ms)`,
    );
    verifyEvents(following.events);
    expect(last(following.events)).toMatchObject({ type: "RUN_ERROR", code: "run_lost" });

    // a client that connects later, through B, sees the frames kept and the same end, at once
    const later = await ended(await openStream(`${b.url}/agent/default/connect`, { threadId }));
    expect(textOf(rejoined(later))).toBe(SO_FAR);
    expect(last(later)).toMatchObject({ type: "RUN_ERROR", code: "run_lost" });

    // the thread is free: a new run on it is accepted (not 409)
    const next = await openStream(`${b.url}/agent/default/run`, runInput(threadId, "Are you there?"));
    expect(last(await ended(next))).toMatchObject({ type: "RUN_FINISHED" });
    expect(textOf(next.events)).toBe("You said: Are you there?");
  });

  it("holds one run per thread across instances: a second run on a busy thread gets 409 run_in_progress", async () => {
    const threadId = newThread();
    const question = heldQuestion();
    const run = await openStream(`${a.url}/agent/default/run`, runInput(threadId, question.text));
    await run.until((events) => textOf(events) === SO_FAR);
    await expectJsonError(await post(`${b.url}/agent/default/run`, runInput(threadId, "me too")), 409, "run_in_progress");
    // through the proxy, whichever instance answers
    for (let i = 0; i < 2; i++) {
      await expectJsonError(await post(`${proxy.url}/agent/default/run`, runInput(threadId, "me too")), 409, "run_in_progress");
    }
    question.release();
    expect(last(await ended(run))).toMatchObject({ type: "RUN_FINISHED" });
    // once its end is saved, B takes the next run on the thread
    await vi.waitFor(async () => {
      const replay = await ended(await openStream(`${b.url}/agent/default/connect`, { threadId }));
      expect(types(replay)).toEqual(["RUN_STARTED", "MESSAGES_SNAPSHOT", "RUN_FINISHED"]);
      expect(last(snapshotOf(replay) ?? [])).toMatchObject({ role: "assistant", content: ANSWER });
    });
    const next = await openStream(`${b.url}/agent/default/run`, runInput(threadId, "And then?"));
    expect(last(await ended(next))).toMatchObject({ type: "RUN_FINISHED" });
  });

  it('with onClientDisconnect "continue", a run whose client left goes on, and a connect through B sees it finish', async () => {
    const threadId = newThread();
    const question = heldQuestion();
    const run = await openStream(`${c.url}/agent/default/run`, runInput(threadId, question.text));
    await run.until((events) => textOf(events) === SO_FAR);
    const reported = c.messages.length;
    run.abort();
    await c.next((message) => message.type === "client-gone" && message.path.endsWith("/run"), reported);

    const rejoin = await openStream(`${b.url}/agent/default/connect`, { threadId });
    await rejoin.until((events) => textOf(rejoined(events)) === SO_FAR);
    question.release();
    const replay = await ended(rejoin);
    expect(textOf(rejoined(replay))).toBe(ANSWER);
    expect(last(replay)).toMatchObject({ type: "RUN_FINISHED" });
    expect(await (await question.request).closedEarly).toBe(false);
  });

  it('with onClientDisconnect "abort" (the default), a run whose client left is aborted with its provider request', async () => {
    const threadId = newThread();
    const question = heldQuestion();
    const run = await openStream(`${a.url}/agent/default/run`, runInput(threadId, question.text));
    await run.until((events) => textOf(events) === SO_FAR);
    const reported = a.messages.length;
    run.abort();
    expect(await within((await question.request).closedEarly, 5000, "the provider request's close")).toBe(true);
    await a.next((message) => message.type === "error" && message.source === "run" && message.code === "aborted", reported);
    // B replays the conversation; no run is left to rejoin
    await vi.waitFor(async () => {
      const replay = await ended(await openStream(`${b.url}/agent/default/connect`, { threadId }));
      expect(types(replay)).toEqual(["RUN_STARTED", "MESSAGES_SNAPSHOT", "RUN_FINISHED"]);
      expect(snapshotOf(replay)?.[0]).toMatchObject({ role: "user", content: question.text });
    });
  });

  it("leaves no Redis connection behind for a connect whose client left before its live part", async () => {
    const threadId = newThread();
    const question = heldQuestion();
    const run = await openStream(`${a.url}/agent/default/run`, runInput(threadId, question.text));
    await run.until((events) => textOf(events) === SO_FAR);
    const connections = async () =>
      String(await redis.admin.client("LIST"))
        .trim()
        .split("\n").length;
    const before = await connections();
    const reported = b.messages.length;
    // clients that send a connect and go at once (a closed tab): B answers connections already gone
    const body = JSON.stringify({ threadId });
    const request = [`POST ${new URL(b.url).pathname}/agent/default/connect HTTP/1.1`, "host: 127.0.0.1", "content-type: application/json"];
    for (let i = 0; i < 5; i++) {
      const socket = connectTcp(b.port, "127.0.0.1");
      socket.on("error", () => undefined);
      socket.end([...request, `content-length: ${body.length}`, "", body].join("\r\n"), () => socket.destroy());
    }
    const answered = () => b.messages.slice(reported).filter((message) => message.type === "answered" && message.path.endsWith("/connect"));
    await vi.waitFor(() => expect(answered()).toHaveLength(5));
    question.release();
    expect(last(await ended(run))).toMatchObject({ type: "RUN_FINISHED" });
    await vi.waitFor(async () => expect(await connections()).toBe(before), { timeout: 3000, interval: 50 });
  });

  it("replays finished threads after every instance restarted", async () => {
    const threads = [await finishedThread(a), await finishedThread(b)];
    const old = [a, b, c];
    await Promise.all(old.map((instance) => instance.kill()));
    await startAll();
    expect([a, b, c].some((instance) => old.includes(instance))).toBe(false);
    for (const { threadId, conversation } of threads) {
      for (const instance of [a, b]) {
        const replay = await ended(await openStream(`${instance.url}/agent/default/connect`, { threadId }));
        expect(types(replay)).toEqual(["RUN_STARTED", "MESSAGES_SNAPSHOT", "RUN_FINISHED"]);
        expect(snapshotOf(replay)).toEqual(conversation);
      }
      // and a real client gets the conversation back through the proxy
      const agent = new HttpAgent({ url: `${proxy.url}/agent/default/connect`, threadId });
      await agent.runAgent();
      expect(agent.messages).toEqual(conversation);
    }
  });

  it("keeps a run streaming while Redis restarts, answers 503 store_unavailable meanwhile, and recovers", async () => {
    const threadId = newThread();
    const question = heldQuestion();
    const run = await openStream(`${a.url}/agent/default/run`, runInput(threadId, question.text));
    await run.until((events) => textOf(events) === SO_FAR);
    const reported = a.messages.length;

    await redis.stop();
    await expectJsonError(await post(`${b.url}/agent/default/connect`, { threadId }), 503, "store_unavailable");
    await expectJsonError(await post(`${b.url}/agent/default/stop/${threadId}`), 503, "store_unavailable");
    await expectJsonError(await post(`${b.url}/agent/default/run`, runInput(newThread(), "hello?")), 503, "store_unavailable");
    // the run on A goes on to its end, for its client
    question.release();
    const events = await ended(run);
    expect(textOf(events)).toBe(ANSWER);
    expect(last(events)).toMatchObject({ type: "RUN_FINISHED" });
    await a.next((message) => message.type === "error" && message.code === "store_unavailable", reported);

    await redis.start(); // empty: the test's Redis keeps nothing on disk
    // runs and connects work again, on every instance, without a restart
    for (const instance of [a, b]) {
      await vi.waitFor(
        async () => {
          const response = await post(`${instance.url}/agent/default/connect`, { threadId: newThread() });
          expect(response.status).toBe(200);
          await response.text();
        },
        { timeout: 10_000, interval: 50 },
      );
    }
    const { threadId: after } = await finishedThread(b);
    const replay = await ended(await openStream(`${a.url}/agent/default/connect`, { threadId: after }));
    expect(snapshotOf(replay)).toHaveLength(2);

    // and a stop from B reaches a run on A again
    const stoppedThread = newThread();
    const again = heldQuestion();
    const stopping = await openStream(`${a.url}/agent/default/run`, runInput(stoppedThread, again.text));
    await stopping.until((streamed) => textOf(streamed) === SO_FAR);
    expect(await (await post(`${b.url}/agent/default/stop/${stoppedThread}`)).json()).toEqual({ stopped: true });
    expect(await within((await again.request).closedEarly, 5000, "the provider request's close")).toBe(true);
    expect(last(await ended(stopping))).toMatchObject({ type: "RUN_ERROR", code: "stopped" });
  });
});
