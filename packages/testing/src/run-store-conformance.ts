// The run store conformance suite: what every `RunStore` (core's `MemoryRunStore`,
// `@copilot-runtime/redis`'s `RedisRunStore`, a third party's) must do for
// `connect`, `stop` and one run per thread. Import it from
// "@copilot-runtime/testing/conformance" inside a vitest test file.
import { afterAll, describe, expect, it, vi } from "vitest";
import type { Message } from "@copilot-runtime/protocol";

/** The shape of core's `ThreadReplay`. */
export interface ReplayLike {
  messages: Message[];
  active?: { runId: string; frames: readonly string[]; live: AsyncIterable<string>; close?(): void };
}

/** The shape of core's `RunStore` (structural, so this package does not depend on core). */
export interface RunStoreLike {
  begin(run: { threadKey: string; runId: string; messages: Message[]; abort: () => void }): boolean | Promise<boolean>;
  frame(threadKey: string, runId: string, frame: string): void;
  end(threadKey: string, runId: string, messages: Message[]): void | Promise<void>;
  connect(threadKey: string): ReplayLike | undefined | Promise<ReplayLike | undefined>;
  stop(threadKey: string): boolean | Promise<boolean>;
}

export interface RunStoreConformanceOptions {
  /** Shown in the test names, e.g. "MemoryRunStore". */
  name: string;
  /** A store for one instance of the runtime. */
  create: () => RunStoreLike | Promise<RunStoreLike>;
  /**
   * A second store on the same backend, as another instance of the runtime would have (a shared store only).
   * With it, the suite also checks claims, rejoins and stops across instances.
   */
  createPeer?: (first: RunStoreLike) => RunStoreLike | Promise<RunStoreLike>;
  /** Releases what `create` and `createPeer` made. */
  close?: (store: RunStoreLike) => void | Promise<void>;
}

const frame = (text: string) => `data: ${JSON.stringify({ type: "TEXT_MESSAGE_CONTENT", messageId: "m", delta: text })}\n\n`;
const user = (content: string): Message => ({ id: `u-${content}`, role: "user", content });

/** Reads a live frame iterable until it ends (at most `ms`). */
async function readLive(live: AsyncIterable<string>, ms = 5000): Promise<string[]> {
  const frames: string[] = [];
  const reading = (async () => {
    for await (const item of live) frames.push(item);
  })();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the live frames did not end within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([reading, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return frames;
}

/** Registers the run store conformance suite for one store (call it at the top level of a test file). */
export function describeRunStoreConformance(options: RunStoreConformanceOptions): void {
  describe(`${options.name} conformance`, () => {
    const made: RunStoreLike[] = [];
    const create = async () => {
      const store = await options.create();
      made.push(store);
      return store;
    };
    afterAll(async () => {
      for (const store of made) await options.close?.(store);
    });
    const key = (name: string) => `${name}-${crypto.randomUUID()}`;

    it("replays nothing for a thread it does not know, and stops nothing", async () => {
      const store = await create();
      expect(await store.connect(key("unknown"))).toBeUndefined();
      expect(await store.stop(key("unknown"))).toBe(false);
    });

    it("claims a thread for one run at a time, and frees it when the run ends", async () => {
      const store = await create();
      const thread = key("claim");
      const abort = () => undefined;
      expect(await store.begin({ threadKey: thread, runId: "r1", messages: [user("a")], abort })).toBe(true);
      expect(await store.begin({ threadKey: thread, runId: "r2", messages: [user("b")], abort })).toBe(false);
      expect(await store.begin({ threadKey: key("other"), runId: "r3", messages: [user("c")], abort })).toBe(true);
      await store.end(thread, "r1", [user("a")]);
      expect(await store.begin({ threadKey: thread, runId: "r4", messages: [user("a")], abort })).toBe(true);
    });

    it("replays a running thread: its conversation, the frames so far, then the live ones until the end", async () => {
      const store = await create();
      const thread = key("rejoin");
      await store.begin({ threadKey: thread, runId: "r1", messages: [user("hi")], abort: () => undefined });
      store.frame(thread, "r1", frame("one"));
      store.frame(thread, "r1", frame("two"));
      const replay = await vi.waitFor(async () => {
        const found = await store.connect(thread);
        expect(found?.active?.frames).toEqual([frame("one"), frame("two")]);
        return found!;
      });
      expect(replay.messages).toEqual([user("hi")]);
      expect(replay.active?.runId).toBe("r1");
      const live = readLive(replay.active!.live);
      store.frame(thread, "r1", frame("three"));
      store.frame(thread, "other-run", frame("not this run"));
      await store.end(thread, "r1", [user("hi"), { id: "a1", role: "assistant", content: "one two three" }]);
      expect(await live).toEqual([frame("three")]);
      const after = await store.connect(thread);
      expect(after).toEqual({ messages: [user("hi"), { id: "a1", role: "assistant", content: "one two three" }] });
    });

    it("stops following at once when the rejoining client goes away, while the run goes on", async () => {
      const store = await create();
      const thread = key("close");
      await store.begin({ threadKey: thread, runId: "r1", messages: [user("hi")], abort: () => undefined });
      const replay = await store.connect(thread);
      expect(replay?.active).toBeDefined();
      const close = replay!.active!.close;
      if (close === undefined) return; // closing is optional: such a store's live frames end with the run
      const live = readLive(replay!.active!.live);
      close();
      expect(await live).toEqual([]);
      store.frame(thread, "r1", frame("after the client left"));
      await store.end(thread, "r1", [user("hi")]);
    });

    it("stops the running thread's run, once", async () => {
      const store = await create();
      const thread = key("stop");
      const abort = vi.fn();
      await store.begin({ threadKey: thread, runId: "r1", messages: [user("hi")], abort });
      expect(await store.stop(thread)).toBe(true);
      await vi.waitFor(() => expect(abort).toHaveBeenCalledTimes(1));
      await store.end(thread, "r1", [user("hi")]);
      expect(await store.stop(thread)).toBe(false);
    });

    it("ignores the frames and the end of a run that is not the thread's active run", async () => {
      const store = await create();
      const thread = key("stale");
      await store.begin({ threadKey: thread, runId: "r1", messages: [user("hi")], abort: () => undefined });
      store.frame(thread, "r0", frame("stale"));
      await store.end(thread, "r0", [user("stale")]);
      expect(await store.begin({ threadKey: thread, runId: "r2", messages: [], abort: () => undefined })).toBe(false);
      const replay = await store.connect(thread);
      expect(replay?.messages).toEqual([user("hi")]);
      expect(replay?.active?.frames).toEqual([]);
    });

    const createPeer = options.createPeer;
    // a store of one process has no other instances to check against
    if (createPeer === undefined) return;
    describe("across instances", () => {
      const pair = async () => {
        const first = await create();
        const second = await createPeer(first);
        made.push(second);
        return [first, second] as const;
      };

      it("one run per thread across instances", async () => {
        const [a, b] = await pair();
        const thread = key("shared-claim");
        expect(await a.begin({ threadKey: thread, runId: "r1", messages: [user("a")], abort: () => undefined })).toBe(true);
        expect(await b.begin({ threadKey: thread, runId: "r2", messages: [user("b")], abort: () => undefined })).toBe(false);
        await a.end(thread, "r1", [user("a")]);
        expect(await b.begin({ threadKey: thread, runId: "r3", messages: [user("a")], abort: () => undefined })).toBe(true);
      });

      it("rejoins from another instance: the frames so far, the live ones, the end; then the saved conversation", async () => {
        const [a, b] = await pair();
        const thread = key("shared-rejoin");
        await a.begin({ threadKey: thread, runId: "r1", messages: [user("hi")], abort: () => undefined });
        a.frame(thread, "r1", frame("one"));
        const replay = await vi.waitFor(async () => {
          const found = await b.connect(thread);
          expect(found?.active?.frames).toEqual([frame("one")]);
          return found!;
        });
        expect(replay.messages).toEqual([user("hi")]);
        const live = readLive(replay.active!.live);
        a.frame(thread, "r1", frame("two"));
        a.frame(thread, "r1", frame("three"));
        await a.end(thread, "r1", [user("hi"), { id: "a1", role: "assistant", content: "one two three" }]);
        expect(await live).toEqual([frame("two"), frame("three")]);
        expect(await b.connect(thread)).toEqual({ messages: [user("hi"), { id: "a1", role: "assistant", content: "one two three" }] });
      });

      it("stops a run on another instance", async () => {
        const [a, b] = await pair();
        const thread = key("shared-stop");
        const abort = vi.fn();
        await a.begin({ threadKey: thread, runId: "r1", messages: [user("hi")], abort });
        expect(await b.stop(thread)).toBe(true);
        await vi.waitFor(() => expect(abort).toHaveBeenCalledTimes(1), { timeout: 2000, interval: 5 });
        await a.end(thread, "r1", [user("hi")]);
        expect(await b.stop(thread)).toBe(false);
      });
    });
  });
}
