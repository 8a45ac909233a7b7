import { afterEach, describe, expect, it, vi } from "vitest";
import { ProviderError } from "@copilot-runtime/protocol";
import { ScriptedAdapter } from "@copilot-runtime/testing";
import { bearerAuth } from "./bearer-auth.js";
import { compose } from "./compose.js";
import { requestLogger, type RunLogEntry } from "./request-logger.js";
import { usageMeter, type UsageRecord } from "./usage-meter.js";
import { runBody, serve, type TestServer } from "./test-server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const sayHello = { name: "sayHello", parameters: [{ name: "arg" }], handler: ({ arg }: { arg: string }) => `Hello, ${arg}!` };
const auth = bearerAuth({ verify: (token) => ({ id: token }) });

describe("requestLogger", () => {
  it("logs one structured line per run, without message contents", async () => {
    const lines: RunLogEntry[] = [];
    const adapter = new ScriptedAdapter({
      steps: [
        { toolCalls: [{ name: "sayHello", args: { arg: "Ada" } }], usage: { inputTokens: 10, outputTokens: 4 } },
        { text: "Done.", usage: { inputTokens: 20, outputTokens: 2 } },
      ],
    });
    server = await serve({ actions: [sayHello], middleware: compose(auth, requestLogger({ log: (entry) => lines.push(entry) })) }, adapter);
    const body = runBody("secret personal data");
    await (await server.run(body, { authorization: "Bearer user-7" })).text();
    await vi.waitFor(() => expect(lines).toHaveLength(1));
    expect(lines[0]).toEqual({
      event: "copilot_run",
      threadId: "thread-1",
      runId: body.runId,
      userId: "user-7",
      status: "ok",
      durationMs: expect.any(Number),
      inputTokens: 30,
      outputTokens: 6,
      toolCalls: ["sayHello"],
      inputMessageCount: 1,
      outputMessageCount: 3,
    });
    expect(JSON.stringify(lines[0])).not.toContain("secret personal data");
  });

  it("logs failures with their code, and messages when asked", async () => {
    const lines: RunLogEntry[] = [];
    const adapter = new ScriptedAdapter({
      steps: [{ error: new ProviderError("provider_auth", "The OpenAI API rejected the credentials (HTTP 401)", { provider: "openai" }) }],
    });
    server = await serve({ middleware: requestLogger({ log: (entry) => lines.push(entry), includeMessages: true }) }, adapter);
    await (await server.run(runBody("hello there"))).text();
    await vi.waitFor(() => expect(lines).toHaveLength(1));
    expect(lines[0]).toMatchObject({
      status: "error",
      errorCode: "provider_auth",
      errorMessage: "The OpenAI API rejected the credentials (HTTP 401)",
    });
    expect(lines[0]?.inputMessages).toEqual([{ id: "u1", role: "user", content: "hello there" }]);
  });
});

describe("usageMeter", () => {
  it("meters tokens per run and per user", async () => {
    const records: UsageRecord[] = [];
    const meter = usageMeter({ onUsage: (record) => void records.push(record) });
    const adapter = new ScriptedAdapter({
      respond: () => ({ text: "ok", usage: { inputTokens: 100, outputTokens: 10, totalTokens: 110 } }),
    });
    server = await serve({ middleware: [auth, meter] }, adapter);
    for (const user of ["alice", "alice", "bob"]) await (await server.run(undefined, { authorization: `Bearer ${user}` })).text();
    await vi.waitFor(() => expect(records).toHaveLength(3));
    expect(records[0]).toEqual({
      threadId: "thread-1",
      runId: expect.any(String),
      userId: "alice",
      usage: { provider: "scripted", model: "scripted-model", inputTokens: 100, outputTokens: 10, totalTokens: 110 },
      at: expect.any(Number),
    });
    expect(meter.totalsFor("alice")).toEqual({ runs: 2, inputTokens: 200, outputTokens: 20, totalTokens: 220 });
    expect(meter.totalsFor("bob")).toEqual({ runs: 1, inputTokens: 100, outputTokens: 10, totalTokens: 110 });
    expect([...meter.totals().keys()].toSorted()).toEqual(["alice", "bob"]);
  });
});

describe("compose", () => {
  it("runs hooks in order, stops at the first Response, and passes replacements on", async () => {
    const order: string[] = [];
    const adapter = new ScriptedAdapter({ respond: () => ({ text: "ok" }) });
    const composed = compose(
      { onRequest: () => void order.push("a.onRequest"), onBeforeRequest: ({ properties }) => ({ properties: { ...properties, a: 1 } }) },
      false,
      {
        onRequest: () => void order.push("b.onRequest"),
        onBeforeRequest: ({ properties }) => {
          order.push(`b sees a=${String(properties.a)}`);
        },
        onAfterRequest: () => {
          throw new Error("b failed");
        },
      },
      { onAfterRequest: () => void order.push("c.onAfterRequest ran anyway") },
    );
    const onError = vi.fn();
    server = await serve({ middleware: composed, onError }, adapter);
    await (await server.run()).text();
    await vi.waitFor(() =>
      expect(onError).toHaveBeenCalledWith(
        expect.objectContaining({ source: "middleware", error: expect.objectContaining({ message: "b failed" }) }),
      ),
    );
    expect(order).toEqual(["a.onRequest", "b.onRequest", "b sees a=1", "c.onAfterRequest ran anyway"]);

    const blocked = compose({ onRequest: () => new Response("stop", { status: 451 }) }, { onRequest: () => void order.push("never") });
    await server.close();
    server = await serve({ middleware: blocked }, adapter);
    expect((await server.run()).status).toBe(451);
    expect(order).not.toContain("never");
  });
});
