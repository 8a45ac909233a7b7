import { describe, expect, it } from "vitest";
import { redactErrorSecrets, redactSecrets } from "./redact.js";

describe("redactSecrets", () => {
  it("removes the API keys providers echo back", () => {
    expect(redactSecrets("Incorrect API key provided: sk-proj-abc123XYZ. You can find")).toBe(
      "Incorrect API key provided: sk-[redacted]. You can find",
    );
    expect(redactSecrets("key AIzaSyA1234567890abcdefgh invalid")).toBe("key [redacted] invalid");
    expect(redactSecrets("Authorization: Bearer abcdefghijkl")).toBe("Authorization: Bearer [redacted]");
    expect(redactSecrets("GET /v1?key=abcdef123456&x=1")).toBe("GET /v1?key=[redacted]&x=1");
  });

  it("removes exact secrets it is given, and leaves other text alone", () => {
    expect(redactSecrets("custom-secret-value leaked", ["custom-secret-value"])).toBe("[redacted] leaked");
    expect(redactSecrets("nothing to hide here", [undefined, null, ""])).toBe("nothing to hide here");
  });

  it("removes masked echoes of the keys it is given, and of Google keys", () => {
    const key = "AIzaSyLEAKY-0123456789-TAIL";
    expect(redactSecrets(`API key not valid. (key: AIzaSyLE***************TAIL)`)).toBe("API key not valid. (key: [redacted])");
    expect(redactSecrets("consumer custom-1***************wxyz", ["custom-1234567890-wxyz"])).toBe("consumer [redacted]");
    expect(redactSecrets(`echo ${key.slice(0, 4)}…${key.slice(-4)} here`, [key])).toBe("echo [redacted] here");
    expect(redactSecrets("sk-a…wxyz")).toBe("sk-[redacted]");
    // short secrets are only removed whole
    expect(redactSecrets("abcd and wxyz", ["abcd-wxyz"])).toBe("abcd and wxyz");
  });
});

describe("redactErrorSecrets", () => {
  it("removes secrets from an error, the data it carries and its cause chain, in place", () => {
    const key = "sk-proj-0123456789abcdef-TAIL";
    const headers = new Headers({ "x-request-id": `req ${key}` });
    const sdkError = Object.assign(new Error(`401 Incorrect API key provided: sk-proj-*********TAIL.`), {
      status: 401,
      headers,
      error: { message: `Incorrect API key provided: sk-proj-*********TAIL.`, details: [{ key }] },
    });
    const outer = new Error("wrapped", { cause: new Error(`custom ${key}`, { cause: sdkError }) });
    redactErrorSecrets(outer, [key]);
    const inner = (outer.cause as Error).cause as typeof sdkError;
    expect((outer.cause as Error).message).toBe("custom [redacted]");
    expect(inner.message).toBe("401 Incorrect API key provided: [redacted].");
    expect(inner.stack).not.toContain("*********TAIL");
    expect(inner.error).toEqual({ message: "Incorrect API key provided: [redacted].", details: [{ key: "[redacted]" }] });
    expect(inner.status).toBe(401);
    expect(inner.headers).toBe(headers); // class instances other than errors are left alone
  });

  it("takes anything, cycles included", () => {
    const cyclic: Record<string, unknown> = { message: "key=abcdefgh" };
    cyclic.self = cyclic;
    redactErrorSecrets(cyclic);
    expect(cyclic.message).toBe("key=[redacted]");
    expect(() => redactErrorSecrets(undefined)).not.toThrow();
    expect(() => redactErrorSecrets("a string")).not.toThrow();
  });
});
