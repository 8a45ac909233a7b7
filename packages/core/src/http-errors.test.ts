import { describe, expect, it } from "vitest";
import type { ErrorBody } from "@copilot-runtime/protocol";
import { ScriptedAdapter, collectEvents } from "@copilot-runtime/testing";
import { CopilotRuntime } from "./copilot-runtime.js";
import { post, runInput } from "./test-helpers.js";

const adapter = new ScriptedAdapter({ respond: () => ({ text: "ok" }) });
const handler = new CopilotRuntime({ maxBodyBytes: 10_000 }).handler({ serviceAdapter: adapter, basePath: "/api/copilotkit/" });
const RUN = "/api/copilotkit/agent/default/run";

async function expectError(response: Response, status: number, code: string, message: RegExp): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await response.json()) as ErrorBody;
  expect(body).toEqual({ error: code, message: expect.any(String) });
  expect(body.message).toMatch(message);
  expect(body.message).not.toMatch(/\n\s+at /); // never a stack trace
}

describe("malformed requests get a clear JSON error before any streaming", () => {
  it.each<[string, string, RegExp]>([
    ["invalid JSON", '{"threadId": "t", ', /^Request body is not valid JSON: /],
    ["an empty body", "", /empty/],
    ["a JSON array", "[1,2]", /the body must be a JSON object/],
    ["a JSON string", '"hello"', /the body must be a JSON object/],
    ["null", "null", /the body must be a JSON object/],
  ])("400 for %s", async (_name, body, message) => {
    await expectError(
      await handler(post(RUN, body)),
      400,
      body === "" || _name === "invalid JSON" ? "invalid_json" : "invalid_request",
      message,
    );
  });

  it.each<[string, unknown, RegExp]>([
    ["a missing threadId", { ...runInput(), threadId: undefined }, /threadId/],
    ["a numeric runId", { ...runInput(), runId: 42 }, /runId/],
    ["an empty threadId", { ...runInput(), threadId: "" }, /threadId must not be empty/],
    ["a blank runId", { ...runInput(), runId: "  " }, /runId must not be empty/],
    ["messages that are not an array", { ...runInput(), messages: "hi" }, /messages/],
    ["an unknown role", { ...runInput(), messages: [{ id: "1", role: "wizard", content: "x" }] }, /messages\[0\]/],
    ["a user message without content", { ...runInput(), messages: [{ id: "1", role: "user" }] }, /messages\[0\]/],
    ["a tool without description", { ...runInput(), tools: [{ name: "x" }] }, /tools\[0\]\.description/],
    ["a temperature that is not a number", { ...runInput(), forwardedProps: { temperature: "hot" } }, /forwardedProps\.temperature/],
    ["a negative maxTokens", { ...runInput(), forwardedProps: { maxTokens: -1 } }, /forwardedProps\.maxTokens/],
    ["a stop list of numbers", { ...runInput(), forwardedProps: { stop: [1] } }, /forwardedProps\.stop/],
  ])("400 naming the field for %s", async (_name, body, message) => {
    await expectError(await handler(post(RUN, body)), 400, "invalid_request", message);
  });

  it("400 for invalid UTF-8", async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const request = new Request(`http://localhost${RUN}`, { method: "POST", headers: { "content-type": "application/json" }, body: bytes });
    await expectError(await handler(request), 400, "invalid_json", /UTF-8/);
  });

  it("400 for an unknown agent, by path and by envelope", async () => {
    await expectError(
      await handler(post("/api/copilotkit/agent/nope/run", runInput())),
      400,
      "unknown_agent",
      /Unknown agent "nope"\. Available agents: default/,
    );
    await expectError(
      await handler(post("/api/copilotkit", { method: "agent/run", params: { agentId: "nope" }, body: runInput() })),
      400,
      "unknown_agent",
      /"nope"/,
    );
  });

  it("400 for a body that is not an envelope on the base path", async () => {
    await expectError(await handler(post("/api/copilotkit", { hello: 1 })), 400, "invalid_request", /single-route envelope/);
  });

  it("415 for a non-JSON content type", async () => {
    await expectError(
      await handler(post(RUN, "a=b", { "content-type": "application/x-www-form-urlencoded" })),
      415,
      "unsupported_media_type",
      /JSON/,
    );
  });

  it("413 for a body over the limit, declared or streamed", async () => {
    const big = JSON.stringify({ ...runInput(), messages: [{ id: "1", role: "user", content: "x".repeat(20_000) }] });
    await expectError(await handler(post(RUN, big)), 413, "payload_too_large", /10000 bytes/);
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode("x".repeat(4000)));
        controller.close();
      },
    });
    const streamed = new Request(`http://localhost${RUN}`, { method: "POST", body: chunks, duplex: "half" } as RequestInit);
    await expectError(await handler(streamed), 413, "payload_too_large", /limit/);
  });

  it("404 for unknown routes and paths outside the base path", async () => {
    await expectError(await handler(post("/api/copilotkit/agent/default/dance", runInput())), 404, "not_found", /No route for POST/);
    await expectError(await handler(post("/elsewhere/agent/default/run", runInput())), 404, "not_found", /No route/);
  });

  it("405 with Allow for a wrong method", async () => {
    const response = await handler(new Request(`http://localhost${RUN}`, { method: "GET" }));
    expect(response.headers.get("allow")).toBe("POST");
    await expectError(response, 405, "method_not_allowed", /GET is not allowed/);
    const info = await handler(new Request("http://localhost/api/copilotkit/info", { method: "DELETE" }));
    expect(info.status).toBe(405);
  });

  it("keeps serving after bad requests", async () => {
    await handler(post(RUN, "{oops"));
    const response = await handler(post(`${RUN}/`, runInput()));
    expect(response.status).toBe(200);
    expect((await collectEvents(response)).at(-1)?.type).toBe("RUN_FINISHED");
  });
});

describe("routing", () => {
  it("ignores trailing slashes and serves info at the base path", async () => {
    expect((await handler(new Request("http://localhost/api/copilotkit/info/"))).status).toBe(200);
    expect((await handler(new Request("http://localhost/api/copilotkit"))).status).toBe(200);
  });

  it("matches by suffix without a base path", async () => {
    const bare = new CopilotRuntime().handler({ serviceAdapter: adapter });
    expect((await bare(new Request("http://localhost/any/prefix/info"))).status).toBe(200);
    expect((await bare(post("/x/agent/default/run", runInput()))).status).toBe(200);
    expect((await bare(new Request("http://localhost/x", { method: "PUT" }))).status).toBe(405);
  });
});
