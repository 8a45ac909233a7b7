// End to end: the real @ag-ui/client HttpAgent (1.0.0, and 0.0.59 which
// CopilotKit's React packages pin) talks over real HTTP to the runtime mounted
// with the Node binding, which calls the fake OpenAI server through the real
// `openai` SDK.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpAgent as HttpAgent100 } from "@ag-ui/client";
import { HttpAgent as HttpAgent0059 } from "@ag-ui/client-0059";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CopilotRuntime, type OnAfterRequestOptions } from "@copilot-runtime/core";
import { OpenAIAdapter } from "@copilot-runtime/openai";
import { type BaseEvent, type Message } from "@copilot-runtime/protocol";
import { createFakeOpenAI, httpError, textAnswer, toolCallAnswer, verifyEvents, type FakeOpenAI } from "@copilot-runtime/testing";
import { copilotRuntimeNodeHttpEndpoint } from "./node-http-endpoint.js";

const API_KEY = "sk-e2e-SECRET-0123456789";
let fake: FakeOpenAI;
let server: Server;
let baseUrl: string;
const afterRequests: OnAfterRequestOptions[] = [];
const actionSignals: AbortSignal[] = [];

beforeAll(async () => {
  fake = await createFakeOpenAI();
  const runtime = new CopilotRuntime({
    actions: [
      {
        name: "sayHello",
        description: "Says hello to someone.",
        parameters: [{ name: "arg", type: "string", description: "The name of the person to say hello to.", required: true }],
        handler: async ({ arg }) => `Hello, ${String(arg)}!`,
      },
      {
        name: "getWeather",
        description: "Weather for a city.",
        parameters: [{ name: "city", type: "string" }],
        handler: async ({ city }, { signal }) => {
          actionSignals.push(signal);
          await new Promise((resolve) => setTimeout(resolve, 20));
          return { city, forecast: "sunny" };
        },
      },
      {
        name: "waitForAbort",
        description: "Runs until the run is aborted (at most 5 s).",
        handler: (_args, { signal }) => {
          actionSignals.push(signal);
          return new Promise((resolve) => {
            const timer = setTimeout(() => resolve("timed out"), 5000);
            signal.addEventListener("abort", () => {
              clearTimeout(timer);
              resolve("aborted");
            });
          });
        },
      },
      {
        name: "explode",
        description: "Always fails.",
        handler: () => {
          throw new Error("the database is on fire");
        },
      },
    ],
    middleware: { onAfterRequest: (options) => void afterRequests.push(options) },
  });
  const serviceAdapter = new OpenAIAdapter({
    openai: new OpenAI({ apiKey: API_KEY, baseURL: fake.baseURL, maxRetries: 0 }),
    model: "gpt-4o-mini",
  });
  server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime, serviceAdapter, endpoint: "/api/copilotkit" }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/copilotkit`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await fake.close();
});

afterEach(() => {
  vi.restoreAllMocks();
});

interface ClientAgent {
  messages: Message[];
  runAgent(parameters?: Record<string, unknown>, subscriber?: Record<string, unknown>): Promise<unknown>;
  abortRun(): void;
  addMessage?(message: Message): void;
}

const clients: [string, (config: { url: string; threadId: string }) => ClientAgent][] = [
  ["@ag-ui/client 1.0.0", (config) => new HttpAgent100(config) as unknown as ClientAgent],
  ["@ag-ui/client 0.0.59", (config) => new HttpAgent0059(config) as unknown as ClientAgent],
];

describe.each(clients)("with %s", (_name, makeAgent) => {
  function agentWith(text: string): ClientAgent {
    const agent = makeAgent({ url: `${baseUrl}/agent/default/run`, threadId: `thread-${crypto.randomUUID()}` });
    agent.messages.push({ id: crypto.randomUUID(), role: "user", content: text });
    return agent;
  }

  async function run(agent: ClientAgent, parameters: Record<string, unknown> = {}) {
    const events: BaseEvent[] = [];
    const errors: { message: string; code?: string }[] = [];
    const warn = vi.spyOn(console, "warn");
    await agent.runAgent(parameters, {
      onEvent: ({ event }: { event: BaseEvent }) => void events.push(event),
      onRunErrorEvent: ({ event }: { event: { message: string; code?: string } }) => void errors.push(event),
    });
    // The 1.0 client warns when it strips or drops material it does not know: we send none.
    expect(warn.mock.calls.filter((call) => String(call[0]).includes("[ag-ui]"))).toEqual([]);
    verifyEvents(events);
    return { events, errors };
  }

  const types = (events: BaseEvent[]) => events.map((event) => event.type);
  const last = <T>(list: T[]) => list[list.length - 1];

  it("gets a plain answer", async () => {
    fake.enqueue(textAnswer("Hello from the fake model."));
    const agent = agentWith("Hi!");
    const { events } = await run(agent);
    expect(types(events)[0]).toBe("RUN_STARTED");
    expect(last(types(events))).toBe("RUN_FINISHED");
    expect(last(agent.messages)).toMatchObject({ role: "assistant", content: "Hello from the fake model." });
    const body = last(fake.bodies())!;
    expect(body.model).toBe("gpt-4o-mini");
    expect(body.messages).toEqual([{ role: "user", content: "Hi!" }]);
  });

  it("runs a server action and gets the LLM's answer after it", async () => {
    fake.enqueue(toolCallAnswer([{ id: "call_hello", name: "sayHello", arguments: { arg: "Ada" } }]), textAnswer("I greeted Ada."));
    const agent = agentWith("Say hello to Ada");
    const { events } = await run(agent);
    const result = events.find((event) => event.type === "TOOL_CALL_RESULT") as unknown as { content: string; toolCallId: string };
    expect(result).toMatchObject({ toolCallId: "call_hello", content: "Hello, Ada!" });
    const roles = agent.messages.map((message) => message.role);
    expect(roles).toEqual(["user", "assistant", "tool", "assistant"]);
    expect(last(agent.messages)).toMatchObject({ content: "I greeted Ada." });
    const second = last(fake.bodies())!.messages;
    expect(second.slice(1)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_hello", type: "function", function: { name: "sayHello", arguments: '{"arg":"Ada"}' } }],
      },
      { role: "tool", tool_call_id: "call_hello", content: "Hello, Ada!" },
    ]);
  });

  it("runs two parallel server actions", async () => {
    fake.enqueue(
      toolCallAnswer([
        { id: "call_p", name: "getWeather", arguments: { city: "Paris" } },
        { id: "call_r", name: "getWeather", arguments: { city: "Rome" } },
      ]),
      textAnswer("Sunny in both."),
    );
    const agent = agentWith("Weather in Paris and Rome?");
    const { events } = await run(agent);
    const results = events.filter((event) => event.type === "TOOL_CALL_RESULT") as unknown as { toolCallId: string; content: string }[];
    expect(results.map((result) => result.toolCallId).toSorted()).toEqual(["call_p", "call_r"]);
    expect(results.find((result) => result.toolCallId === "call_r")?.content).toBe('{"city":"Rome","forecast":"sunny"}');
    const toolMessages = last(fake.bodies())!.messages.filter((message) => message.role === "tool");
    expect(toolMessages.map((message) => message.tool_call_id)).toEqual(["call_p", "call_r"]);
    expect(last(agent.messages)).toMatchObject({ role: "assistant", content: "Sunny in both." });
  });

  it("leaves a frontend tool to the client, then continues with its result", async () => {
    const confirm = {
      name: "confirm",
      description: "Ask the user",
      parameters: { type: "object", properties: { question: { type: "string" } } },
    };
    fake.enqueue(toolCallAnswer([{ id: "call_fe", name: "confirm", arguments: { question: "Proceed?" } }]));
    const agent = agentWith("Do the thing");
    const first = await run(agent, { tools: [confirm] });
    expect(first.events.some((event) => event.type === "TOOL_CALL_RESULT")).toBe(false);
    expect(last(types(first.events))).toBe("RUN_FINISHED");
    expect(last(fake.bodies())!.tools?.map((tool) => tool.function.name)).toEqual([
      "sayHello",
      "getWeather",
      "waitForAbort",
      "explode",
      "confirm",
    ]);
    const assistant = last(agent.messages) as { role: string; toolCalls?: { id: string; function: { name: string } }[] };
    expect(assistant.role).toBe("assistant");
    expect(assistant.toolCalls?.[0]).toMatchObject({ id: "call_fe", function: { name: "confirm" } });

    agent.messages.push({ id: crypto.randomUUID(), role: "tool", toolCallId: "call_fe", content: "yes" });
    fake.enqueue(textAnswer("Done, as you confirmed."));
    await run(agent, { tools: [confirm] });
    expect(last(agent.messages)).toMatchObject({ role: "assistant", content: "Done, as you confirmed." });
    expect(last(fake.bodies())!.messages.slice(-2)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_fe", type: "function", function: { name: "confirm", arguments: '{"question":"Proceed?"}' } }],
      },
      { role: "tool", tool_call_id: "call_fe", content: "yes" },
    ]);
  });

  const speaks1 = _name.includes("1.0.0");

  it("ends a stopped run as this client generation understands it", async () => {
    let release!: () => void;
    fake.enqueue(textAnswer("one two three four five", { holdAfter: 3, hold: new Promise<void>((resolve) => (release = resolve)) }));
    const threadId = `thread-${crypto.randomUUID()}`;
    const agent = makeAgent({ url: `${baseUrl}/agent/default/run`, threadId });
    agent.messages.push({ id: crypto.randomUUID(), role: "user", content: "Long answer please" });
    const events: BaseEvent[] = [];
    const errors: { code?: string }[] = [];
    const outcomes: unknown[] = [];
    let stopped: Promise<Response> | undefined;
    await agent.runAgent(
      {},
      {
        onEvent: ({ event }: { event: BaseEvent }) => void events.push(event),
        onRunErrorEvent: ({ event }: { event: { code?: string } }) => void errors.push(event),
        onRunFinishedEvent: (params: { outcome?: unknown }) => void outcomes.push(params.outcome),
        onTextMessageContentEvent: () => {
          stopped ??= fetch(`${baseUrl}/agent/default/stop/${threadId}`, { method: "POST" });
        },
      },
    );
    release();
    expect(await (await stopped!).json()).toEqual({ stopped: true });
    verifyEvents(events);
    const end = last(events) as { type: string; outcome?: unknown; code?: string };
    if (speaks1) {
      // AG-UI 1.0: a cancelled outcome, the open message closed first
      expect(end).toEqual({ type: "RUN_FINISHED", threadId, runId: expect.any(String), outcome: { type: "cancelled" } });
      expect(types(events).slice(-2)).toEqual(["TEXT_MESSAGE_END", "RUN_FINISHED"]);
      expect(outcomes).toEqual(["cancelled"]);
      expect(errors).toEqual([]);
    } else {
      // 0.0.59 has no cancelled outcome: RUN_ERROR stopped, as before
      expect(end).toMatchObject({ type: "RUN_ERROR", code: "stopped" });
      expect(errors.map((error) => error.code)).toEqual(["stopped"]);
    }
    expect(last(agent.messages)).toMatchObject({ role: "assistant", content: expect.stringContaining("one") });
    await vi.waitFor(() => expect(last(afterRequests)?.error?.code).toBe("stopped"));
  });

  it("names the pending frontend tool calls only to a client that speaks AG-UI 1.0", async () => {
    const confirm = { name: "confirm", description: "Ask the user", parameters: { type: "object", properties: {} } };
    fake.enqueue(toolCallAnswer([{ id: "call_pending", name: "confirm", arguments: {} }]));
    const { events } = await run(agentWith("Ask me"), { tools: [confirm] });
    const end = last(events) as { type: string; outcome?: unknown };
    expect(end.type).toBe("RUN_FINISHED");
    if (speaks1) expect(end.outcome).toEqual({ type: "success", pendingToolCallIds: ["call_pending"] });
    else expect(end.outcome).toBeUndefined();
    await vi.waitFor(() => expect(last(afterRequests)?.finishReason).toBe("tool_calls"));
  });

  it("tells the client an answer was cut by the token limit", async () => {
    fake.enqueue(textAnswer("A long answer that was cut", { finishReason: "length" }));
    const agent = agentWith("Write a lot");
    const results: unknown[] = [];
    const events: BaseEvent[] = [];
    const { result } = (await agent.runAgent(
      { forwardedProps: { maxTokens: 5 } },
      {
        onEvent: ({ event }: { event: BaseEvent }) => void events.push(event),
        onRunFinishedEvent: (params: { result?: unknown }) => void results.push(params.result),
      },
    )) as { result?: unknown };
    verifyEvents(events);
    expect(last(events)).toMatchObject({ type: "RUN_FINISHED", result: { finishReason: "length" } });
    expect(result).toEqual({ finishReason: "length" });
    expect(results).toEqual([{ finishReason: "length" }]);
    expect(last(fake.bodies())!.max_tokens).toBe(5);
    await vi.waitFor(() => expect(last(afterRequests)?.finishReason).toBe("length"));
  });

  it("turns a throwing action into an error result the LLM answers", async () => {
    fake.enqueue(toolCallAnswer([{ id: "call_x", name: "explode", arguments: {} }]), textAnswer("Sorry, that failed."));
    const agent = agentWith("Explode");
    const { events } = await run(agent);
    expect(events.find((event) => event.type === "TOOL_CALL_RESULT")).toMatchObject({ content: "Error: the database is on fire" });
    expect(last(fake.bodies())!.messages.at(-1)).toEqual({
      role: "tool",
      tool_call_id: "call_x",
      content: "Error: the database is on fire",
    });
    expect(last(agent.messages)).toMatchObject({ content: "Sorry, that failed." });
  });

  it("turns broken tool arguments into an error result the LLM answers", async () => {
    fake.enqueue(toolCallAnswer([{ id: "call_b", name: "sayHello", arguments: '{"arg": "Ad' }]), textAnswer("Let me retry."));
    const agent = agentWith("Hello?");
    const { events } = await run(agent);
    const result = events.find((event) => event.type === "TOOL_CALL_RESULT") as unknown as { content: string };
    expect(result.content).toMatch(/^Error: the arguments for "sayHello" are not valid JSON/);
    expect(last(agent.messages)).toMatchObject({ content: "Let me retry." });
  });

  it.each([
    ["401", httpError(401), "provider_auth"],
    ["500", httpError(500), "provider_error"],
    ["a mid-stream failure", textAnswer("Partial answer that breaks", { errorAfter: 3 }), "provider_error"],
    ["a stream cut mid-way", textAnswer("Partial answer that breaks", { cutAfter: 3 }), "provider_error"],
  ])("reports provider %s as RUN_ERROR without leaking the key", async (_case, script, code) => {
    fake.enqueue(script);
    const agent = agentWith("Hi");
    const { events, errors } = await run(agent);
    expect(last(types(events))).toBe("RUN_ERROR");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe(code);
    expect(errors[0]?.message).not.toContain("SECRET");
    const after = last(afterRequests);
    expect(after?.error?.code).toBe(code);
  });

  it("aborts the provider request when the client aborts", async () => {
    let release!: () => void;
    fake.enqueue(textAnswer("one two three four five", { holdAfter: 3, hold: new Promise<void>((resolve) => (release = resolve)) }));
    const agent = agentWith("Long answer please");
    const requestsBefore = fake.requests.length;
    const seen: string[] = [];
    const running = agent
      .runAgent(
        {},
        {
          onTextMessageContentEvent: () => {
            seen.push("content");
            if (seen.length === 2) agent.abortRun();
          },
        },
      )
      .catch((error: unknown) => error);
    const request = await vi.waitFor(() => {
      const recorded = fake.requests[requestsBefore];
      if (!recorded) throw new Error("no request yet");
      return recorded;
    });
    expect(await request.closedEarly).toBe(true);
    await running;
    release();
    await vi.waitFor(() => expect(last(afterRequests)?.error?.code).toBe("aborted"));
  });
});

describe("over HTTP without a client library", () => {
  it("answers malformed bodies with 400 and a precise message, and keeps serving", async () => {
    const cases: [string, number, RegExp][] = [
      ["{not json", 400, /not valid JSON/],
      [JSON.stringify({ threadId: "t" }), 400, /runId/],
      [JSON.stringify({ threadId: "t", runId: "r", messages: [{ id: "1", role: "robot", content: "x" }] }), 400, /messages\[0\]/],
    ];
    for (const [body, status, message] of cases) {
      const response = await fetch(`${baseUrl}/agent/default/run`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      expect(response.status).toBe(status);
      const json = (await response.json()) as { error: string; message: string };
      expect(json.message).toMatch(message);
    }
    const info = await fetch(`${baseUrl}/info`);
    expect(info.status).toBe(200);
    expect(((await info.json()) as { agents: Record<string, unknown> }).agents).toHaveProperty("default");
  });

  it("aborts running actions when the client disconnects", async () => {
    fake.enqueue(toolCallAnswer([{ id: "call_w", name: "waitForAbort", arguments: {} }]));
    const before = actionSignals.length;
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/agent/default/run`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ threadId: "t", runId: "r", messages: [{ id: "1", role: "user", content: "weather" }] }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await vi.waitFor(async () => {
      await reader.read();
      if (actionSignals.length === before) throw new Error("action not started");
    });
    controller.abort();
    await vi.waitFor(() => expect(actionSignals[before]?.aborted).toBe(true));
  });
});
