import { describe, expect, it } from "vitest";
import { KEEP_ALIVE_FRAME, withKeepAlive } from "./keep-alive.js";

async function* slow(frames: string[], gapMs: number): AsyncGenerator<string> {
  for (const frame of frames) {
    await new Promise((resolve) => setTimeout(resolve, gapMs));
    yield frame;
  }
}

async function all(iterator: AsyncIterator<string>): Promise<string[]> {
  const out: string[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) out.push(next.value);
  return out;
}

describe("withKeepAlive", () => {
  it("puts comments into the quiet gaps, and every frame through in order", async () => {
    const out = await all(withKeepAlive(slow(["a", "b"], 120), 30));
    expect(out.filter((frame) => frame !== KEEP_ALIVE_FRAME)).toEqual(["a", "b"]);
    expect(out.filter((frame) => frame === KEEP_ALIVE_FRAME).length).toBeGreaterThanOrEqual(2);
    expect(KEEP_ALIVE_FRAME).toBe(": ping\n\n");
  });

  it("sends none when frames come often enough, and is off at 0", async () => {
    expect(await all(withKeepAlive(slow(["a", "b", "c"], 1), 1000))).toEqual(["a", "b", "c"]);
    const source = slow(["a"], 1);
    expect(withKeepAlive(source, 0)).toBe(source);
  });

  it("passes a failure on, and ends a waiting reader when it is returned", async () => {
    async function* failing(): AsyncGenerator<string> {
      yield "a";
      throw new Error("broken");
    }
    const iterator = withKeepAlive(failing(), 1000);
    expect(await iterator.next()).toEqual({ value: "a", done: false });
    await expect(iterator.next()).rejects.toThrow("broken");

    const held = withKeepAlive(slow(["late"], 10_000), 5000);
    const waiting = held.next();
    await held.return?.();
    expect(await waiting).toEqual({ value: undefined, done: true });
  });
});
