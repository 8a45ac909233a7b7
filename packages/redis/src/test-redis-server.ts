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

/** A server that speaks TLS only (`rediss://`), with this certificate and key (files). */
export interface TestRedisTls {
  certFile: string;
  keyFile: string;
  /** The certificate's PEM, for the clients' `tls.ca`. */
  ca: string;
}

async function ready(port: number, tls: TestRedisTls | undefined): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis({
      port,
      host: "127.0.0.1",
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      ...(tls ? { tls: { ca: tls.ca } } : {}),
    });
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

export async function startTestRedis(options: { tls?: TestRedisTls } = {}): Promise<TestRedis> {
  const port = await freePort();
  const { tls } = options;
  const listen = tls
    ? ["--port", "0", "--tls-port", String(port), "--tls-cert-file", tls.certFile, "--tls-key-file", tls.keyFile]
    : ["--port", String(port)];
  const tlsArgs = tls ? ["--tls-ca-cert-file", tls.certFile, "--tls-auth-clients", "no"] : [];
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(REDIS_SERVER, [...listen, ...tlsArgs, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await ready(port, tls);
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
  const admin = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1, ...(tls ? { tls: { ca: tls.ca } } : {}) });
  admin.on("error", () => undefined);
  return {
    url: `${tls ? "rediss" : "redis"}://127.0.0.1:${port}`,
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
