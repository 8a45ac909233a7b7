import { describe, expect, it, vi } from "vitest";
import {
  EventType,
  isLazyBodyResponse,
  ProviderError,
  SSE_FRAME_SOURCE,
  type AdapterPart,
  type BaseEvent,
  type ErrorBody,
  type RuntimeInfo,
  type ServiceAdapter,
} from "@copilot-runtime/protocol";
import { ScriptedAdapter, collectEvents, collectIterable, eventTypes, eventsOfType, textOf, verifyEvents } from "@copilot-runtime/testing";
import { CopilotRuntime } from "./copilot-runtime.js";
import type { CopilotRuntimeOptions } from "./runtime-options.js";
import { post, runInput } from "./test-helpers.js";

const sayHello = {
  name: "sayHello",
  description: "Says hello to someone.",
  parameters: [{ name: "arg", type: "string" as const, description: "The name of the person to say hello to.", required: true }],
  handler: async ({ arg }: { arg: string }) => `Hello, ${arg}!`,
};

async function run(options: CopilotRuntimeOptions, adapter: ScriptedAdapter, input = runInput()): Promise<BaseEvent[]> {
  const handler = new CopilotRuntime(options).handler({ serviceAdapter: adapter, basePath: "/api/copilotkit" });
  const response = await handler(post("/api/copilotkit/agent/default/run", input));
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/event-stream");
  const events = await collectEvents(response);
  verifyEvents(events);
  return events;
}

/** Keeps reading (the runtime only advances when the client reads) until the stream ends or is cancelled. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  while (!(await reader.read()).done) {
    // keep pulling
  }
}

describe("GET /info", () => {
  it("describes the default agent and the server actions", async () => {
    const handler = new CopilotRuntime({ actions: [sayHello] }).handler({
      serviceAdapter: new ScriptedAdapter(),
      basePath: "/api/copilotkit",
    });
    const response = await handler(new Request("http://localhost/api/copilotkit/info"));
    expect(response.status).toBe(200);
    const info = (await response.json()) as RuntimeInfo;
    expect(info).toEqual({
      version: "0.0.0-test",
      agents: {
        default: {
          name: "default",
          description: expect.any(String),
          className: "CopilotRuntime",
          capabilities: {
            identity: { name: "default", type: "copilot-runtime", version: "0.0.0-test", provider: "scripted" },
            transport: { streaming: true },
            tools: { supported: true, parallelCalls: true, clientProvided: true },
            reasoning: { supported: true, streaming: true },
            execution: { maxIterations: 8 },
            humanInTheLoop: { supported: true },
          },
        },
      },
      actions: [
        {
          name: "sayHello",
          description: "Says hello to someone.",
          parameters: {
            type: "object",
            properties: { arg: { type: "string", description: "The name of the person to say hello to." } },
            required: ["arg"],
          },
        },
      ],
      audioFileTranscriptionEnabled: false,
      mode: "sse",
      telemetryDisabled: true,
    });
  });
});

describe("the run loop", () => {
  it("streams a plain answer", async () => {
    const adapter = new ScriptedAdapter({ steps: [{ text: "Hi there!", usage: { inputTokens: 5, outputTokens: 3 } }] });
    const events = await run({}, adapter);
    expect(eventTypes(events)).toEqual([
      "RUN_STARTED",
      "TEXT_MESSAGE_START",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_END",
      "RUN_FINISHED",
    ]);
    expect(textOf(events)).toBe("Hi there!");
    expect(events[0]).toEqual({ type: "RUN_STARTED", threadId: "thread-1", runId: expect.any(String) });
    expect(events.at(-1)).toMatchObject({
      type: "RUN_FINISHED",
      threadId: "thread-1",
      usage: [{ provider: "scripted", model: "scripted-model", inputTokens: 5, outputTokens: 3 }],
    });
    expect(eventsOfType(events, EventType.TEXT_MESSAGE_START)[0]).toEqual({
      type: "TEXT_MESSAGE_START",
      messageId: expect.any(String),
      role: "assistant",
    });
  });

  it("runs a server action, streams its result and feeds it back to the LLM", async () => {
    const handlerSpy = vi.fn((args: { arg: string }, _context: unknown) => sayHello.handler(args));
    const adapter = new ScriptedAdapter({
      steps: [{ toolCalls: [{ id: "call-1", name: "sayHello", args: { arg: "Ada" } }] }, { text: "I said hello to Ada." }],
    });
    const events = await run({ actions: [{ ...sayHello, handler: handlerSpy }] }, adapter);
    expect(eventTypes(events)).toEqual([
      "RUN_STARTED",
      "TOOL_CALL_START",
      "TOOL_CALL_ARGS",
      "TOOL_CALL_ARGS",
      "TOOL_CALL_END",
      "TOOL_CALL_RESULT",
      "TEXT_MESSAGE_START",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_END",
      "RUN_FINISHED",
    ]);
    expect(handlerSpy).toHaveBeenCalledTimes(1);
    expect(handlerSpy.mock.calls[0]?.[0]).toEqual({ arg: "Ada" });
    expect(handlerSpy.mock.calls[0]?.[1]).toMatchObject({ threadId: "thread-1", toolCallId: "call-1", properties: {} });
    const [start] = eventsOfType(events, EventType.TOOL_CALL_START);
    const [result] = eventsOfType(events, EventType.TOOL_CALL_RESULT);
    expect(start).toEqual({ type: "TOOL_CALL_START", toolCallId: "call-1", toolCallName: "sayHello", parentMessageId: expect.any(String) });
    expect(result).toEqual({ type: "TOOL_CALL_RESULT", toolCallId: "call-1", messageId: expect.any(String), content: "Hello, Ada!" });

    // The second LLM call sees the assistant tool call and its result.
    expect(adapter.requests).toHaveLength(2);
    const second = adapter.requests[1]!.messages;
    expect(second.slice(1)).toEqual([
      {
        id: start!.parentMessageId,
        role: "assistant",
        toolCalls: [{ id: "call-1", type: "function", function: { name: "sayHello", arguments: '{"arg":"Ada"}' } }],
      },
      { id: result!.messageId, role: "tool", toolCallId: "call-1", content: "Hello, Ada!" },
    ]);
    expect(adapter.requests[0]!.tools.map((t) => t.name)).toEqual(["sayHello"]);
  });

  it("runs parallel server actions concurrently", async () => {
    let running = 0;
    let maxRunning = 0;
    const slow =
      (ms: number) =>
      async ({ city }: { city: string }) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, ms));
        running--;
        return { city, temp: city.length };
      };
    const adapter = new ScriptedAdapter({
      steps: [
        {
          toolCalls: [
            { id: "a", name: "weather", args: { city: "Paris" } },
            { id: "b", name: "weather2", args: { city: "Rome" } },
          ],
        },
        { text: "Done." },
      ],
    });
    const events = await run(
      {
        actions: [
          { name: "weather", parameters: [{ name: "city" }], handler: slow(40) },
          { name: "weather2", parameters: [{ name: "city" }], handler: slow(5) },
        ],
      },
      adapter,
    );
    expect(maxRunning).toBe(2);
    const results = eventsOfType(events, EventType.TOOL_CALL_RESULT);
    expect(results.map((r) => r.toolCallId)).toEqual(["b", "a"]); // streamed as each completes
    expect(results.map((r) => r.content)).toEqual(['{"city":"Rome","temp":4}', '{"city":"Paris","temp":5}']);
    // fed back in call order
    expect(adapter.requests[1]!.messages.filter((m) => m.role === "tool").map((m) => (m as { toolCallId: string }).toolCallId)).toEqual([
      "a",
      "b",
    ]);
  });

  it("leaves a frontend tool to the client and ends the run", async () => {
    const adapter = new ScriptedAdapter({
      steps: [{ text: "Let me confirm.", toolCalls: [{ id: "fe-1", name: "confirm", args: { q: "ok?" } }] }],
    });
    const input = runInput({
      tools: [{ name: "confirm", description: "Ask the user", parameters: { type: "object", properties: { q: { type: "string" } } } }],
    });
    const events = await run({ actions: [sayHello] }, adapter, input);
    expect(eventTypes(events)).toEqual([
      "RUN_STARTED",
      "TEXT_MESSAGE_START",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_END",
      "TOOL_CALL_START",
      "TOOL_CALL_ARGS",
      "TOOL_CALL_ARGS",
      "TOOL_CALL_END",
      "RUN_FINISHED",
    ]);
    expect(adapter.requests).toHaveLength(1);
    expect(adapter.requests[0]!.tools.map((t) => t.name)).toEqual(["sayHello", "confirm"]);
    const [text] = eventsOfType(events, EventType.TEXT_MESSAGE_START);
    expect(eventsOfType(events, EventType.TOOL_CALL_START)[0]).toMatchObject({ parentMessageId: text!.messageId });
  });

  it("lets a server action win a name clash with a frontend tool", async () => {
    const adapter = new ScriptedAdapter({ steps: [{ toolCalls: [{ name: "sayHello", args: { arg: "Bob" } }] }, { text: "ok" }] });
    const input = runInput({ tools: [{ name: "sayHello", description: "frontend version" }] });
    const events = await run({ actions: [sayHello] }, adapter, input);
    expect(adapter.requests[0]!.tools).toEqual([
      { name: "sayHello", description: "Says hello to someone.", parameters: expect.objectContaining({ required: ["arg"] }) },
    ]);
    expect(eventsOfType(events, EventType.TOOL_CALL_RESULT)[0]).toMatchObject({ content: "Hello, Bob!" });
  });

  it.each([
    ["a throwing action", { toolCalls: [{ name: "boom", args: {} }] }, /^Error: kaboom$/],
    ["arguments that are not JSON", { toolCalls: [{ name: "sayHello", args: '{"arg": "Ad' }] }, /not valid JSON/],
    ["arguments that are not an object", { toolCalls: [{ name: "sayHello", args: "[1,2]" }] }, /must be a JSON object/],
    ["a missing required argument", { toolCalls: [{ name: "sayHello", args: {} }] }, /Missing required argument\(s\): arg/],
    ["an unknown tool", { toolCalls: [{ name: "nope", args: {} }] }, /no tool named "nope"/],
  ])("turns %s into an error result the LLM sees", async (_name, step, message) => {
    const onError = vi.fn();
    const adapter = new ScriptedAdapter({ steps: [step, { text: "Sorry about that." }] });
    const boom = { name: "boom", handler: () => Promise.reject(new Error("kaboom")) };
    const events = await run({ actions: [sayHello, boom], onError }, adapter);
    const [result] = eventsOfType(events, EventType.TOOL_CALL_RESULT);
    expect(result!.content).toMatch(message);
    expect(events.at(-1)?.type).toBe("RUN_FINISHED");
    const fedBack = adapter.requests[1]!.messages.at(-1) as { role: string; content: string };
    expect(fedBack.role).toBe("tool");
    expect(fedBack.content).toMatch(message);
    if (_name === "a throwing action")
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ source: "action", threadId: "thread-1" }));
  });

  it("serializes results: objects as JSON, undefined as a note", async () => {
    const adapter = new ScriptedAdapter({
      steps: [
        {
          toolCalls: [
            { name: "obj", args: {} },
            { name: "none", args: {} },
          ],
        },
        { text: "ok" },
      ],
    });
    const events = await run(
      {
        actions: [
          { name: "obj", handler: () => ({ a: 1, b: [true] }) },
          { name: "none", handler: () => undefined },
        ],
      },
      adapter,
    );
    expect(
      eventsOfType(events, EventType.TOOL_CALL_RESULT)
        .map((r) => r.content)
        .toSorted(),
    ).toEqual(["The action completed and returned no value.", '{"a":1,"b":[true]}']);
  });

  it("streams an async-iterable result to the client as it comes", async () => {
    async function* story() {
      yield "Once ";
      yield "upon ";
      yield "a time.";
    }
    const adapter = new ScriptedAdapter({ steps: [{ toolCalls: [{ name: "tell", args: {} }] }, { text: "The end." }] });
    const events = await run({ actions: [{ name: "tell", handler: story }] }, adapter);
    const types = eventTypes(events);
    expect(types.slice(0, 12)).toEqual([
      "RUN_STARTED",
      "TOOL_CALL_START",
      "TOOL_CALL_ARGS",
      "TOOL_CALL_ARGS",
      "TOOL_CALL_END",
      "TEXT_MESSAGE_START",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_END",
      "TOOL_CALL_RESULT",
      "TEXT_MESSAGE_START",
    ]);
    expect(eventsOfType(events, EventType.TOOL_CALL_RESULT)[0]).toMatchObject({ content: "Once upon a time." });
  });

  it("stops after maxSteps LLM calls", async () => {
    const adapter = new ScriptedAdapter({ respond: () => ({ toolCalls: [{ name: "sayHello", args: { arg: "again" } }] }) });
    const events = await run({ actions: [sayHello], maxSteps: 3 }, adapter);
    expect(adapter.requests).toHaveLength(3);
    expect(eventsOfType(events, EventType.TOOL_CALL_RESULT)).toHaveLength(3);
    expect(events.at(-1)?.type).toBe("RUN_FINISHED");
  });

  it("folds the app's context into a system message and forwards model parameters, temperature 0 included", async () => {
    const adapter = new ScriptedAdapter({ steps: [{ text: "ok" }] });
    const input = runInput({
      messages: [
        { id: "s", role: "system", content: "You are helpful." },
        { id: "u", role: "user", content: "Hi" },
      ],
      context: [{ description: "user locale", value: "de-DE" }],
      forwardedProps: { temperature: 0, maxTokens: 256 },
    });
    await run({}, adapter, input);
    const request = adapter.requests[0]!;
    expect(request.parameters).toEqual({ temperature: 0, maxTokens: 256 });
    expect(request.messages.map((m) => m.role)).toEqual(["system", "system", "user"]);
    expect(request.messages[1]).toMatchObject({ role: "system", content: "The app provides this context:\n- user locale: de-DE" });
  });

  it("evaluates an actions function per request with properties and url", async () => {
    const factory = vi.fn(({ properties }: { properties: Record<string, unknown> }) => [
      { name: "whoami", handler: () => String(properties.user) },
    ]);
    const adapter = new ScriptedAdapter({ steps: [{ toolCalls: [{ name: "whoami", args: {} }] }, { text: "ok" }] });
    const events = await run({ actions: factory }, adapter, runInput({ forwardedProps: { user: "ada" } }));
    expect(factory).toHaveBeenCalledWith({ properties: { user: "ada" }, url: "http://localhost/api/copilotkit/agent/default/run" });
    expect(eventsOfType(events, EventType.TOOL_CALL_RESULT)[0]).toMatchObject({ content: "ada" });
  });

  it.each([
    [
      new ProviderError("provider_auth", "The OpenAI API rejected the credentials (HTTP 401)", { provider: "openai" }),
      "provider_auth",
      /credentials/,
    ],
    [new ProviderError("rate_limited", "Slow down", { provider: "openai" }), "rate_limited", /Slow down/],
    [new Error("socket hang up, key=abcdefghijkl"), "internal_error", /^The run failed: socket hang up, key=\[redacted\]$/],
  ])("ends with RUN_ERROR when the provider fails (%#)", async (error, code, message) => {
    const onError = vi.fn();
    const adapter = new ScriptedAdapter({ steps: [{ text: "partial answer", error }] });
    const events = await run({ onError }, adapter);
    const last = events.at(-1) as { type: string; code: string; message: string };
    expect(last.type).toBe("RUN_ERROR");
    expect(last.code).toBe(code);
    expect(last.message).toMatch(message);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ source: "run", threadId: "thread-1" }));
  });

  it("fails the run when the provider ends its answer with finish reason error, not as a success", async () => {
    const adapter = new ScriptedAdapter({
      respond: () => [
        { type: "text-delta", delta: "Half an" },
        { type: "finish", reason: "error" },
      ],
    });
    const events = await run({}, adapter);
    verifyEvents(events);
    expect(events.at(-1)).toEqual({ type: "RUN_ERROR", code: "provider_error", message: "scripted ended its answer with an error." });
  });

  it("aborts the LLM call and the running actions when the client cancels", async () => {
    let actionSignal: AbortSignal | undefined;
    let llmSignal: AbortSignal | undefined;
    const onAfterRequest = vi.fn();
    const adapter = new ScriptedAdapter({
      steps: [{ toolCalls: [{ name: "wait", args: {} }] }],
      respond: (request) => {
        llmSignal = request.signal;
        return { hold: new Promise(() => undefined), text: "never" };
      },
    });
    let started!: () => void;
    const actionStarted = new Promise<void>((resolve) => (started = resolve));
    const wait = {
      name: "wait",
      handler: (_args: unknown, { signal }: { signal: AbortSignal }) => {
        actionSignal = signal;
        started();
        return new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))));
      },
    };
    const handler = new CopilotRuntime({ actions: [wait], middleware: { onAfterRequest } }).handler({ serviceAdapter: adapter });
    const response = await handler(post("/agent/default/run", runInput()));
    const reader = response.body!.getReader();
    const drained = drain(reader);
    await actionStarted;
    await reader.cancel();
    await drained;
    expect(actionSignal?.aborted).toBe(true);
    await vi.waitFor(() => expect(onAfterRequest).toHaveBeenCalledTimes(1));
    expect(onAfterRequest.mock.calls[0]?.[0].error).toMatchObject({ code: "aborted" });
    expect(llmSignal).toBeUndefined(); // the second LLM call never started

    // and an abort while the LLM streams reaches the adapter
    const llm = new ScriptedAdapter({ steps: [{ hold: new Promise(() => undefined) }] });
    const response2 = await new CopilotRuntime().handler({ serviceAdapter: llm })(post("/agent/default/run", runInput()));
    const reader2 = response2.body!.getReader();
    const drained2 = drain(reader2);
    await vi.waitFor(() => expect(llm.requests).toHaveLength(1));
    await reader2.cancel();
    await drained2;
    expect(llm.requests[0]!.signal.aborted).toBe(true);
  });
});

describe("runtime.process and runtime.response", () => {
  it("process() yields the events of a run without HTTP", async () => {
    const runtime = new CopilotRuntime();
    const events = await collectIterable(
      runtime.process({ input: runInput(), serviceAdapter: new ScriptedAdapter({ steps: [{ text: "Hi" }] }) }),
    );
    verifyEvents(events);
    expect(textOf(events)).toBe("Hi");
  });

  it("process() rejects invalid input before any event", async () => {
    const runtime = new CopilotRuntime();
    await expect(collectIterable(runtime.process({ input: { threadId: 1 }, serviceAdapter: new ScriptedAdapter() }))).rejects.toThrow(
      /Invalid RunAgentInput/,
    );
  });

  it("response() answers the single-route envelope CopilotKit posts to the base path", async () => {
    const runtime = new CopilotRuntime({ actions: [sayHello] });
    const adapter = new ScriptedAdapter({ steps: [{ text: "Hi" }] });
    const info = await runtime.response(post("/api/copilotkit", { method: "info" }), adapter);
    expect(((await info.json()) as RuntimeInfo).actions.map((a) => a.name)).toEqual(["sayHello"]);
    const res = await runtime.response(
      post("/api/copilotkit", { method: "agent/run", params: { agentId: "default" }, body: runInput() }),
      adapter,
    );
    const events = await collectEvents(res);
    verifyEvents(events);
    expect(textOf(events)).toBe("Hi");
    const connect = await runtime.response(
      post("/api/copilotkit", { method: "agent/connect", params: { agentId: "default" }, body: runInput({ threadId: "never-used" }) }),
      adapter,
    );
    expect(await collectEvents(connect)).toEqual([]);
    const bad = await runtime.response(post("/api/copilotkit", { method: "agent/dance" }), adapter);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).message).toMatch(/Unknown method "agent\/dance"/);
  });
});

describe("a caller that reads the frames (RequestMeta.readsFrames)", () => {
  it("gets a stream whose web body is made only if read; any other caller a plain one", async () => {
    const handler = new CopilotRuntime().handler({ serviceAdapter: new ScriptedAdapter(), basePath: "/api/copilotkit" });
    const lazy = await handler(post("/api/copilotkit/agent/default/run", runInput()), { readsFrames: true });
    expect(isLazyBodyResponse(lazy)).toBe(true);
    expect((lazy as Response & { [SSE_FRAME_SOURCE]?: unknown })[SSE_FRAME_SOURCE]).toBeDefined();
    // read through its public body, it still is the whole stream
    verifyEvents(await collectEvents(lazy));
    const plain = await handler(post("/api/copilotkit/agent/default/run", runInput()));
    expect(isLazyBodyResponse(plain)).toBe(false);
    verifyEvents(await collectEvents(plain));
  });
});

describe("an adapter that streams batches (streamBatches)", () => {
  const parts: AdapterPart[] = [
    { type: "text-delta", delta: "Hel" },
    { type: "text-delta", delta: "lo" },
    { type: "usage", usage: { inputTokens: 1, outputTokens: 2 } },
    { type: "finish", reason: "stop" },
  ];
  const single = {
    provider: "scripted",
    model: "m",
    stream: async function* () {
      yield* parts;
    },
  } satisfies ServiceAdapter;
  const batched = {
    ...single,
    streamBatches: async function* () {
      yield parts.slice(0, 2);
      yield [];
      yield parts.slice(2);
    },
  } satisfies ServiceAdapter;
  const runWith = async (serviceAdapter: ServiceAdapter) => {
    const handler = new CopilotRuntime().handler({ serviceAdapter, basePath: "/api/copilotkit" });
    const events = await collectEvents(await handler(post("/api/copilotkit/agent/default/run", runInput())));
    verifyEvents(events);
    return events.map(({ type, delta }: BaseEvent & { delta?: string }) => ({ type, delta }));
  };

  it("is read in batches, with the same events as part by part", async () => {
    expect(await runWith(batched)).toEqual(await runWith(single));
  });

  it("still sends what came before a failure in the same batch, then RUN_ERROR", async () => {
    const failing = {
      ...single,
      streamBatches: async function* () {
        yield [
          parts[0]!,
          { type: "error", error: new ProviderError("provider_error", "It broke.", { provider: "scripted" }) },
        ] as AdapterPart[];
      },
    } satisfies ServiceAdapter;
    const events = await runWith(failing);
    expect(events.map((event) => event.type)).toEqual([
      EventType.RUN_STARTED,
      EventType.TEXT_MESSAGE_START,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.RUN_ERROR,
    ]);
  });
});
