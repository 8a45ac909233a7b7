import { afterEach, describe, expect, it } from "vitest";
import { ScriptedAdapter } from "@copilot-runtime/testing";
import { bearerAuth } from "./bearer-auth.js";
import { bodyLimit } from "./body-limit.js";
import { compose } from "./compose.js";
import { MemoryRateLimitStore, rateLimit, type RateLimitStore } from "./rate-limit.js";
import { runBody, serve, type TestServer } from "./test-server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("rateLimit", () => {
  it("answers 429 with Retry-After past the limit, and reports the budget before", async () => {
    server = await serve({ middleware: rateLimit({ limit: 2, windowMs: 60_000 }) });
    const first = await server.run();
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-limit")).toBe("2");
    expect(first.headers.get("ratelimit-remaining")).toBe("1");
    await first.text();
    expect((await server.run()).status).toBe(200);
    const third = await server.run();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(third.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(await third.json()).toEqual({
      error: "rate_limited",
      message: expect.stringMatching(/^Too many requests: the limit is 2 per 60 s/),
    });
    expect((await fetch(`${server.url}/info`)).status).toBe(200); // not counted
  });

  it("counts per verified user when auth runs first", async () => {
    const users: Record<string, { id: string }> = { "token-a": { id: "a" }, "token-b": { id: "b" } };
    server = await serve({
      middleware: compose(bearerAuth({ verify: (token) => users[token] }), rateLimit({ limit: 1, windowMs: 60_000 })),
    });
    expect((await server.run(undefined, { authorization: "Bearer token-a" })).status).toBe(200);
    expect((await server.run(undefined, { authorization: "Bearer token-a" })).status).toBe(429);
    expect((await server.run(undefined, { authorization: "Bearer token-b" })).status).toBe(200);
  });

  it("uses a store you give it (e.g. a shared one)", async () => {
    const keys: string[] = [];
    const store: RateLimitStore = {
      hit(key) {
        keys.push(key);
        return { count: 99, resetAt: Date.now() + 5000 };
      },
    };
    server = await serve({ middleware: rateLimit({ limit: 10, windowMs: 1000, store, key: () => "tenant-7" }) });
    expect((await server.run()).status).toBe(429);
    expect(keys).toEqual(["tenant-7"]);
  });

  it("the memory store opens a new window when the old one ends, and stays bounded", () => {
    const store = new MemoryRateLimitStore(3);
    expect(store.hit("x", 1).count).toBe(1);
    const later = Date.now() + 5;
    while (Date.now() < later) {
      // let the 1 ms window end
    }
    expect(store.hit("x", 1).count).toBe(1);
    for (const key of ["a", "b", "c", "d", "e"]) store.hit(key, 60_000);
    expect(store.size).toBeLessThanOrEqual(3);
  });
});

describe("bodyLimit", () => {
  it("answers 413 from content-length before the LLM is called", async () => {
    const adapter = new ScriptedAdapter({ respond: () => ({ text: "never" }) });
    server = await serve({ middleware: bodyLimit({ maxBytes: 1000 }) }, adapter);
    const response = await server.run(runBody("x".repeat(2000)));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "payload_too_large", message: "Request body exceeds the limit of 1000 bytes." });
    expect(adapter.requests).toHaveLength(0);
  });

  it("stops a streamed body without length once it passes the limit", async () => {
    server = await serve({ middleware: bodyLimit({ maxBytes: 1000 }) });
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 50_000) return controller.close();
        sent += 500;
        controller.enqueue(new TextEncoder().encode(" ".repeat(500)));
      },
    });
    const response = await fetch(`${server.url}/agent/default/run`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toBe("payload_too_large");
  });

  it("lets a body under the limit through", async () => {
    server = await serve({ middleware: bodyLimit({ maxBytes: 10_000 }) });
    const response = await server.run();
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("RUN_FINISHED");
  });
});
