import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CopilotRuntimeError, type Message } from "@copilot-runtime/protocol";
import { describeRunStoreConformance } from "@copilot-runtime/testing/conformance";
import { RedisRunStore, type RedisRunStoreOptions } from "./redis-run-store.js";
import { hasRedisServer, startTestRedis, type TestRedis } from "./test-redis-server.js";

const user = (content: string): Message => ({ id: `u-${content}`, role: "user", content });
const frame = (text: string) => `data: ${JSON.stringify({ type: "TEXT_MESSAGE_CONTENT", messageId: "m", delta: text })}\n\n`;

async function collect(live: AsyncIterable<string>): Promise<string[]> {
  const frames: string[] = [];
  for await (const item of live) frames.push(item);
  return frames;
}

describe.skipIf(!hasRedisServer)("RedisRunStore", () => {
  let redis: TestRedis;
  const stores: RedisRunStore[] = [];
  const store = (options: Partial<RedisRunStoreOptions> = {}) => {
    const made = new RedisRunStore({ url: redis.url, keyPrefix: "test:", ...options });
    stores.push(made);
    return made;
  };

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    for (const made of stores) await made.close();
    await redis?.close();
  });

  describeRunStoreConformance({
    name: "RedisRunStore",
    create: () => store(),
    createPeer: () => store(),
  });

  it("keeps a thread with its TTL, holds it with a lease, and writes the frames of one tick as one entry", async () => {
    const a = store({ threadTtlMs: 60_000, leaseMs: 5000 });
    await a.begin({ threadKey: "user-1\u0000t-ttl", runId: "r1", messages: [user("hi")], abort: () => undefined });
    for (let i = 0; i < 50; i++) a.frame("user-1\u0000t-ttl", "r1", frame(String(i)));
    const prefix = "test:{user-1%00t-ttl}";
    await vi.waitFor(async () => expect(await redis.admin.xlen(`${prefix}:run:r1`)).toBe(2)); // the start, then one entry of 50 frames
    expect(await redis.admin.pttl(`${prefix}:thread`)).toBeGreaterThan(50_000);
    expect(await redis.admin.pttl(`${prefix}:lease`)).toBeLessThanOrEqual(5000);
    await a.end("user-1\u0000t-ttl", "r1", [user("hi")]);
    expect(await redis.admin.exists(`${prefix}:lease`)).toBe(0);
    expect(await redis.admin.pttl(`${prefix}:run:r1`)).toBeLessThanOrEqual(60_000);
  });

  it("frees the thread of an instance that went away once its lease lapses, and a rejoin sees the run as lost", async () => {
    const a = store({ leaseMs: 300 });
    const b = store({ leaseMs: 300 });
    await a.begin({ threadKey: "t-lost", runId: "r1", messages: [user("hi")], abort: () => undefined });
    a.frame("t-lost", "r1", frame("one"));
    const following = await vi.waitFor(async () => {
      const found = await b.connect("t-lost");
      expect(found?.active?.frames).toEqual([frame("one")]);
      return found!;
    });
    const live = collect(following.active!.live);
    expect(await b.begin({ threadKey: "t-lost", runId: "r2", messages: [], abort: () => undefined })).toBe(false);
    await a.close(); // the instance dies: nothing renews its lease any more
    const ended = await live;
    expect(ended).toHaveLength(1);
    expect(JSON.parse(ended[0]!.slice(6))).toMatchObject({ type: "RUN_ERROR", code: "run_lost" });
    const after = await b.connect("t-lost");
    expect(after?.messages).toEqual([user("hi")]);
    expect(JSON.parse((await collect(after!.active!.live))[0]!.slice(6))).toMatchObject({ code: "run_lost" });
    expect(await b.begin({ threadKey: "t-lost", runId: "r2", messages: [user("hi")], abort: () => undefined })).toBe(true);
    await b.end("t-lost", "r2", [user("hi"), user("again")]);
    expect(await b.connect("t-lost")).toEqual({ messages: [user("hi"), user("again")] });
  });

  it("does not let an ended run overwrite the conversation of the run that took the thread over", async () => {
    const a = store({ leaseMs: 200 });
    const b = store({ leaseMs: 5000 });
    await a.begin({ threadKey: "t-fence", runId: "r1", messages: [user("one")], abort: () => undefined });
    await a.close(); // a stalls past its lease
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await b.begin({ threadKey: "t-fence", runId: "r2", messages: [user("two")], abort: () => undefined })).toBe(true);
    const late = store();
    await late.end("t-fence", "r1", [user("stale")]); // r1's end arrives late
    expect((await b.connect("t-fence"))?.messages).toEqual([user("two")]);
    await b.end("t-fence", "r2", [user("two")]);
  });

  it("stops a run whose instance missed the stop message, when it next renews its lease", async () => {
    const a = store({ leaseMs: 300 });
    const abort = vi.fn();
    await a.begin({ threadKey: "t-missed-stop", runId: "r1", messages: [user("hi")], abort });
    // what stop() writes besides its pub/sub message, as if that message was lost on the way
    const token = await redis.admin.get("test:{t-missed-stop}:lease");
    await redis.admin.set("test:{t-missed-stop}:stop", token!, "PX", 300);
    await vi.waitFor(() => expect(abort).toHaveBeenCalled(), { timeout: 2000, interval: 20 });
    await a.end("t-missed-stop", "r1", [user("hi")]);
  });

  it("stops keeping a run's frames past its bound, and then replays only the conversation", async () => {
    const a = store({ maxFramesPerRun: 3 });
    await a.begin({ threadKey: "t-cap", runId: "r1", messages: [user("hi")], abort: () => undefined });
    for (let i = 0; i < 5; i++) a.frame("t-cap", "r1", frame(String(i)));
    await vi.waitFor(async () => expect(await a.connect("t-cap")).toEqual({ messages: [user("hi")] }));
    await a.end("t-cap", "r1", [user("hi")]);
  });

  it("leaves no key behind once the TTLs pass, after many runs", async () => {
    const keys = () => redis.admin.keys("bounded:*");
    expect(await keys()).toEqual([]);
    const a = store({ keyPrefix: "bounded:", threadTtlMs: 400, endedFrameTtlMs: 200, leaseMs: 2000 });
    for (let i = 0; i < 1000; i++) {
      const thread = `t-${i % 100}`;
      await a.begin({ threadKey: thread, runId: `r${i}`, messages: [user("hi")], abort: () => undefined });
      a.frame(thread, `r${i}`, frame("x"));
      await a.end(thread, `r${i}`, [user("hi")]);
    }
    expect((await keys()).length).toBeGreaterThanOrEqual(100);
    await vi.waitFor(async () => expect(await keys()).toEqual([]), { timeout: 5000, interval: 100 });
  });

  it("answers store_unavailable while Redis is away, keeps a running run going, and recovers without a restart", async () => {
    const reported: unknown[] = [];
    // a lease long enough that no renewal (every leaseMs / 3) comes within the test: a stop reaches a run by pub/sub only
    const a = store({ operationTimeoutMs: 500, leaseMs: 600_000 });
    a.reportErrorsTo((error) => reported.push(error));
    const abort = vi.fn();
    await a.begin({ threadKey: "t-outage", runId: "r1", messages: [user("hi")], abort });
    await redis.stop();
    a.frame("t-outage", "r1", frame("while Redis is away")); // never throws
    for (const attempt of [
      () => a.connect("t-outage"),
      () => a.stop("t-elsewhere"),
      () => a.begin({ threadKey: "t-new", runId: "r2", messages: [], abort }),
    ]) {
      const error = await attempt().catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(CopilotRuntimeError);
      expect(error).toMatchObject({ code: "store_unavailable", status: 503 });
    }
    await vi.waitFor(() => expect(reported.length).toBeGreaterThan(0));
    expect(reported[0]).toMatchObject({ code: "store_unavailable" });
    await redis.start();
    // the server came back empty (no persistence): the store works again
    await vi.waitFor(async () => expect(await a.begin({ threadKey: "t-after", runId: "r3", messages: [user("hi")], abort })).toBe(true), {
      timeout: 10_000,
      interval: 200,
    });
    await a.end("t-after", "r3", [user("hi")]);
    expect(await a.connect("t-after")).toEqual({ messages: [user("hi")] });
    // its stop channel came back too: another instance's stop reaches a run here (over pub/sub: no renewal comes)
    const stopped = vi.fn();
    await a.begin({ threadKey: "t-stop-after", runId: "r4", messages: [user("hi")], abort: stopped });
    await vi.waitFor(
      async () => {
        await store().stop("t-stop-after");
        expect(stopped).toHaveBeenCalled();
      },
      { timeout: 3000, interval: 200 },
    );
    await a.end("t-stop-after", "r4", [user("hi")]);
  });

  it("refuses a misconfiguration", () => {
    expect(() => new RedisRunStore({} as RedisRunStoreOptions)).toThrow(/needs either `url`/);
    expect(() => new RedisRunStore({ url: "http://localhost:6379" })).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => new RedisRunStore({ url: redis.url, leaseMs: 0 })).toThrow(/`leaseMs` must be a positive number/);
  });
});
