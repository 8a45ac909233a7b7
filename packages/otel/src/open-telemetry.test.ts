// The real OpenTelemetry SDK (in-memory span exporter, a metric reader) around a real runtime: the openai SDK against
// the fake OpenAI server, LangServe chains against the fake LangServe server, the real @ag-ui/client over the handler.
import { HttpAgent } from "@ag-ui/client";
import { context, propagation, trace, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CopilotRuntime, type CopilotRuntimeOptions } from "@copilot-runtime/core";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";
import { OpenAIAdapter } from "@copilot-runtime/openai";
import type { ActionDefinition, BaseEvent } from "@copilot-runtime/protocol";
import {
  createFakeLangServe,
  createFakeOpenAI,
  httpError,
  textAnswer,
  toolCallAnswer,
  verifyEvents,
  type FakeLangServe,
  type FakeOpenAI,
} from "@copilot-runtime/testing";
import { ATTR, METRIC } from "./gen-ai-attributes.js";
import { openTelemetry, type OpenTelemetryOptions } from "./open-telemetry.js";

const API_KEY = "sk-test-SECRET-otel-0123456789";
let llm: FakeOpenAI;
let langserve: FakeLangServe;
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const metricReader = new PeriodicExportingMetricReader({
  exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
  exportIntervalMillis: 3_600_000,
});
const meterProvider = new MeterProvider({ readers: [metricReader] });
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  llm = await createFakeOpenAI();
  langserve = await createFakeLangServe({
    "/shout": { inputSchema: { type: "string" }, invoke: (input) => String(input).toUpperCase() },
  });
});
afterAll(async () => {
  await llm.close();
  await langserve.close();
  context.disable();
  propagation.disable();
});
afterEach(() => exporter.reset());

const adapter = () => new OpenAIAdapter({ openai: new OpenAI({ apiKey: API_KEY, baseURL: llm.baseURL, maxRetries: 0 }), model: "gpt-4o" });

function runtime(options: Partial<CopilotRuntimeOptions> = {}, telemetry: OpenTelemetryOptions = {}) {
  return new CopilotRuntime({ telemetry: openTelemetry({ tracerProvider, meterProvider, ...telemetry }), ...options }).handler({
    serviceAdapter: adapter(),
  });
}

/** One run through the real HttpAgent; `headers` are sent with the run request. */
async function run(
  handler: (request: Request) => Promise<Response>,
  text: string,
  init: { headers?: Record<string, string>; tools?: [] } = {},
) {
  const agent = new HttpAgent({
    url: "http://runtime.test/agent/default/run",
    headers: init.headers ?? {},
    fetch: ((input: string | URL | Request, requestInit?: RequestInit) => handler(new Request(input, requestInit))) as typeof fetch,
  });
  agent.messages.push({ id: crypto.randomUUID(), role: "user", content: text });
  const events: BaseEvent[] = [];
  const result = await agent.runAgent({}, { onEvent: ({ event }) => void events.push(event) }).catch((error: unknown) => error);
  verifyEvents(events);
  return { events, result, threadId: agent.threadId };
}

const spans = () => exporter.getFinishedSpans();
const named = (name: string) => spans().filter((span) => span.name === name);
const one = (name: string): ReadableSpan => {
  const found = named(name);
  expect(
    found,
    `${name} among ${spans()
      .map((span) => span.name)
      .join(", ")}`,
  ).toHaveLength(1);
  return found[0]!;
};
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

async function metric(name: string) {
  const { resourceMetrics } = await metricReader.collect();
  return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((m) => m.descriptor.name === name);
}

describe("openTelemetry()", () => {
  it("traces a plain answer: invoke_agent > chat, with the GenAI attributes, and continues the caller's traceparent", async () => {
    llm.enqueue(textAnswer("Hello there", { usage: { inputTokens: 12, outputTokens: 3 } }));
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const { threadId } = await run(runtime(), "Hi", { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });

    const agent = one("invoke_agent default");
    const chat = one("chat gpt-4o");
    expect(agent.spanContext().traceId).toBe(traceId);
    expect(parentOf(agent)).toBe("b7ad6b7169203331");
    expect(parentOf(chat)).toBe(agent.spanContext().spanId);
    expect(agent.kind).toBe(SpanKind.INTERNAL);
    expect(chat.kind).toBe(SpanKind.CLIENT);
    expect(agent.attributes).toMatchObject({
      [ATTR.operationName]: "invoke_agent",
      [ATTR.agentId]: "default",
      [ATTR.conversationId]: threadId,
      [ATTR.threadId]: threadId,
      [ATTR.providerName]: "openai",
      [ATTR.requestModel]: "gpt-4o",
      [ATTR.usageInputTokens]: 12,
      [ATTR.usageOutputTokens]: 3,
      [ATTR.responseFinishReasons]: ["stop"],
      [ATTR.runOutcome]: "success",
    });
    expect(typeof agent.attributes[ATTR.runId]).toBe("string");
    expect(chat.attributes).toMatchObject({
      [ATTR.operationName]: "chat",
      [ATTR.providerName]: "openai",
      [ATTR.requestModel]: "gpt-4o",
      [ATTR.responseModel]: expect.any(String),
      [ATTR.responseId]: expect.any(String),
      [ATTR.usageInputTokens]: 12,
      [ATTR.usageOutputTokens]: 3,
      [ATTR.responseFinishReasons]: ["stop"],
    });
    expect(agent.status.code).toBe(SpanStatusCode.UNSET);
    // contents are not recorded unless asked for
    expect(chat.attributes[ATTR.inputMessages]).toBeUndefined();
    expect(chat.attributes[ATTR.outputMessages]).toBeUndefined();

    // the provider request carries the chat span's context
    const sent = llm.requests.at(-1)!.headers.traceparent;
    expect(sent).toBe(`00-${traceId}-${chat.spanContext().spanId}-01`);
  });

  it("passes model parameters (temperature 0 included) as request attributes", async () => {
    llm.enqueue(textAnswer("ok"));
    const handler = runtime({ properties: { temperature: 0, maxTokens: 50 } });
    await run(handler, "Hi");
    expect(one("chat gpt-4o").attributes).toMatchObject({ [ATTR.requestTemperature]: 0, [ATTR.requestMaxTokens]: 50 });
  });

  it("traces a server-action loop: chat, execute_tool (the handler's own spans inside it), chat", async () => {
    let handlerTraceparent: string | undefined;
    const weather: ActionDefinition = {
      name: "getWeather",
      description: "Weather of a city",
      parameters: [{ name: "city", type: "string", required: true }],
      handler: ({ city }, { traceHeaders }) => {
        handlerTraceparent = traceHeaders?.traceparent;
        // the app's own instrumentation nests under the tool call
        trace.getTracer("app", "1").startSpan("app work").end();
        return `Sunny in ${String(city)}`;
      },
    };
    llm.enqueue(toolCallAnswer([{ id: "call_1", name: "getWeather", arguments: { city: "Oslo" } }]));
    llm.enqueue(textAnswer("It is sunny in Oslo."));
    const previous = trace.getTracerProvider();
    trace.setGlobalTracerProvider(tracerProvider);
    try {
      await run(runtime({ actions: [weather] }), "Weather in Oslo?");
    } finally {
      trace.disable();
      if (previous !== undefined) trace.setGlobalTracerProvider(previous);
    }

    const agent = one("invoke_agent default");
    const chats = named("chat gpt-4o");
    const tool = one("execute_tool getWeather");
    expect(chats).toHaveLength(2);
    for (const span of [...chats, tool]) expect(parentOf(span)).toBe(agent.spanContext().spanId);
    expect(chats.map((span) => span.attributes[ATTR.responseFinishReasons])).toEqual([["tool_calls"], ["stop"]]);
    expect(tool.attributes).toMatchObject({
      [ATTR.operationName]: "execute_tool",
      [ATTR.toolName]: "getWeather",
      [ATTR.toolCallId]: "call_1",
      [ATTR.toolType]: "function",
      [ATTR.toolKind]: "action",
      [ATTR.toolDescription]: "Weather of a city",
    });
    expect(tool.attributes[ATTR.toolCallArguments]).toBeUndefined();
    expect(tool.status.code).toBe(SpanStatusCode.UNSET);
    expect(parentOf(one("app work"))).toBe(tool.spanContext().spanId);
    expect(handlerTraceparent).toContain(tool.spanContext().spanId);
    // usage summed over both calls on the run
    expect(agent.attributes[ATTR.usageInputTokens]).toBe(84);
  });

  it("records contents only when recordContent is on", async () => {
    const shout: ActionDefinition = { name: "shout", description: "", parameters: [{ name: "text" }], handler: ({ text }) => String(text) };
    llm.enqueue(toolCallAnswer([{ id: "c1", name: "shout", arguments: { text: "hey" } }]));
    llm.enqueue(textAnswer("HEY"));
    await run(runtime({ actions: [shout] }, { recordContent: true }), "Shout hey");
    const [first] = named("chat gpt-4o");
    expect(JSON.parse(String(first!.attributes[ATTR.inputMessages]))).toEqual([
      { role: "user", parts: [{ type: "text", content: "Shout hey" }] },
    ]);
    expect(JSON.parse(String(first!.attributes[ATTR.outputMessages]))).toEqual([
      { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "shout", arguments: '{"text":"hey"}' }] },
    ]);
    const tool = one("execute_tool shout");
    expect(tool.attributes[ATTR.toolCallArguments]).toBe('{"text":"hey"}');
    expect(tool.attributes[ATTR.toolCallResult]).toBe("hey");
    expect(one("invoke_agent default").attributes[ATTR.outputMessages]).toContain("HEY");
  });

  it("traces a frontend tool call: the run ends after one chat, waiting on the client, with no execute_tool span", async () => {
    llm.enqueue(toolCallAnswer([{ id: "f1", name: "confirm", arguments: { question: "Sure?" } }]));
    const handler = runtime();
    const agent = new HttpAgent({
      url: "http://runtime.test/agent/default/run",
      fetch: ((input: string | URL | Request, init?: RequestInit) => handler(new Request(input, init))) as typeof fetch,
    });
    agent.messages.push({ id: "u1", role: "user", content: "Do it" });
    await agent.runAgent({ tools: [{ name: "confirm", description: "Ask", parameters: { type: "object", properties: {} } }] });
    expect(
      spans()
        .map((span) => span.name)
        .toSorted(),
    ).toEqual(["chat gpt-4o", "invoke_agent default"]);
    expect(one("chat gpt-4o").attributes[ATTR.responseFinishReasons]).toEqual(["tool_calls"]);
    expect(one("invoke_agent default").attributes[ATTR.responseFinishReasons]).toEqual(["tool_calls"]);
  });

  it("records a provider error on the chat and run spans (status, error.type, exception), with no secret", async () => {
    llm.enqueue(httpError(401));
    const before = (await metric(METRIC.runsFailed))?.dataPoints.reduce((sum, point) => sum + Number(point.value), 0) ?? 0;
    const { events } = await run(runtime(), "Hi");
    expect(events.at(-1)).toMatchObject({ type: "RUN_ERROR", code: "provider_auth" });
    const chat = one("chat gpt-4o");
    const agent = one("invoke_agent default");
    for (const span of [chat, agent]) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes[ATTR.errorType]).toBe("provider_auth");
      expect(span.attributes[ATTR.errorCode]).toBe("provider_auth");
      expect(span.events.some((event) => event.name === "exception")).toBe(true);
      expect(JSON.stringify({ status: span.status, events: span.events, attributes: span.attributes })).not.toContain("SECRET");
    }
    expect(agent.attributes[ATTR.runOutcome]).toBe("error");
    const failed = await metric(METRIC.runsFailed);
    expect(failed!.dataPoints.reduce((sum, point) => sum + Number(point.value), 0)).toBe(before + 1);
    expect(failed!.dataPoints.some((point) => point.attributes[ATTR.errorType] === "provider_auth")).toBe(true);
  });

  it("ends the spans of a run its client abandoned: cancelled, not failed, the chat span marked aborted", async () => {
    llm.enqueue(textAnswer("one two three four five", { holdAfter: 2 }));
    const handler = runtime();
    const controller = new AbortController();
    const response = await handler(
      new Request("http://runtime.test/agent/default/run", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify({
          threadId: "t-abort",
          runId: "r-abort",
          messages: [{ id: "u", role: "user", content: "Hi" }],
          tools: [],
          context: [],
          state: {},
          forwardedProps: {},
        }),
        signal: controller.signal,
      }),
    );
    const reader = response.body!.getReader();
    // read until the answer streams, so that the model call is under way
    const decoder = new TextDecoder();
    for (let seen = ""; !seen.includes("TEXT_MESSAGE_CONTENT");) seen += decoder.decode((await reader.read()).value);
    controller.abort();
    await reader.cancel().catch(() => undefined);
    await vi.waitFor(() => expect(named("invoke_agent default")).toHaveLength(1));
    const agent = one("invoke_agent default");
    expect(agent.attributes[ATTR.runOutcome]).toBe("cancelled");
    expect(agent.attributes[ATTR.errorCode]).toBe("aborted");
    expect(agent.status.code).toBe(SpanStatusCode.UNSET);
    const chat = one("chat gpt-4o");
    expect(chat.attributes[ATTR.errorType]).toBe("aborted");
  });

  it("traces a LangServe chain as an execute_tool span of kind langserve, and sends the chain its traceparent", async () => {
    llm.enqueue(toolCallAnswer([{ id: "l1", name: "shout", arguments: { input: "hello" } }]));
    llm.enqueue(textAnswer("HELLO"));
    await run(runtime({ langserve: [{ chainUrl: `${langserve.url}/shout`, name: "shout", description: "Shouts" }] }), "Shout hello");
    const tool = one("execute_tool shout");
    expect(tool.attributes).toMatchObject({ [ATTR.toolKind]: "langserve", [ATTR.toolType]: "extension" });
    const invoke = langserve.requests.find((request) => request.path.endsWith("/invoke"));
    expect(invoke?.headers.traceparent).toContain(tool.spanContext().spanId);
  });

  it("records gen_ai.client.token.usage and gen_ai.client.operation.duration, and active runs back to zero", async () => {
    llm.enqueue(textAnswer("Counted", { usage: { inputTokens: 7, outputTokens: 2 } }));
    await run(runtime(), "Count");
    const usage = await metric(METRIC.tokenUsage);
    expect(usage?.descriptor.unit).toBe("{token}");
    const types = new Set(usage!.dataPoints.map((point) => point.attributes[ATTR.tokenType]));
    expect(types).toEqual(new Set(["input", "output"]));
    expect(usage!.dataPoints[0]!.attributes).toMatchObject({ [ATTR.operationName]: "chat", [ATTR.providerName]: "openai" });
    const duration = await metric(METRIC.operationDuration);
    expect(duration?.descriptor.unit).toBe("s");
    expect(new Set(duration!.dataPoints.map((point) => point.attributes[ATTR.operationName]))).toEqual(new Set(["chat", "invoke_agent"]));
    const active = await metric(METRIC.runsActive);
    expect(active!.dataPoints.reduce((sum, point) => sum + Number(point.value), 0)).toBe(0);
    const started = await metric(METRIC.runsStarted);
    expect(started!.dataPoints.reduce((sum, point) => sum + Number(point.value), 0)).toBeGreaterThan(0);
  });

  it("traces a remote agent run as a CLIENT invoke_agent span whose traceparent the remote continues (one distributed trace)", async () => {
    // the remote: another Copilot Runtime over HTTP, traced into the same provider
    const remoteRuntime = new CopilotRuntime({ telemetry: openTelemetry({ tracerProvider, meterProvider }) });
    const remote = createServer(copilotRuntimeNodeHttpEndpoint({ runtime: remoteRuntime, serviceAdapter: adapter(), endpoint: "/" }));
    const seen: (string | undefined)[] = [];
    remote.prependListener("request", (request) => void seen.push(request.headers.traceparent as string | undefined));
    await new Promise<void>((resolve) => remote.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(remote.address() as AddressInfo).port}/agent/default/run`;
      llm.enqueue(textAnswer("Research done."));
      const front = new CopilotRuntime({
        agents: { research: new HttpAgent({ url, description: "Researches" }) },
        telemetry: openTelemetry({ tracerProvider, meterProvider }),
      }).handler();
      const agent = new HttpAgent({
        url: "http://runtime.test/agent/research/run",
        fetch: ((input: string | URL | Request, init?: RequestInit) => front(new Request(input, init))) as typeof fetch,
      });
      agent.messages.push({ id: "u1", role: "user", content: "Research tides" });
      await agent.runAgent();
      await vi.waitFor(() => expect(named("invoke_agent default")).toHaveLength(1));

      const outer = one("invoke_agent research");
      expect(outer.kind).toBe(SpanKind.CLIENT);
      expect(outer.attributes).toMatchObject({ [ATTR.agentId]: "research", [ATTR.agentRemote]: true, [ATTR.runOutcome]: "success" });
      expect(outer.attributes[ATTR.providerName]).toBeUndefined();
      expect(seen.at(-1)).toContain(outer.spanContext().spanId);
      const inner = one("invoke_agent default");
      expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
      expect(parentOf(inner)).toBe(outer.spanContext().spanId);
      expect(parentOf(one("chat gpt-4o"))).toBe(inner.spanContext().spanId);
    } finally {
      remote.closeAllConnections();
      await new Promise((resolve) => remote.close(resolve));
    }
  });
});
