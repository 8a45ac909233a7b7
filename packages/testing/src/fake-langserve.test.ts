import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeLangServe, serializedAIMessage, type FakeLangServe } from "./fake-langserve.js";

let fake: FakeLangServe;
beforeAll(async () => {
  fake = await createFakeLangServe({
    "/chat": { inputSchema: { type: "string" }, invoke: (input) => serializedAIMessage(`echo ${String(input)}`), stream: () => ["a", "b"] },
    "/fails": { inputSchema: { type: "string" }, invoke: () => "", stream: () => ["a", "b"], streamErrorAfter: 1 },
  });
});
afterAll(() => fake.close());

const post = (path: string, body: unknown) =>
  fetch(`${fake.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("fake LangServe", () => {
  it("serves the input schema and invokes", async () => {
    expect(await (await fetch(`${fake.url}/chat/input_schema`)).json()).toEqual({ type: "string" });
    const body = (await (await post("/chat/invoke", { input: "hi", config: {}, kwargs: {} })).json()) as {
      output: { type: string; content: string };
    };
    expect(body.output).toMatchObject({ type: "ai", content: "echo hi" });
  });

  it("streams with sse-starlette's CRLF framing", async () => {
    const text = await (await post("/chat/stream", { input: "hi" })).text();
    const metadata = /^event: metadata\r\ndata: \{"run_id": "[0-9a-f-]+"\}\r\n\r\n/;
    expect(text).toMatch(metadata);
    expect(text.replace(metadata, "")).toBe('event: data\r\ndata: "a"\r\n\r\nevent: data\r\ndata: "b"\r\n\r\nevent: end\r\n\r\n');
    const failing = await (await post("/fails/stream", { input: "hi" })).text();
    expect(failing).toMatch(
      /event: data\r\ndata: "a"\r\n\r\nevent: error\r\ndata: \{"status_code": 500, "message": "Internal Server Error"\}\r\n\r\n$/,
    );
  });

  it("answers 422 like FastAPI and 404 for unknown chains", async () => {
    const invalid = await post("/chat/invoke", { config: {} });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toEqual({
      detail: [{ type: "missing", loc: ["body", "input"], msg: "Field required", input: { config: {} } }],
    });
    expect((await post("/nope/invoke", { input: 1 })).status).toBe(404);
  });

  it("goes down and comes back on the same port", async () => {
    await fake.stop();
    await expect(fetch(`${fake.url}/chat/input_schema`)).rejects.toThrow();
    await fake.start();
    expect((await fetch(`${fake.url}/chat/input_schema`)).status).toBe(200);
  });
});
