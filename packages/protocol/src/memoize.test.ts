import { describe, expect, it } from "vitest";
import { memoizeUntilRejected } from "./memoize.js";

describe("memoizeUntilRejected", () => {
  it("shares one promise, and tries again after a rejection", async () => {
    let calls = 0;
    const load = memoizeUntilRejected(async () => {
      calls++;
      if (calls === 1) throw new Error("down");
      return calls;
    });
    const [first, second] = await Promise.allSettled([load(), load()]);
    expect(first).toMatchObject({ status: "rejected", reason: { message: "down" } });
    expect(second).toMatchObject({ status: "rejected", reason: { message: "down" } });
    expect(await load()).toBe(2);
    expect(await load()).toBe(2);
    expect(calls).toBe(2);
  });
});
