// Test helper (not part of the package): runtime instances as real processes sharing one Redis, a round-robin
// HTTP proxy in front of them, and a reader of live SSE streams, for the multi-instance tests.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BaseEvent } from "@copilot-runtime/protocol";
import { parseSSE } from "@copilot-runtime/testing";
import type { InstanceMessage } from "./test-instance.js";

/** Where the instances mount the runtime. */
export const INSTANCE_ENDPOINT = "/api/copilotkit";

const SOURCES = fileURLToPath(new URL(".", import.meta.url));

export interface InstanceConfig {
  redisUrl: string;
  openaiBaseUrl: string;
  leaseMs: number;
  operationTimeoutMs?: number;
  onClientDisconnect?: "abort" | "continue";
}

/** One runtime process. */
export interface Instance {
  readonly name: string;
  readonly port: number;
  /** The runtime's base URL, e.g. http://127.0.0.1:1234/api/copilotkit */
  readonly url: string;
  /** Everything it reported so far. */
  readonly messages: InstanceMessage[];
  /** Resolves with the first message from the `since`-th on (already reported or to come) that matches. */
  next(match: (message: InstanceMessage) => boolean, since?: number): Promise<InstanceMessage>;
  readonly alive: boolean;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
}

/** Starts instances of the runtime. */
export interface InstanceLauncher {
  /** Starts an instance and waits until it listens (its start-up failure, or exit, rejects). */
  start(name: string, config: InstanceConfig): Promise<Instance>;
  /** Removes the compiled script. */
  remove(): Promise<void>;
}

/**
 * Compiles test-instance.ts and this package's sources it imports (types stripped with TypeScript's
 * `transpileModule`; the typecheck checks them) into a temporary directory, and starts instances from there:
 * an instance runs the store from src, never a missing or stale dist (turbo builds a package's dependencies
 * before its tests, not the package itself), and starts in a fraction of a second.
 */
export async function prepareInstances(): Promise<InstanceLauncher> {
  const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");
  const dir = await mkdtemp(join(tmpdir(), "copilot-runtime-redis-instance-"));
  try {
    // the packages the script imports resolve from this package's node_modules
    await symlink(join(SOURCES, "..", "node_modules"), join(dir, "node_modules"), "dir");
    await writeFile(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    for (const file of await readdir(SOURCES)) {
      if (!file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
      const { outputText } = ts.transpileModule(await readFile(join(SOURCES, file), "utf8"), {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      });
      await writeFile(join(dir, file.replace(/\.ts$/, ".js")), outputText);
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const entry = join(dir, "test-instance.js");
  return {
    start: (name, config) => startInstance(entry, name, config),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

async function startInstance(entry: string, name: string, config: InstanceConfig): Promise<Instance> {
  const child: ChildProcess = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      REDIS_URL: config.redisUrl,
      OPENAI_BASE_URL: config.openaiBaseUrl,
      LEASE_MS: String(config.leaseMs),
      OPERATION_TIMEOUT_MS: String(config.operationTimeoutMs ?? 1000),
      ON_CLIENT_DISCONNECT: config.onClientDisconnect ?? "abort",
      ENDPOINT: INSTANCE_ENDPOINT,
    },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => void (stderr = (stderr + chunk.toString("utf8")).slice(-4000)));
  const messages: InstanceMessage[] = [];
  const waiters = new Set<{ match: (message: InstanceMessage) => boolean; resolve: (message: InstanceMessage) => void }>();
  child.on("message", (message: InstanceMessage) => {
    messages.push(message);
    for (const waiter of waiters) {
      if (!waiter.match(message)) continue;
      waiters.delete(waiter);
      waiter.resolve(message);
    }
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.on("message", (message: InstanceMessage) => {
      if (message.type === "listening") resolve(message.port);
    });
    void exited.then(() => reject(new Error(`instance ${name} exited before listening:\n${stderr}`)));
  });
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}${INSTANCE_ENDPOINT}`,
    messages,
    next: (match, since = 0) => {
      const found = messages.slice(since).find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.add({ match, resolve }));
    },
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** A request the proxy passed on, and to which instance. */
export interface ProxiedRequest {
  method: string;
  path: string;
  instance: string;
}

export interface RoundRobinProxy {
  /** The runtime's base URL through the proxy. */
  readonly url: string;
  readonly log: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * A round-robin HTTP proxy over the live instances `targets()` gives. It streams both ways as the bytes come
 * (an SSE answer is never buffered), closes the instance's request when its client goes away, and cuts the
 * client's response when the instance dies mid-answer, as a load balancer does.
 */
export async function startRoundRobinProxy(targets: () => readonly Instance[]): Promise<RoundRobinProxy> {
  const log: ProxiedRequest[] = [];
  let turn = 0;
  const server: Server = createServer((req, res) => {
    const live = targets().filter((instance) => instance.alive);
    const target = live[turn++ % Math.max(1, live.length)];
    if (target === undefined) {
      res.writeHead(502).end();
      return;
    }
    log.push({ method: req.method ?? "GET", path: req.url ?? "/", instance: target.name });
    const upstream = httpRequest(
      { host: "127.0.0.1", port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.flushHeaders();
        answer.on("data", (chunk: Buffer) => res.write(chunk));
        answer.on("end", () => res.end());
        // the instance died mid-answer: the client's response is cut too
        answer.on("close", () => {
          if (!answer.complete) res.destroy();
        });
        answer.on("error", () => res.destroy());
      },
    );
    upstream.on("error", () => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502).end();
    });
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${INSTANCE_ENDPOINT}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An SSE response read as it comes. */
export interface LiveStream {
  readonly events: BaseEvent[];
  /** Resolves when the stream ended (normally, or cut: then `cut` holds the failure). */
  readonly done: Promise<void>;
  readonly cut: unknown;
  /** Resolves as soon as `condition(events)` holds; rejects when the stream ends first. */
  until(condition: (events: readonly BaseEvent[]) => boolean): Promise<void>;
  /** Goes away (the client closes the connection). */
  abort(): void;
}

/** POSTs `body` and reads the SSE answer as it comes; a non-SSE answer rejects with its status and body. */
export async function openStream(url: string, body: unknown): Promise<LiveStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  if (!(response.headers.get("content-type") ?? "").startsWith("text/event-stream") || response.body === null) {
    throw new Error(`expected an SSE answer from ${url}, got ${response.status}: ${await response.text()}`);
  }
  const events: BaseEvent[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  let cut: unknown;
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const done = (async () => {
    let buffer = "";
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buffer += value;
        const end = buffer.lastIndexOf("\n\n");
        if (end === -1) continue;
        events.push(...parseSSE(buffer.slice(0, end + 2)));
        buffer = buffer.slice(end + 2);
        wake();
      }
      if (buffer.trim() !== "") throw new Error(`the stream ended inside a frame: ${JSON.stringify(buffer)}`);
    } catch (error) {
      cut = error;
    } finally {
      ended = true;
      wake();
    }
  })();
  return {
    events,
    done,
    get cut() {
      return cut;
    },
    until: (condition) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (condition(events)) {
            waiters.delete(check);
            resolve();
          } else if (ended) {
            waiters.delete(check);
            reject(new Error(`the stream ended before the awaited event; it had: ${events.map((event) => event.type).join(", ")}`));
          }
        };
        waiters.add(check);
        check();
      }),
    abort: () => controller.abort(),
  };
}
