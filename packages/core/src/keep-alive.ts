import { encodeSSEComment } from "@copilot-runtime/protocol";

/** The comment frame sent while a stream is quiet. Both AG-UI client generations ignore comments. */
export const KEEP_ALIVE_FRAME: string = encodeSSEComment("ping");

type Waiter = { resolve: (result: IteratorResult<string>) => void; reject: (error: unknown) => void };

/**
 * The frames with a keep-alive comment whenever nothing was sent for `intervalMs`, so that a proxy with an
 * idle timeout (nginx and AWS ALB 60 s, Cloudflare 100 s) does not cut a run that waits on a slow action or
 * a thinking model. One timer per stream, nothing per frame but the frame itself; `0` turns it off.
 */
export function withKeepAlive(frames: AsyncIterator<string>, intervalMs: number): AsyncIterator<string> {
  if (!(intervalMs > 0)) return frames;
  let lastSent = Date.now();
  let pending = false;
  let waiter: Waiter | undefined;
  let ready: { result: IteratorResult<string> } | { error: unknown } | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  const settle = (outcome: { result: IteratorResult<string> } | { error: unknown }) => {
    pending = false;
    const current = waiter;
    if (current === undefined) {
      ready = outcome;
      return;
    }
    waiter = undefined;
    lastSent = Date.now();
    if ("error" in outcome) current.reject(outcome.error);
    else {
      if (outcome.result.done) stop();
      current.resolve(outcome.result);
    }
  };
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  timer = setInterval(
    () => {
      if (waiter === undefined || Date.now() - lastSent < intervalMs) return;
      const current = waiter;
      waiter = undefined;
      lastSent = Date.now();
      current.resolve({ value: KEEP_ALIVE_FRAME, done: false });
    },
    Math.max(10, Math.floor(intervalMs / 2)),
  );
  (timer as { unref?: () => void }).unref?.();

  return {
    next(): Promise<IteratorResult<string>> {
      if (ready !== undefined) {
        const outcome = ready;
        ready = undefined;
        lastSent = Date.now();
        if ("error" in outcome) return Promise.reject(outcome.error);
        if (outcome.result.done) stop();
        return Promise.resolve(outcome.result);
      }
      if (!pending) {
        pending = true;
        frames.next().then(
          (result) => settle({ result }),
          (error: unknown) => settle({ error }),
        );
      }
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
      });
    },
    return(): Promise<IteratorResult<string>> {
      stop();
      // a reader waiting for the next frame is done too
      const current = waiter;
      waiter = undefined;
      current?.resolve({ value: undefined, done: true });
      // not awaited: a generator busy producing its next frame takes the return when it gets there
      void Promise.resolve(frames.return?.(undefined)).catch(() => undefined);
      return Promise.resolve({ value: undefined, done: true });
    },
  };
}
