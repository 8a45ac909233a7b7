import { ConfigurationError } from "@copilot-runtime/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { bearerAuth } from "./bearer-auth.js";
import { cors } from "./cors.js";
import { serve, type TestServer } from "./test-server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const preflight = (url: string, origin: string) =>
  fetch(`${url}/agent/default/run`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type, authorization" },
  });

describe("cors", () => {
  it("answers a preflight from an allowed origin, before auth", async () => {
    server = await serve({
      middleware: [cors({ origin: ["https://app.example.com"], credentials: true }), bearerAuth({ verify: () => null })],
    });
    const response = await preflight(server.url, "https://app.example.com");
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("access-control-allow-methods")).toBe("GET, POST, OPTIONS");
    expect(response.headers.get("access-control-allow-headers")).toBe("content-type, authorization");
    expect(response.headers.get("vary")).toMatch(/Origin/);
  });

  it("never reflects an origin that is not allowed, even with credentials", async () => {
    server = await serve({ middleware: cors({ origin: ["https://app.example.com"], credentials: true }) });
    const response = await preflight(server.url, "https://evil.example.net");
    expect(response.status).toBe(403);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const run = await server.run(undefined, { origin: "https://evil.example.net" });
    expect(run.headers.get("access-control-allow-origin")).toBeNull();
    expect(run.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("adds the headers to real responses, streams and errors alike", async () => {
    server = await serve({
      middleware: [
        cors({ origin: /^https:\/\/[a-z]+\.example\.com$/, exposeHeaders: ["ratelimit-remaining"] }),
        bearerAuth({ verify: () => null }),
      ],
    });
    const denied = await server.run(undefined, { origin: "https://app.example.com" });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("access-control-allow-origin")).toBe("https://app.example.com"); // so the browser can read the 401
    expect(denied.headers.get("access-control-expose-headers")).toBe("ratelimit-remaining");
  });

  it("uses * for any origin without credentials, and refuses * with credentials", async () => {
    server = await serve({ middleware: cors({ origin: "*" }) });
    const run = await server.run(undefined, { origin: "https://anywhere.example" });
    expect(run.headers.get("access-control-allow-origin")).toBe("*");
    expect(await run.text()).toContain("RUN_FINISHED");
    expect(() => cors({ origin: "*", credentials: true })).toThrow(ConfigurationError);
    expect(() => cors({ origin: "*", credentials: true })).toThrow(/explicit origins/);
  });
});
