import { describe, expect, it } from "vitest";
import { redactSecrets } from "./redact.js";

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
});
