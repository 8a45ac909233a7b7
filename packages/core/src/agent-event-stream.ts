import type { AgentEvents, SubscribableEvents } from "./agui-agent.js";

type Settled = { kind: "event"; event: unknown } | { kind: "error"; error: unknown } | { kind: "complete" };

function isSubscribable(source: AgentEvents): source is SubscribableEvents {
  return typeof (source as Partial<SubscribableEvents>).subscribe === "function";
}

function isAsyncIterable(source: unknown): source is AsyncIterable<unknown> {
  return source != null && typeof (source as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function";
}

/** Whether `run(input)` returned something the runtime can read events from. */
export function isAgentEvents(source: unknown): source is AgentEvents {
  return source != null && (typeof (source as Partial<SubscribableEvents>).subscribe === "function" || isAsyncIterable(source));
}

/** A promise that rejects with the signal's reason once it aborts, and a way to stop listening. */
function abortion(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let dispose: (() => void) | undefined;
  const promise = new Promise<never>((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    dispose = () => signal.removeEventListener("abort", onAbort);
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => dispose?.() };
}

/** An observable's events, buffered as they come (observables do not wait for their reader). */
async function* fromSubscribable(source: SubscribableEvents, signal: AbortSignal): AsyncGenerator<unknown> {
  const queue: Settled[] = [];
  let wake: (() => void) | undefined;
  const push = (item: Settled) => {
    queue.push(item);
    wake?.();
    wake = undefined;
  };
  const aborted = abortion(signal);
  const subscription = source.subscribe({
    next: (event) => push({ kind: "event", event }),
    error: (error) => push({ kind: "error", error }),
    complete: () => push({ kind: "complete" }),
  });
  try {
    for (;;) {
      const item = queue.shift();
      if (item === undefined) {
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted.promise]);
        continue;
      }
      if (item.kind === "complete") return;
      if (item.kind === "error") throw item.error;
      yield item.event;
      if (signal.aborted) throw signal.reason;
    }
  } finally {
    aborted.dispose();
    subscription.unsubscribe();
  }
}

/** An async iterable's events; an abort ends the wait for the next one at once. */
async function* fromAsyncIterable(source: AsyncIterable<unknown>, signal: AbortSignal): AsyncGenerator<unknown> {
  const aborted = abortion(signal);
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted.promise]);
      if (next.done === true) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    aborted.dispose();
    if (!done) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

/**
 * The events of an agent's run as an async iterable, whether `run` returned an observable (consumed by
 * its `subscribe` contract: no RxJS needed) or an async iterable. When `signal` aborts, the wait ends at
 * once with the signal's reason and the source is unsubscribed (or its iterator returned).
 */
export function agentEventStream(source: AgentEvents, signal: AbortSignal): AsyncGenerator<unknown> {
  return isSubscribable(source) ? fromSubscribable(source, signal) : fromAsyncIterable(source, signal);
}
