import { describe, expect, it, vi } from "vitest";
import { ConfigurationError, ProviderError, type BaseEvent, type Message } from "@copilot-runtime/protocol";
import { ScriptedAdapter, collectEvents, type ScriptedStep } from "@copilot-runtime/testing";
import { CopilotRuntime } from "./copilot-runtime.js";
import type { CopilotRuntimeOptions } from "./runtime-options.js";
import { MiddlewareRejection } from "./middleware-rejection.js";
import type {
  CopilotRuntimeMiddleware,
  ErrorReport,
  OnAfterRequestOptions,
  OnBeforeRequestOptions,
  OnRequestOptions,
  OnResponseOptions,
} from "@copilot-runtime/protocol";
import { post, runInput } from "./test-helpers.js";

const URL_RUN = "http://localhost/api/copilotkit/agent/default/run";
const sayHello = {
  name: "sayHello",
  parameters: [{ name: "arg" }],
  handler: ({ arg }: { arg: string }) => `Hello, ${arg}!`,
};
const confirmTool = { name: "confirm", description: "Ask the user", parameters: { type: "object", properties: { q: { type: "string" } } } };

/** A middleware that records every hook call. */
function recorder() {
  const calls = {
    onRequest: [] as OnRequestOptions[],
    onBeforeRequest: [] as OnBeforeRequestOptions[],
    onAfterRequest: [] as OnAfterRequestOptions[],
    onResponse: [] as OnResponseOptions[],
    onError: [] as ErrorReport[],
  };
  const middleware: CopilotRuntimeMiddleware = {
    onRequest: (o) => void calls.onRequest.push(o),
    onBeforeRequest: (o) => void calls.onBeforeRequest.push(o),
    onAfterRequest: (o) => void calls.onAfterRequest.push(o),
    onResponse: (o) => void calls.onResponse.push(o),
    onError: (o) => void calls.onError.push(o),
  };
  return { calls, middleware };
}

async function runWith(
  steps: ScriptedStep[],
  options: Partial<CopilotRuntimeOptions> = {},
  input = runInput({ runId: "run-1", forwardedProps: { user: "ada" } }),
) {
  const { calls, middleware } = recorder();
  const adapter = new ScriptedAdapter({ steps });
  const handler = new CopilotRuntime({ actions: [sayHello], middleware, ...options }).handler({
    serviceAdapter: adapter,
    basePath: "/api/copilotkit",
  });
  const response = await handler(post("/api/copilotkit/agent/default/run", input));
  const events = await collectEvents(response);
  await vi.waitFor(() => expect(calls.onAfterRequest).toHaveLength(1));
  return { calls, events, input, adapter, response };
}

const idsOf = (events: BaseEvent[], type: string, field: string) =>
  events.filter((event) => event.type === type).map((event) => String(event[field]));

describe("every hook's payload, field by field", () => {
  function expectRequestHooks(calls: ReturnType<typeof recorder>["calls"], response: Response) {
    expect(calls.onRequest).toHaveLength(1);
    const [onRequest] = calls.onRequest;
    expect(Object.keys(onRequest!).toSorted()).toEqual(["context", "path", "request"]);
    expect(onRequest!.request.url).toBe(URL_RUN);
    expect(onRequest!.path).toBe("/api/copilotkit/agent/default/run");
    expect(onRequest!.context).toEqual({ state: {} });
    expect(calls.onResponse).toHaveLength(1);
    const [onResponse] = calls.onResponse;
    expect(Object.keys(onResponse!).toSorted()).toEqual(["context", "path", "request", "response"]);
    expect(onResponse!.response).toBe(response);
    expect(onResponse!.context).toBe(onRequest!.context);
  }

  function expectBefore(calls: ReturnType<typeof recorder>["calls"], input: ReturnType<typeof runInput>) {
    expect(calls.onBeforeRequest).toHaveLength(1);
    const [before] = calls.onBeforeRequest;
    expect(Object.keys(before!).toSorted()).toEqual(["context", "inputMessages", "properties", "request", "runId", "threadId", "url"]);
    expect(before!.threadId).toBe("thread-1");
    expect(before!.runId).toBe("run-1");
    expect(before!.inputMessages).toEqual(input.messages);
    expect(before!.properties).toEqual({ user: "ada" });
    expect(before!.url).toBe(URL_RUN);
    expect(before!.request?.url).toBe(URL_RUN);
    expect(before!.context).toBe(calls.onRequest[0]!.context);
  }

  function after(calls: ReturnType<typeof recorder>["calls"], input: ReturnType<typeof runInput>) {
    const [payload] = calls.onAfterRequest;
    expect(payload!.threadId).toBe("thread-1");
    expect(payload!.runId).toBe("run-1");
    expect(payload!.inputMessages).toEqual(input.messages);
    expect(payload!.properties).toEqual({ user: "ada" });
    expect(payload!.url).toBe(URL_RUN);
    expect(payload!.request?.url).toBe(URL_RUN);
    expect(payload!.context).toBe(calls.onRequest[0]!.context);
    expect(payload!.durationMs).toBeGreaterThanOrEqual(0);
    return payload!;
  }

  it("a plain answer", async () => {
    const { calls, events, input, response } = await runWith([{ text: "Hi there!", usage: { inputTokens: 5, outputTokens: 3 } }]);
    expectRequestHooks(calls, response);
    expectBefore(calls, input);
    const payload = after(calls, input);
    expect(Object.keys(payload).toSorted()).toEqual([
      "context",
      "durationMs",
      "finishReason",
      "inputMessages",
      "outputMessages",
      "properties",
      "request",
      "runId",
      "threadId",
      "url",
      "usage",
    ]);
    expect(payload.finishReason).toBe("stop");
    expect(payload.outputMessages).toEqual([
      { id: idsOf(events, "TEXT_MESSAGE_START", "messageId")[0], role: "assistant", content: "Hi there!" },
    ]);
    expect(payload.usage).toEqual({ provider: "scripted", model: "scripted-model", inputTokens: 5, outputTokens: 3 });
    expect(payload.error).toBeUndefined();
    expect(calls.onError).toEqual([]);
  });

  it("a server-action loop", async () => {
    const { calls, events, input } = await runWith([
      { toolCalls: [{ id: "c1", name: "sayHello", args: { arg: "Ada" } }] },
      { text: "Greeted." },
    ]);
    expectBefore(calls, input);
    const payload = after(calls, input);
    const [toolMessageId] = idsOf(events, "TOOL_CALL_RESULT", "messageId");
    const [callParent] = idsOf(events, "TOOL_CALL_START", "parentMessageId");
    const [textId] = idsOf(events, "TEXT_MESSAGE_START", "messageId");
    const expected: Message[] = [
      {
        id: callParent!,
        role: "assistant",
        toolCalls: [{ id: "c1", type: "function", function: { name: "sayHello", arguments: '{"arg":"Ada"}' } }],
      },
      { id: toolMessageId!, role: "tool", toolCallId: "c1", content: "Hello, Ada!" },
      { id: textId!, role: "assistant", content: "Greeted." },
    ];
    expect(payload.outputMessages).toEqual(expected);
    expect(payload.usage).toBeUndefined();
    expect(payload.error).toBeUndefined();
  });

  it("a frontend-tool stop", async () => {
    const input = runInput({ runId: "run-1", forwardedProps: { user: "ada" }, tools: [confirmTool] });
    const { calls, events, adapter } = await runWith([{ toolCalls: [{ id: "fe-1", name: "confirm", args: { q: "ok?" } }] }], {}, input);
    expectBefore(calls, input);
    const payload = after(calls, input);
    expect(payload.outputMessages).toEqual([
      {
        id: idsOf(events, "TOOL_CALL_START", "parentMessageId")[0],
        role: "assistant",
        toolCalls: [{ id: "fe-1", type: "function", function: { name: "confirm", arguments: '{"q":"ok?"}' } }],
      },
    ]);
    expect(adapter.requests).toHaveLength(1);
    expect(payload.error).toBeUndefined();
  });

  it("a provider failure", async () => {
    const failure = new ProviderError("rate_limited", "The OpenAI API rate limit was reached (HTTP 429): slow down", {
      provider: "openai",
      providerStatus: 429,
    });
    const { calls, events, input } = await runWith([{ text: "partial", error: failure }]);
    expect(events.at(-1)).toEqual({ type: "RUN_ERROR", code: "rate_limited", message: failure.message });
    const payload = after(calls, input);
    expect(payload.error).toEqual({ code: "rate_limited", message: failure.message, cause: failure });
    expect(payload.outputMessages).toEqual([]);
    expect(calls.onError).toHaveLength(1);
    expect(calls.onError[0]).toEqual({
      error: failure,
      source: "run",
      threadId: "thread-1",
      runId: "run-1",
      request: calls.onRequest[0]!.request,
      context: calls.onRequest[0]!.context,
    });
  });

  it("a client abort", async () => {
    const { calls, middleware } = recorder();
    const adapter = new ScriptedAdapter({ steps: [{ hold: new Promise(() => undefined) }] });
    const input = runInput({ runId: "run-1", forwardedProps: { user: "ada" } });
    const response = await new CopilotRuntime({ middleware }).handler({ serviceAdapter: adapter, basePath: "/api/copilotkit" })(
      post("/api/copilotkit/agent/default/run", input),
    );
    const reader = response.body!.getReader();
    const pulling = (async () => {
      while (!(await reader.read()).done) {
        // keep pulling
      }
    })();
    await vi.waitFor(() => expect(adapter.requests).toHaveLength(1));
    await reader.cancel();
    await pulling;
    await vi.waitFor(() => expect(calls.onAfterRequest).toHaveLength(1));
    const payload = after(calls, input);
    expect(payload.error?.code).toBe("aborted");
    expect(payload.outputMessages).toEqual([]);
    expect(adapter.requests[0]!.signal.aborted).toBe(true);
  });
});

describe("onBeforeRequest", () => {
  it("is awaited before the LLM is called", async () => {
    const order: string[] = [];
    const adapter = new ScriptedAdapter({
      respond: () => {
        order.push("llm");
        return { text: "ok" };
      },
    });
    const runtime = new CopilotRuntime({
      middleware: {
        onBeforeRequest: async () => {
          await new Promise((resolve) => setTimeout(resolve, 10));
          order.push("before");
        },
      },
    });
    await collectEvents(await runtime.handler({ serviceAdapter: adapter })(post("/agent/default/run", runInput())));
    expect(order).toEqual(["before", "llm"]);
  });

  it.each([
    [
      new MiddlewareRejection(403, "Not allowed for this user."),
      403,
      { error: "middleware_rejected", message: "Not allowed for this user." },
    ],
    [new Error("database down"), 500, { error: "middleware_error", message: "The request was rejected by onBeforeRequest: database down" }],
  ])("a rejection never calls the LLM (%#)", async (thrown, status, body) => {
    const adapter = new ScriptedAdapter({ respond: () => ({ text: "never" }) });
    const onError = vi.fn();
    const onAfterRequest = vi.fn();
    const runtime = new CopilotRuntime({
      onError,
      middleware: {
        onBeforeRequest: () => {
          throw thrown;
        },
        onAfterRequest,
      },
    });
    const response = await runtime.handler({ serviceAdapter: adapter })(post("/agent/default/run", runInput()));
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual(body);
    expect(adapter.requests).toHaveLength(0);
    expect(onAfterRequest).not.toHaveBeenCalled();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ error: thrown, source: "middleware" }));
  });

  it("may replace the input messages and the properties for the run", async () => {
    const seenProperties: unknown[] = [];
    const adapter = new ScriptedAdapter({ steps: [{ toolCalls: [{ name: "whoami", args: {} }] }, { text: "ok" }] });
    const runtime = new CopilotRuntime({
      actions: [{ name: "whoami", handler: (_args, context) => void seenProperties.push(context.properties) }],
      middleware: [
        {
          onBeforeRequest: ({ inputMessages, properties }) => ({
            inputMessages: inputMessages.map((m) =>
              m.role === "user" ? { ...m, content: String(m.content).replace(/\d{4}-\d{4}/g, "[card]") } : m,
            ),
            properties: { ...properties, plan: "pro" },
          }),
        },
        { onBeforeRequest: ({ properties }) => ({ properties: { ...properties, seenPlan: properties.plan } }) },
      ],
    });
    const input = runInput({ messages: [{ id: "u", role: "user", content: "my card is 1234-5678" }] });
    await collectEvents(await runtime.handler({ serviceAdapter: adapter })(post("/agent/default/run", input)));
    expect(adapter.requests[0]!.messages).toEqual([{ id: "u", role: "user", content: "my card is [card]" }]);
    expect(seenProperties).toEqual([{ plan: "pro", seenPlan: "pro" }]);
  });
});

describe("properties and identity", () => {
  it("merges server properties under the client's forwardedProps; a verified identity wins over both", async () => {
    let seen: { properties: Record<string, unknown>; identity: unknown } | undefined;
    const adapter = new ScriptedAdapter({ steps: [{ toolCalls: [{ name: "check", args: {} }] }, { text: "ok" }] });
    const runtime = new CopilotRuntime({
      properties: { tier: "free", region: "eu" },
      actions: [
        { name: "check", handler: (_args, context) => void (seen = { properties: context.properties, identity: context.identity }) },
      ],
      middleware: {
        onRequest: ({ context }) => {
          context.identity = { id: "user-1", name: "Ada" };
        },
      },
    });
    const input = runInput({ forwardedProps: { region: "us", identity: { id: "attacker" } } });
    await collectEvents(await runtime.handler({ serviceAdapter: adapter })(post("/agent/default/run", input)));
    expect(seen).toEqual({
      properties: { tier: "free", region: "us", identity: { id: "user-1", name: "Ada" } },
      identity: { id: "user-1", name: "Ada" },
    });
  });
});

describe("onRequest and onResponse", () => {
  it("a Response from onRequest answers at once and still passes through onResponse", async () => {
    const adapter = new ScriptedAdapter({ respond: () => ({ text: "never" }) });
    const runtime = new CopilotRuntime({
      middleware: [
        { onRequest: () => new Response("nope", { status: 418 }) },
        { onResponse: ({ response }) => new Response(response.body, { status: response.status, headers: { "x-seen": "yes" } }) },
      ],
    });
    const response = await runtime.handler({ serviceAdapter: adapter })(post("/agent/default/run", runInput()));
    expect(response.status).toBe(418);
    expect(response.headers.get("x-seen")).toBe("yes");
    expect(adapter.requests).toHaveLength(0);
  });

  it("a Request from onRequest replaces the request", async () => {
    const runtime = new CopilotRuntime({
      middleware: { onRequest: ({ request }) => new Request(request.url.replace("/legacy/info", "/info"), request) },
    });
    const response = await runtime.handler({ serviceAdapter: new ScriptedAdapter() })(new Request("http://localhost/legacy/info"));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ agents: { default: expect.any(Object) } });
  });

  it("onError hears of request errors too, with the request", async () => {
    const onError = vi.fn();
    const response = await new CopilotRuntime({ middleware: { onError } }).handler({ serviceAdapter: new ScriptedAdapter() })(
      post("/agent/default/run", "{oops"),
    );
    expect(response.status).toBe(400);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]![0]).toMatchObject({
      source: "request",
      request: expect.any(Request),
      error: expect.objectContaining({ code: "invalid_json" }),
    });
  });
});

describe("onAfterRequest", () => {
  it("cannot break the response when it throws; every middleware still runs and onError hears of it", async () => {
    const second = vi.fn();
    const onError = vi.fn();
    const adapter = new ScriptedAdapter({ steps: [{ text: "fine" }] });
    const runtime = new CopilotRuntime({
      onError,
      middleware: [
        {
          onAfterRequest: () => {
            throw new Error("after failed");
          },
        },
        { onAfterRequest: second },
      ],
    });
    const events = await collectEvents(await runtime.handler({ serviceAdapter: adapter })(post("/agent/default/run", runInput())));
    expect(events.at(-1)?.type).toBe("RUN_FINISHED");
    await vi.waitFor(() => expect(second).toHaveBeenCalledTimes(1));
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ source: "middleware", error: expect.objectContaining({ message: "after failed" }) }),
    );
  });

  it("is called exactly once per run, after the last event", async () => {
    const onAfterRequest = vi.fn();
    const adapter = new ScriptedAdapter({ steps: [{ text: "one" }] });
    const runtime = new CopilotRuntime({ middleware: { onAfterRequest } });
    const events = await collectEvents(await runtime.handler({ serviceAdapter: adapter })(post("/agent/default/run", runInput())));
    await vi.waitFor(() => expect(onAfterRequest).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(onAfterRequest).toHaveBeenCalledTimes(1);
    expect(events.at(-1)?.type).toBe("RUN_FINISHED");
  });
});

describe("MiddlewareRejection", () => {
  it("refuses an out-of-range status", () => {
    expect(() => new MiddlewareRejection(200, "ok")).toThrow(ConfigurationError);
    expect(() => new MiddlewareRejection(600, "ok")).toThrow("MiddlewareRejection status must be an HTTP error status (400-599), got 600.");
  });
});
