import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CopilotRuntime } from "@copilot-runtime/core";
import { rateLimit } from "@copilot-runtime/middleware";
import { ScriptedAdapter } from "@copilot-runtime/testing";
import { RedisRateLimitStore } from "./redis-rate-limit-store.js";
import { hasRedisServer, startTestRedis, type TestRedis } from "./test-redis-server.js";

describe.skipIf(!hasRedisServer)("RedisRateLimitStore", () => {
  let redis: TestRedis;
  const stores: RedisRateLimitStore[] = [];
  const store = (keyPrefix = "rl:") => {
    const made = new RedisRateLimitStore({ url: redis.url, keyPrefix });
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

  it("counts the hits of every instance in one window, atomically, and the key expires with it", async () => {
    const [a, b] = [store(), store()];
    const hits = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).hit("user:ada", 60_000)));
    expect(hits.map((hit) => hit.count).toSorted((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const resetAt = hits[0]!.resetAt;
    expect(resetAt).toBeGreaterThan(Date.now() + 58_000);
    expect(resetAt).toBeLessThanOrEqual(Date.now() + 60_000);
    const ttl = await redis.admin.pttl("rl:user%3Aada");
    expect(ttl).toBeGreaterThan(58_000);
  });

  it("starts a new window when the old one ends", async () => {
    const a = store();
    expect((await a.hit("user:bob", 150)).count).toBe(1);
    expect((await a.hit("user:bob", 150)).count).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await a.hit("user:bob", 150)).count).toBe(1);
  });

  it("holds a rateLimit across two runtimes", async () => {
    const adapter = new ScriptedAdapter({ respond: () => ({ text: "ok" }) });
    const runtimes = [store("shared:"), store("shared:")].map((limitStore) =>
      new CopilotRuntime({
        middleware: rateLimit({ limit: 3, windowMs: 60_000, store: limitStore, key: () => "client" }),
      }).handler({ serviceAdapter: adapter }),
    );
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await runtimes[i % 2]!(
        new Request("http://localhost/agent/default/run", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ threadId: `t-${i}`, runId: `r-${i}`, messages: [{ id: "u", role: "user", content: "hi" }] }),
        }),
      );
      statuses.push(response.status);
      await response.body?.cancel();
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it("refuses a misconfiguration", () => {
    expect(() => new RedisRateLimitStore({})).toThrow(/needs either `url`/);
  });
});
