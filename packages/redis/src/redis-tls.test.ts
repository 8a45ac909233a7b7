import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisRateLimitStore } from "./redis-rate-limit-store.js";
import { RedisRunStore } from "./redis-run-store.js";
import { hasRedisServer, startTestRedis, type TestRedis } from "./test-redis-server.js";

const certFile = fileURLToPath(new URL("./fixtures/tls-cert.pem", import.meta.url));
const keyFile = fileURLToPath(new URL("./fixtures/tls-key.pem", import.meta.url));
const ca = readFileSync(certFile, "utf8");

describe.skipIf(!hasRedisServer)("over TLS (rediss://), as hosted Redis such as Upstash speaks it", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis({ tls: { certFile, keyFile, ca } });
  });
  afterAll(async () => {
    await redis?.close();
  });

  it("keeps a thread and counts rate-limit hits through a rediss:// URL", async () => {
    expect(redis.url.startsWith("rediss://")).toBe(true);
    const store = new RedisRunStore({ url: redis.url, redisOptions: { tls: { ca } } });
    const limits = new RedisRateLimitStore({ url: redis.url, redisOptions: { tls: { ca } } });
    try {
      const message = { id: "u1", role: "user" as const, content: "hi" };
      expect(await store.begin({ threadKey: "t-tls", runId: "r1", messages: [message], abort: () => undefined })).toBe(true);
      await store.end("t-tls", "r1", [message]);
      expect(await store.connect("t-tls")).toEqual({ messages: [message] });
      expect((await limits.hit("k", 1000)).count).toBe(1);
    } finally {
      await store.close();
      await limits.close();
    }
  });

  it("refuses a server whose certificate it cannot trust: store_unavailable, not a crash", async () => {
    const store = new RedisRunStore({ url: redis.url, operationTimeoutMs: 1000 });
    try {
      await expect(store.connect("t-tls")).rejects.toMatchObject({ code: "store_unavailable", status: 503 });
    } finally {
      await store.close();
    }
  });
});
