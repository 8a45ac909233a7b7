// Test helper (a small copy of @copilot-runtime/redis's own): a redis-server of the test's own on a free port,
// without persistence. Tests that need it skip loudly without redis-server, and fail under REQUIRE_REDIS=1.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { Redis } from "ioredis";

const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? "/usr/bin/redis-server";

export const hasRedisServer = existsSync(REDIS_SERVER);
if (!hasRedisServer) {
  const message = `redis-server not found at ${REDIS_SERVER} (apt-get install -y redis-server): the demo's Redis tests cannot run.`;
  if (process.env.REQUIRE_REDIS) throw new Error(message);
  console.warn(`\n*** SKIPPING the demo's Redis tests: ${message} ***\n`);
}

export interface TestRedis {
  url: string;
  /** A client for inspecting keys. */
  admin: Redis;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // waits for the server: retries every 50 ms, for 10 s at most
  const admin = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: null, retryStrategy: (times) => (times > 200 ? null : 50) });
  admin.on("error", () => undefined);
  const close = async () => {
    admin.disconnect();
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  try {
    if ((await admin.ping()) !== "PONG") throw new Error("no PONG");
  } catch (error) {
    await close();
    throw new Error(`redis-server on port ${port} did not start: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return { url: `redis://127.0.0.1:${port}`, admin, close };
}
