// Test helper (not part of the package): a redis-server of the test's own, on a free port,
// without persistence. Tests that need it skip loudly without redis-server, and fail under REQUIRE_REDIS=1.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { Redis } from "ioredis";

const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? "/usr/bin/redis-server";

export const hasRedisServer = existsSync(REDIS_SERVER);
if (!hasRedisServer) {
  const message = `redis-server not found at ${REDIS_SERVER} (apt-get install -y redis-server): the Redis tests cannot run.`;
  if (process.env.REQUIRE_REDIS) throw new Error(message);
  console.warn(`\n*** SKIPPING the Redis tests: ${message} ***\n`);
}

export interface TestRedis {
  url: string;
  port: number;
  /** A client for inspecting keys. */
  admin: Redis;
  /** Stops the server (the port stays known, for `start()` again). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function ready(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") return;
    } catch {
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      probe.disconnect();
    }
  }
}

export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await ready(port);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once("exit", () => resolve());
      running.kill("SIGKILL");
    });
  };
  await start();
  const admin = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
  admin.on("error", () => undefined);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    admin,
    stop,
    start,
    close: async () => {
      admin.disconnect();
      await stop();
    },
  };
}
