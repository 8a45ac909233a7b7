import { ConfigurationError, CopilotRuntimeError, redactSecrets, type Message } from "@copilot-runtime/protocol";
import { Redis, type RedisOptions } from "ioredis";
import { threadKeys, stopChannel, type ThreadKeys } from "./keys.js";
import { followRun, readRun, runLostFrame } from "./run-stream.js";
import { RedisScript } from "./redis-script.js";
import { BEGIN, END, RENEW } from "./scripts.js";

// Structural copies of core's RunStore types (this package depends on protocol only).
interface BeginRun {
  threadKey: string;
  runId: string;
  messages: Message[];
  abort: () => void;
}
interface ThreadReplay {
  messages: Message[];
  active?: { runId: string; frames: readonly string[]; live: AsyncIterable<string>; close?(): void };
}

export interface RedisRunStoreOptions {
  /** `redis://` or `rediss://` (TLS, e.g. Upstash) URL; the store makes and closes its own client. */
  url?: string;
  /** Or a configured `ioredis` client; the store does not close it. */
  client?: Redis;
  /** Options for the client the store makes from `url` (e.g. `{ tls: { ca } }` for a private CA, `password`). */
  redisOptions?: RedisOptions;
  /** Prepended to every key. Default "copilot-runtime:". */
  keyPrefix?: string;
  /** How long a thread's conversation is kept after its last run. Default 7 days. */
  threadTtlMs?: number;
  /** How long a run holds its thread without renewing: an instance that dies frees the thread after this. Default 15 s. */
  leaseMs?: number;
  /** How long a running run's frames are kept without renewal (renewed while it runs). Default 1 hour. */
  frameTtlMs?: number;
  /** How long a run's frames are kept after it ended (its conversation is kept by then). Default 60 s. */
  endedFrameTtlMs?: number;
  /** Frames kept per run; past it (or `maxRunBytes`), the run is no longer replayed frame by frame. Default 20 000. */
  maxFramesPerRun?: number;
  /** Bytes of frames kept per run. Default 8 MiB. */
  maxRunBytes?: number;
  /** A Redis call that takes longer fails with `store_unavailable`. Default 3000 ms. */
  operationTimeoutMs?: number;
}

interface LocalRun {
  threadKey: string;
  runId: string;
  token: string;
  keys: ThreadKeys;
  stream: string;
  abort: () => void;
  pending: string[];
  frames: number;
  bytes: number;
  truncated: boolean;
  truncationWritten: boolean;
}

const DAY = 24 * 60 * 60 * 1000;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value == null) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new ConfigurationError(`RedisRunStore: \`${name}\` must be a positive number, got ${value}.`);
  return value;
}

/** A Redis call failed or took too long: the store is unavailable (503 before streaming). */
export class StoreUnavailableError extends CopilotRuntimeError {
  override name = "StoreUnavailableError";
  constructor(cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super("store_unavailable", `The run store (Redis) is unavailable: ${redactSecrets(detail)}`.slice(0, 500), { status: 503, cause });
  }
}

/**
 * A `RunStore` shared by every instance of the runtime through one Redis: threads survive
 * restarts (with a TTL), a run streaming on one instance can be rejoined from another (Redis
 * Streams, one write per tick), stop reaches the instance running the run (pub/sub), and one run
 * per thread holds cluster-wide through a lease that an instance which dies lets lapse.
 */
export class RedisRunStore {
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly prefix: string;
  private readonly threadTtlMs: number;
  private readonly leaseMs: number;
  private readonly frameTtlMs: number;
  private readonly endedFrameTtlMs: number;
  private readonly maxFramesPerRun: number;
  private readonly maxRunBytes: number;
  private readonly timeoutMs: number;
  private readonly instance = crypto.randomUUID();
  private readonly runs = new Map<string, LocalRun>();
  private readonly readers = new Set<Redis>();
  private subscriber: Promise<Redis> | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private renewTimer: ReturnType<typeof setInterval> | undefined;
  private reporter: (error: unknown) => void = () => undefined;
  private lastReportAt = 0;
  private closed = false;

  constructor(options: RedisRunStoreOptions) {
    if (options == null || (options.url == null) === (options.client == null)) {
      throw new ConfigurationError("RedisRunStore needs either `url` (redis:// or rediss://) or `client` (an ioredis client).");
    }
    if (options.url != null && !/^rediss?:\/\//.test(options.url)) {
      throw new ConfigurationError("RedisRunStore: `url` must start with redis:// or rediss://.");
    }
    this.prefix = options.keyPrefix ?? "copilot-runtime:";
    this.threadTtlMs = positive("threadTtlMs", options.threadTtlMs, 7 * DAY);
    this.leaseMs = positive("leaseMs", options.leaseMs, 15_000);
    this.frameTtlMs = positive("frameTtlMs", options.frameTtlMs, 60 * 60 * 1000);
    this.endedFrameTtlMs = positive("endedFrameTtlMs", options.endedFrameTtlMs, 60_000);
    this.maxFramesPerRun = positive("maxFramesPerRun", options.maxFramesPerRun, 20_000);
    this.maxRunBytes = positive("maxRunBytes", options.maxRunBytes, 8 * 1024 * 1024);
    this.timeoutMs = positive("operationTimeoutMs", options.operationTimeoutMs, 3000);
    this.ownsClient = options.client == null;
    this.client =
      options.client ??
      new Redis(options.url!, {
        // fail fast while Redis is away (the store answers store_unavailable), reconnect in the background
        maxRetriesPerRequest: 1,
        connectTimeout: 5000,
        retryStrategy: (times) => Math.min(times * 100, 2000),
        ...options.redisOptions,
      });
    this.watch(this.client);
  }

  /** Where failures that reach no caller go (the runtime passes its `onError`). */
  reportErrorsTo(reporter: (error: unknown) => void): void {
    this.reporter = reporter;
  }

  async begin(run: BeginRun): Promise<boolean> {
    const keys = threadKeys(this.prefix, run.threadKey);
    const token = `${run.runId} ${this.instance}`;
    const stream = keys.run(run.runId);
    // listen for stops before the run can be seen, so that none is missed
    await this.call(this.subscribe());
    const claimed = await this.call(
      new RedisScript(BEGIN).run(
        this.client,
        [keys.lease, keys.thread, stream],
        [token, this.leaseMs, run.runId, JSON.stringify(run.messages), this.threadTtlMs, this.frameTtlMs],
      ),
    );
    if (claimed !== 1) return false;
    this.runs.set(run.threadKey, {
      threadKey: run.threadKey,
      runId: run.runId,
      token,
      keys,
      stream,
      abort: run.abort,
      pending: [],
      frames: 0,
      bytes: 0,
      truncated: false,
      truncationWritten: false,
    });
    this.startRenewing();
    return true;
  }

  /** Called for every frame: buffered, and written once per tick for all runs of this instance. */
  frame(threadKey: string, runId: string, frame: string): void {
    const run = this.runs.get(threadKey);
    if (run === undefined || run.runId !== runId || run.truncated) return;
    run.frames++;
    run.bytes += frame.length;
    if (run.frames > this.maxFramesPerRun || run.bytes > this.maxRunBytes) run.truncated = true;
    else run.pending.push(frame);
    this.scheduleFlush();
  }

  async end(threadKey: string, runId: string, messages: Message[]): Promise<void> {
    const local = this.runs.get(threadKey);
    const run = local?.runId === runId ? local : undefined;
    if (run) {
      // its last frames first, in order, then the end
      this.flushing = this.flushing.then(() => this.flush());
      await this.flushing;
      this.runs.delete(threadKey);
      if (this.runs.size === 0) this.stopRenewing();
    }
    const keys = threadKeys(this.prefix, threadKey);
    await this.call(
      new RedisScript(END).run(
        this.client,
        [keys.lease, keys.thread, keys.run(runId)],
        [run?.token ?? "", runId, JSON.stringify(messages), this.threadTtlMs, this.endedFrameTtlMs],
      ),
    );
  }

  async connect(threadKey: string): Promise<ThreadReplay | undefined> {
    const keys = threadKeys(this.prefix, threadKey);
    const [thread, lease] = await this.call(Promise.all([this.client.hgetall(keys.thread), this.client.get(keys.lease)]));
    if (thread.messages === undefined) return undefined;
    const messages = JSON.parse(thread.messages) as Message[];
    const runId = thread.run;
    if (runId === undefined) return { messages };
    const stream = keys.run(runId);
    const read = await this.call(readRun(this.client, stream));
    if (read === undefined || read.ended || read.truncated) return { messages };
    const held = lease !== null && lease.startsWith(`${runId} `);
    if (!held) {
      // the instance running it went away before its end: the run is lost
      return { messages, active: { runId, frames: read.frames, live: once(runLostFrame()) } };
    }
    const following = new AbortController();
    const live = followRun({
      signal: following.signal,
      // a connection of its own for the blocking reads, opened when the frames are first read
      openReader: () => {
        const reader = this.client.duplicate();
        this.watch(reader);
        this.readers.add(reader);
        return reader;
      },
      closeReader: (reader) => {
        if (!this.readers.delete(reader)) return;
        reader.disconnect();
      },
      client: this.client,
      stream,
      lease: keys.lease,
      runId,
      after: read.lastId,
      onError: (error) => this.report(error),
    });
    return { messages, active: { runId, frames: read.frames, live, close: () => following.abort() } };
  }

  async stop(threadKey: string): Promise<boolean> {
    const local = this.runs.get(threadKey);
    if (local) {
      local.abort();
      return true;
    }
    const keys = threadKeys(this.prefix, threadKey);
    const token = await this.call(this.client.get(keys.lease));
    if (token === null) return false;
    // at once over pub/sub; the key is the fallback the running instance reads when it renews its lease
    await this.call(
      this.client
        .multi()
        .set(keys.stop, token, "PX", this.leaseMs)
        .publish(stopChannel(this.prefix), JSON.stringify({ threadKey, token }))
        .exec(),
    );
    return true;
  }

  /** Stops renewing, closes the store's connections (and its client, when it made it). Runs still going lose their lease. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopRenewing();
    for (const reader of this.readers) reader.disconnect();
    this.readers.clear();
    const subscriber = await this.subscriber?.catch(() => undefined);
    subscriber?.disconnect();
    if (this.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }

  private subscribe(): Promise<Redis> {
    this.subscriber ??= (async () => {
      // ioredis's own resubscribe after a reconnect leaves its promise unhandled: closing the store while it is under
      // way (right after Redis came back) failed it as an unhandled rejection. The store resubscribes itself instead.
      const subscriber = this.client.duplicate({ autoResubscribe: false });
      this.watch(subscriber);
      subscriber.on("message", (_channel: string, message: string) => this.onStop(message));
      let subscribed = false;
      subscriber.on("ready", () => {
        if (subscribed) subscriber.subscribe(stopChannel(this.prefix)).catch((error: unknown) => this.report(error));
      });
      await subscriber.subscribe(stopChannel(this.prefix));
      subscribed = true;
      return subscriber;
    })().catch((error: unknown) => {
      this.subscriber = undefined;
      throw error;
    });
    return this.subscriber;
  }

  private onStop(message: string): void {
    let request: { threadKey?: unknown; token?: unknown };
    try {
      request = JSON.parse(message) as typeof request;
    } catch {
      return;
    }
    if (typeof request.threadKey !== "string") return;
    const run = this.runs.get(request.threadKey);
    if (run !== undefined && run.token === request.token) run.abort();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushing = this.flushing.then(() => this.flush());
    });
  }

  /** Writes every run's pending frames: one entry per run, all in one round trip. */
  private async flush(): Promise<void> {
    const pipeline = this.client.pipeline();
    let writes = 0;
    for (const run of this.runs.values()) {
      if (run.pending.length > 0) {
        pipeline.xadd(run.stream, "*", ...run.pending.flatMap((frame) => ["f", frame]));
        run.pending = [];
        writes++;
      }
      if (run.truncated && !run.truncationWritten) {
        pipeline.xadd(run.stream, "*", "truncated", "1");
        run.truncationWritten = true;
        writes++;
      }
    }
    if (writes === 0) return;
    try {
      const results = await this.call(pipeline.exec());
      const failed = results?.find(([error]) => error != null);
      if (failed) this.report(new StoreUnavailableError(failed[0]));
    } catch (error) {
      // the run goes on streaming to its client; a rejoin may miss these frames
      this.report(error);
    }
  }

  private startRenewing(): void {
    if (this.renewTimer !== undefined) return;
    this.renewTimer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref?.();
  }

  private stopRenewing(): void {
    if (this.renewTimer !== undefined) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  private async renew(): Promise<void> {
    const script = renewScript;
    await Promise.all(
      [...this.runs.values()].map(async (run) => {
        try {
          const held = await this.call(
            script.run(
              this.client,
              [run.keys.lease, run.keys.thread, run.stream, run.keys.stop],
              [run.token, this.leaseMs, this.threadTtlMs, this.frameTtlMs],
            ),
          );
          if (held === 2)
            run.abort(); // a stop whose message this instance missed
          else if (held !== 1) {
            this.report(
              new CopilotRuntimeError("run_lost", `The run ${JSON.stringify(run.runId)} lost its hold on its thread (its lease lapsed).`, {
                status: 409,
              }),
            );
          }
        } catch (error) {
          this.report(error);
        }
      }),
    );
  }

  /** A Redis call, bounded in time; any failure is `store_unavailable`. */
  private async call<T>(operation: Promise<T>): Promise<T> {
    // a call that loses the race to the timeout may still fail later (e.g. "Connection is closed"): not unhandled
    operation.catch(() => undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([operation, timeout]);
    } catch (error) {
      throw error instanceof CopilotRuntimeError ? error : new StoreUnavailableError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Tells the runtime, at most once a second: an outage would otherwise report every tick. */
  private report(error: unknown): void {
    if (this.closed) return;
    const now = Date.now();
    if (now - this.lastReportAt < 1000) return;
    this.lastReportAt = now;
    try {
      this.reporter(error instanceof CopilotRuntimeError ? error : new StoreUnavailableError(error));
    } catch {
      // a failing reporter must not break the store
    }
  }

  private watch(connection: Redis): void {
    connection.on("error", (error: unknown) => this.report(error));
  }
}

const renewScript = new RedisScript(RENEW);

async function* once(frame: string): AsyncGenerator<string> {
  yield frame;
}
