import { describe, expect, it, vi } from "vitest";
import type { ErrorBody, Message } from "@copilot-runtime/protocol";
import { ScriptedAdapter, collectEvents } from "@copilot-runtime/testing";
import { CopilotRuntime } from "./copilot-runtime.js";
import { MiddlewareRejection } from "./middleware-rejection.js";
import type { OnAfterRequestOptions } from "./middleware.js";
import { ofType, post, runInput } from "./test-helpers.js";

const URL_RUN = "http://localhost/api/copilotkit/agent/default/run";
const sayHello = {
  name: "sayHello",
  parameters: [{ name: "arg" }],
  handler: ({ arg }: { arg: string }) => `Hello, ${arg}!`,
};

describe("onBeforeRequest", () => {
  it("is awaited with the seed's payload before the LLM is called", async () => {
    const order: string[] = [];
    const onBeforeRequest = vi.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push("before");
    });
    const adapter = new ScriptedAdapter({
      respond: () => {
        order.push("llm");
        return { text: "ok" };
      },
    });
    const input = runInput({
      runId: "run-7",
      messages: [
        { id: "s", role: "system", content: "sys" },
        { id: "u", role: "user", content: "hi" },
      ],
      forwardedProps: { user: "ada", temperature: 0 },
    });
    const response = await new CopilotRuntime({ middleware: { onBeforeRequest } })
      .handler({ serviceAdapter: adapter, basePath: "/api/copilotkit" })(post("/api/copilotkit/agent/default/run", input));
    await collectEvents(response);
    expect(order).toEqual(["before", "llm"]);
    expect(onBeforeRequest).toHaveBeenCalledTimes(1);
    const payload = (onBeforeRequest.mock.calls[0] as unknown[])[0] as Record<string, unknown>;
    expect(Object.keys(payload).toSorted()).toEqual(["inputMessages", "properties", "runId", "threadId", "url"]);
    expect(payload.threadId).toBe("thread-1");
    expect(payload.runId).toBe("run-7");
    expect(payload.inputMessages).toEqual(input.messages);
    expect(payload.properties).toEqual({ user: "ada", temperature: 0 });
    expect(payload.url).toBe(URL_RUN);
  });

  it("rejects the request with the status of a MiddlewareRejection", async () => {
    const adapter = new ScriptedAdapter();
    const runtime = new CopilotRuntime({
      middleware: {
        onBeforeRequest: () => {
          throw new MiddlewareRejection(403, "Not allowed for this user.");
        },
      },
    });
    const response = await runtime.handler({ serviceAdapter: adapter })(post("/agent/default/run", runInput()));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: "middleware_rejected", message: "Not allowed for this user." });
    expect(adapter.requests).toHaveLength(0);
  });

  it("answers 500 with a clear message when it throws anything else", async () => {
    const onError = vi.fn();
    const adapter = new ScriptedAdapter();
    const runtime = new CopilotRuntime({
      onError,
      middleware: {
        onBeforeRequest: async () => {
          throw new Error("database down");
        },
      },
    });
    const response = await runtime.handler({ serviceAdapter: adapter })(post("/agent/default/run", runInput()));
    expect(response.status).toBe(500);
    const body = (await response.json()) as ErrorBody;
    expect(body).toEqual({ error: "middleware_error", message: "The request was rejected by onBeforeRequest: database down" });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ source: "middleware", threadId: "thread-1" }));
    expect(adapter.requests).toHaveLength(0);
  });

  it("refuses an out-of-range MiddlewareRejection status", () => {
    expect(() => new MiddlewareRejection(200, "ok")).toThrow(RangeError);
  });
});

describe("onAfterRequest", () => {
  async function runWith(adapter: ScriptedAdapter, onAfterRequest: (o: OnAfterRequestOptions) => void, onError = vi.fn()) {
    const after = vi.fn(onAfterRequest);
    const input = runInput({ runId: "run-9", forwardedProps: { user: "ada" } });
    const response = await new CopilotRuntime({ actions: [sayHello], middleware: { onAfterRequest: after }, onError })
      .handler({ serviceAdapter: adapter, basePath: "/api/copilotkit" })(post("/api/copilotkit/agent/default/run", input));
    const events = await collectEvents(response);
    await vi.waitFor(() => expect(after).toHaveBeenCalledTimes(1));
    return { events, payload: after.mock.calls[0]![0], input, onError };
  }

  it("gets the input and the run's output messages, field by field", async () => {
    const adapter = new ScriptedAdapter({
      steps: [{ text: "Let me greet.", toolCalls: [{ id: "c1", name: "sayHello", args: { arg: "Ada" } }] }, { text: "Done!" }],
    });
    const { events, payload, input } = await runWith(adapter, () => undefined);
    expect(Object.keys(payload).toSorted()).toEqual(["inputMessages", "outputMessages", "properties", "runId", "threadId", "url"]);
    expect(payload.threadId).toBe("thread-1");
    expect(payload.runId).toBe("run-9");
    expect(payload.inputMessages).toEqual(input.messages);
    expect(payload.properties).toEqual({ user: "ada" });
    expect(payload.url).toBe(URL_RUN);
    const [first, second] = ofType<{ messageId: string }>(events, "TEXT_MESSAGE_START");
    const [result] = ofType<{ messageId: string }>(events, "TOOL_CALL_RESULT");
    const expected: Message[] = [
      {
        id: first!.messageId,
        role: "assistant",
        content: "Let me greet.",
        toolCalls: [{ id: "c1", type: "function", function: { name: "sayHello", arguments: '{"arg":"Ada"}' } }],
      },
      { id: result!.messageId, role: "tool", toolCallId: "c1", content: "Hello, Ada!" },
      { id: second!.messageId, role: "assistant", content: "Done!" },
    ];
    expect(payload.outputMessages).toEqual(expected);
    expect(payload.error).toBeUndefined();
  });

  it("runs on failures too, with the error", async () => {
    const adapter = new ScriptedAdapter({ steps: [{ text: "partial", error: new Error("boom") }] });
    const { events, payload } = await runWith(adapter, () => undefined);
    expect(events.at(-1)?.type).toBe("RUN_ERROR");
    expect(payload.error).toMatchObject({ code: "internal_error", message: "The run failed: boom" });
    expect(payload.outputMessages).toEqual([]);
  });

  it("cannot break the response when it throws; onError hears of it", async () => {
    const adapter = new ScriptedAdapter({ steps: [{ text: "fine" }] });
    const { events, onError } = await runWith(adapter, () => {
      throw new Error("after failed");
    });
    expect(events.at(-1)?.type).toBe("RUN_FINISHED");
    await vi.waitFor(() =>
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ source: "middleware", error: expect.objectContaining({ message: "after failed" }) })),
    );
  });
});
