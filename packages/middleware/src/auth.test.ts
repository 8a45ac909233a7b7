import { ConfigurationError } from "@copilot-runtime/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { parseSSE, ScriptedAdapter } from "@copilot-runtime/testing";
import { apiKeyAuth } from "./api-key-auth.js";
import { bearerAuth } from "./bearer-auth.js";
import { runBody, serve, type TestServer } from "./test-server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const whoami = {
  name: "whoami",
  handler: (_args: unknown, context: { identity?: { id: string }; properties: Record<string, unknown> }) =>
    JSON.stringify({
      fromContext: context.identity?.id ?? null,
      fromProperties: (context.properties.identity as { id?: string } | undefined)?.id ?? null,
    }),
};
const callsWhoami = () => new ScriptedAdapter({ steps: [{ toolCalls: [{ name: "whoami", args: {} }] }, { text: "ok" }] });
const resultOf = async (response: Response) => {
  const events = parseSSE(await response.text());
  return JSON.parse((events.find((e) => e.type === "TOOL_CALL_RESULT") as unknown as { content: string }).content) as Record<
    string,
    unknown
  >;
};

describe("bearerAuth", () => {
  const auth = () => bearerAuth({ verify: (token) => (token === "good-token" ? { id: "user-42" } : null) });

  it("answers 401 with WWW-Authenticate without a token, and never runs the LLM", async () => {
    const adapter = callsWhoami();
    server = await serve({ middleware: auth(), actions: [whoami] }, adapter);
    const response = await server.run();
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="copilot-runtime"');
    expect(await response.json()).toEqual({ error: "unauthorized", message: "Missing bearer token: send Authorization: Bearer <token>." });
    expect(adapter.requests).toHaveLength(0);
  });

  it("answers 401 invalid_token for a refused token", async () => {
    server = await serve({ middleware: auth() });
    const response = await server.run(undefined, { authorization: "Bearer bad-token" });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="copilot-runtime", error="invalid_token"');
  });

  it("passes a verified identity to properties and to the action handlers, over anything the client claims", async () => {
    server = await serve({ middleware: auth(), actions: [whoami] }, callsWhoami());
    const body = { ...runBody(), forwardedProps: { identity: { id: "attacker" } } };
    const response = await server.run(body, { authorization: "Bearer good-token" });
    expect(response.status).toBe(200);
    expect(await resultOf(response)).toEqual({ fromContext: "user-42", fromProperties: "user-42" });
  });

  it("answers 500 without details when verify itself fails", async () => {
    server = await serve({
      middleware: bearerAuth({
        verify: () => {
          throw new Error("jwks endpoint down at https://internal.example/keys");
        },
      }),
    });
    const response = await server.run(undefined, { authorization: "Bearer x" });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: "internal_error", message: "An internal error occurred." });
  });

  it("can leave routes open with skip", async () => {
    server = await serve({
      middleware: bearerAuth({ verify: () => null, skip: (request) => new URL(request.url).pathname.endsWith("/info") }),
    });
    expect((await fetch(`${server.url}/info`)).status).toBe(200);
    expect((await server.run()).status).toBe(401);
  });
});

describe("apiKeyAuth", () => {
  it("accepts listed keys, refuses others with 401, and names the caller", async () => {
    server = await serve({ middleware: apiKeyAuth({ keys: { "key-alpha-123": { id: "team-alpha" } } }), actions: [whoami] }, callsWhoami());
    const missing = await server.run();
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('ApiKey header="x-api-key"');
    expect((await server.run(undefined, { "x-api-key": "key-alpha-124" })).status).toBe(401);
    const ok = await server.run(undefined, { "x-api-key": "key-alpha-123" });
    expect(await resultOf(ok)).toEqual({ fromContext: "team-alpha", fromProperties: "team-alpha" });
  });

  it("works with a list of keys, a custom header, or verify()", async () => {
    server = await serve({ middleware: apiKeyAuth({ keys: ["k1", "k2"], header: "X-Copilot-Key" }) });
    expect((await server.run(undefined, { "x-copilot-key": "k2" })).status).toBe(200);
    expect((await server.run(undefined, { "x-api-key": "k2" })).status).toBe(401);
    await server.close();
    server = await serve({
      middleware: apiKeyAuth({ verify: async (key) => (key.startsWith("sk_live_") ? { id: key.slice(-4) } : null) }),
    });
    expect((await server.run(undefined, { "x-api-key": "sk_live_abcd" })).status).toBe(200);
    expect((await server.run(undefined, { "x-api-key": "sk_test_abcd" })).status).toBe(401);
  });

  it("refuses a configuration that can accept nothing", () => {
    expect(() => apiKeyAuth({ keys: [] })).toThrow(ConfigurationError);
    expect(() => apiKeyAuth({ keys: [] })).toThrow(/empty/);
    expect(() => apiKeyAuth({} as never)).toThrow(/needs `keys`/);
  });
});
