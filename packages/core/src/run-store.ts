import type { Message } from "@copilot-runtime/protocol";

/** An active run as the store sees it. */
export interface ActiveRun {
  runId: string;
  /** The SSE frames written so far. */
  frames: readonly string[];
  /** Frames written after `frames`, until the run ends (subscribed when `connect` returned). */
  live: AsyncIterable<string>;
  /** The rejoining client went away: stop following at once and release what `live` holds. */
  close?(): void;
}

/** What `connect` replays: the thread's conversation, and the run still going, if any. */
export interface ThreadReplay {
  /** The conversation as of the last finished run (or the input of the active run). */
  messages: Message[];
  active?: ActiveRun;
}

export interface BeginRun {
  /** The thread's key: its id, scoped to the caller's identity when there is one. */
  threadKey: string;
  runId: string;
  /** The conversation the run starts from. */
  messages: Message[];
  /** Stops the run (`stop`). */
  abort: () => void;
}

/**
 * Where threads and their runs are kept, for `connect` (a reloaded page
 * rejoins its thread) and `stop`. The default keeps them in memory, bounded;
 * a shared store (e.g. Redis) can replace it for several instances.
 */
export interface RunStore {
  /** Claims the thread for a run; false when a run is already active on it. */
  begin(run: BeginRun): boolean | Promise<boolean>;
  /** One SSE frame of the active run (called on the hot path: keep it cheap). */
  frame(threadKey: string, runId: string, frame: string): void;
  /** The run ended; `messages` is the conversation after it. */
  end(threadKey: string, runId: string, messages: Message[]): void | Promise<void>;
  connect(threadKey: string): ThreadReplay | undefined | Promise<ThreadReplay | undefined>;
  /** Stops the thread's active run; false when none is active. */
  stop(threadKey: string): boolean | Promise<boolean>;
  /**
   * Where the store reports failures that reach no caller (e.g. frames it could not write while a run
   * goes on): the runtime passes its `onError` (source "store") once, when it is created.
   */
  reportErrorsTo?(reporter: (error: unknown) => void): void;
  /** Writes what is pending and releases connections; the runtime calls it last in `close()`. */
  close?(): void | Promise<void>;
}

export interface MemoryRunStoreOptions {
  /** Threads kept; the least recently used go first. Default 1000. */
  maxThreads?: number;
  /** Bytes kept per thread (conversation plus the active run's frames). Default 2 MiB. */
  maxThreadBytes?: number;
  /** Bytes kept in all. Default 64 MiB. */
  maxTotalBytes?: number;
}

interface ThreadEntry {
  messages: Message[];
  messageBytes: number;
  active?: {
    runId: string;
    frames: string[];
    bytes: number;
    /** Frames were dropped past the limit: the run can no longer be replayed in full. */
    truncated: boolean;
    listeners: Set<(frame: string | null) => void>;
    abort: () => void;
  };
}

const sizeOf = (messages: Message[]) => JSON.stringify(messages).length;

/** The default `RunStore`: in memory, LRU, bounded in threads and bytes. */
export class MemoryRunStore implements RunStore {
  private readonly threads = new Map<string, ThreadEntry>();
  private totalBytes = 0;
  private readonly maxThreads: number;
  private readonly maxThreadBytes: number;
  private readonly maxTotalBytes: number;

  constructor(options: MemoryRunStoreOptions = {}) {
    this.maxThreads = options.maxThreads ?? 1000;
    this.maxThreadBytes = options.maxThreadBytes ?? 2 * 1024 * 1024;
    this.maxTotalBytes = options.maxTotalBytes ?? 64 * 1024 * 1024;
  }

  /** Threads kept (for tests and metrics). */
  get size(): number {
    return this.threads.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  begin(run: BeginRun): boolean {
    const entry = this.touch(run.threadKey);
    if (entry?.active) return false;
    const messageBytes = sizeOf(run.messages);
    const next: ThreadEntry = {
      messages: messageBytes <= this.maxThreadBytes ? run.messages : [],
      messageBytes: messageBytes <= this.maxThreadBytes ? messageBytes : 0,
      active: { runId: run.runId, frames: [], bytes: 0, truncated: false, listeners: new Set(), abort: run.abort },
    };
    this.remove(run.threadKey);
    this.threads.set(run.threadKey, next);
    this.totalBytes += next.messageBytes;
    this.evict(run.threadKey);
    return true;
  }

  frame(threadKey: string, runId: string, frame: string): void {
    const active = this.threads.get(threadKey)?.active;
    if (active?.runId !== runId) return;
    for (const listener of active.listeners) listener(frame);
    if (active.truncated) return;
    const entry = this.threads.get(threadKey)!;
    if (entry.messageBytes + active.bytes + frame.length > this.maxThreadBytes) {
      this.totalBytes -= active.bytes;
      active.bytes = 0;
      active.frames = [];
      active.truncated = true;
      return;
    }
    active.frames.push(frame);
    active.bytes += frame.length;
    this.totalBytes += frame.length;
    if (this.totalBytes > this.maxTotalBytes) this.evict(threadKey);
  }

  end(threadKey: string, runId: string, messages: Message[]): void {
    const entry = this.threads.get(threadKey);
    if (entry?.active?.runId !== runId) return;
    for (const listener of entry.active.listeners) listener(null);
    this.totalBytes -= entry.active.bytes + entry.messageBytes;
    const bytes = sizeOf(messages);
    entry.active = undefined;
    entry.messages = bytes <= this.maxThreadBytes ? messages : [];
    entry.messageBytes = bytes <= this.maxThreadBytes ? bytes : 0;
    this.totalBytes += entry.messageBytes;
    this.evict(threadKey);
  }

  connect(threadKey: string): ThreadReplay | undefined {
    const entry = this.touch(threadKey);
    if (entry === undefined) return undefined;
    const active = entry.active;
    if (active === undefined || active.truncated) return { messages: entry.messages };
    const frames = [...active.frames];
    const live = subscribe(active.listeners);
    return { messages: entry.messages, active: { runId: active.runId, frames, live, close: live.close } };
  }

  stop(threadKey: string): boolean {
    const active = this.threads.get(threadKey)?.active;
    if (active === undefined) return false;
    active.abort();
    return true;
  }

  private touch(threadKey: string): ThreadEntry | undefined {
    const entry = this.threads.get(threadKey);
    if (entry === undefined) return undefined;
    this.threads.delete(threadKey);
    this.threads.set(threadKey, entry);
    return entry;
  }

  private remove(threadKey: string): void {
    const entry = this.threads.get(threadKey);
    if (entry === undefined) return;
    this.totalBytes -= entry.messageBytes + (entry.active?.bytes ?? 0);
    this.threads.delete(threadKey);
  }

  /** Drops least recently used threads (never `keep`, never one with a running run) past the limits. */
  private evict(keep: string): void {
    if (this.threads.size <= this.maxThreads && this.totalBytes <= this.maxTotalBytes) return;
    for (const [key, entry] of this.threads) {
      if (this.threads.size <= this.maxThreads && this.totalBytes <= this.maxTotalBytes) break;
      if (key === keep || entry.active) continue;
      this.remove(key);
    }
  }
}

/** Subscribes now; the frames come as an async iterable that ends when the run ends (null) or `close()` is called. */
function subscribe(listeners: Set<(frame: string | null) => void>): AsyncIterable<string> & { close(): void } {
  const queue: (string | null)[] = [];
  let wake: (() => void) | undefined;
  const listener = (frame: string | null) => {
    queue.push(frame);
    wake?.();
  };
  listeners.add(listener);
  return {
    close: () => {
      listeners.delete(listener);
      listener(null);
    },
    [Symbol.asyncIterator]() {
      return {
        async next(): Promise<IteratorResult<string>> {
          for (;;) {
            if (queue.length > 0) {
              const frame = queue.shift()!;
              if (frame === null) {
                listeners.delete(listener);
                return { value: undefined, done: true };
              }
              return { value: frame, done: false };
            }
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        },
        async return(): Promise<IteratorResult<string>> {
          listeners.delete(listener);
          return { value: undefined, done: true };
        },
      };
    },
  };
}
