// Remote AG-UI agents behind the runtime, end to end over real HTTP: the runtime (Node binding) serves
// real `HttpAgent`s (@ag-ui/client 1.0.0) pointed at a scripted AG-UI server written with @ag-ui/encoder,
// and is reached by both client generations (1.0.0, and 0.0.59 which CopilotKit's React packages pin).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpAgent as HttpAgent100 } from "@ag-ui/client";
import { HttpAgent as HttpAgent0059 } from "@ag-ui/client-0059";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CopilotRuntime, type AgentsOption, type OnAfterRequestOptions, type OnBeforeRequestOptions } from "@copilot-runtime/core";
import { EventType, type BaseEvent, type Message, type RunAgentInput } from "@copilot-runtime/protocol";
import { eventTypes, parseSSE, verifyEvents } from "@copilot-runtime/testing";
import { copilotRuntimeNodeHttpEndpoint } from "./node-http-endpoint.js";
import {
  UPSTREAM_SECRET,
  everyEventType,
  startScriptedAgUiServer,
  type AgUiScript,
  type ScriptedAgUiServer,
} from "./scripted-agui-server.js";

const started = (input: RunAgentInput): BaseEvent => ({ type: EventType.RUN_STARTED, threadId: input.threadId, runId: input.runId });
const text = (id: string, delta: string): BaseEvent[] => [
  { type: EventType.TEXT_MESSAGE_START, messageId: id, role: "assistant" },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: id, delta },
  { type: EventType.TEXT_MESSAGE_END, messageId: id },
];
const finished = (input: RunAgentInput): BaseEvent => ({ type: EventType.RUN_FINISHED, threadId: input.threadId, runId: input.runId });
const lastUserText = (input: RunAgentInput) => String(input.messages.filter((message) => message.role === "user").at(-1)?.content);
const secretBody = JSON.stringify({ error: `database password ${UPSTREAM_SECRET}`, stack: "at handler (/srv/agent.py:12)" });

const scenarios: Record<string, (input: RunAgentInput) => AgUiScript> = {
  all: (input) => ({ kind: "events", events: everyEventType(input) }),
  // answers with the thread id and the user's text, slowly, so that concurrent runs interleave
  echo: (input) => ({
    kind: "events",
    delayMs: 20,
    events: [
      started(input),
      ...text(`m-${input.runId}`, `${input.threadId}|${lastUserText(input)}|${input.messages.length}`),
      finished(input),
    ],
  }),
  hold: (input) => ({ kind: "events", events: [started(input), { type: EventType.TEXT_MESSAGE_START, messageId: "h1" }], after: "hold" }),
  status401: () => ({ kind: "status", status: 401, body: secretBody }),
  status403: () => ({ kind: "status", status: 403, body: secretBody }),
  status404: () => ({ kind: "status", status: 404, body: secretBody }),
  status429: () => ({ kind: "status", status: 429, body: secretBody, headers: { "retry-after": "3" } }),
  status500: () => ({ kind: "status", status: 500, body: secretBody }),
  status502: () => ({ kind: "status", status: 502, body: secretBody }),
  status503: () => ({ kind: "status", status: 503, body: secretBody }),
  status504: () => ({ kind: "status", status: 504, body: secretBody }),
  noTerminal: (input) => ({ kind: "events", events: [started(input), ...text("n1", "half an answer")] }),
  outOfOrder: (input) => ({
    kind: "events",
    events: [started(input), { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "x1", delta: "no start" }, finished(input)],
  }),
  openAtFinish: (input) => ({
    kind: "events",
    events: [started(input), { type: EventType.TEXT_MESSAGE_START, messageId: "o1", role: "assistant" }, finished(input)],
  }),
  notStarted: (input) => ({ kind: "events", events: [...text("s1", "hi"), finished(input)] }),
  malformed: (input) => ({
    kind: "frames",
    frames: [`data: ${JSON.stringify(started(input))}\n\n`, `data: {"type": ${UPSTREAM_SECRET}\n\n`],
  }),
  notAnEvent: (input) => ({
    kind: "frames",
    frames: [`data: ${JSON.stringify(started(input))}\n\n`, `data: {"secret":"${UPSTREAM_SECRET}"}\n\n`],
  }),
  cut: (input) => ({ kind: "events", events: [started(input), ...text("c1", "cut short")], after: "cut" }),
  empty: () => ({ kind: "frames", frames: [] }),
  remoteError: (input) => ({
    kind: "events",
    events: [started(input), { type: EventType.RUN_ERROR, message: "The graph failed.", code: "graph_error" }],
  }),
  unknownType: (input) => ({
    kind: "events",
    events: [started(input), { type: "MY_NEW_EVENT" as EventType, value: 1 } as BaseEvent, ...text("u1", "fine"), finished(input)],
  }),
};

let remote: ScriptedAgUiServer;
let server: Server;
let baseUrl: string;
let refusedUrl: string;
let runtime: CopilotRuntime;
const before: OnBeforeRequestOptions[] = [];
const after: OnAfterRequestOptions[] = [];

beforeAll(async () => {
  remote = await startScriptedAgUiServer(scenarios);
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  refusedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/agent`;
  await new Promise((resolve) => closed.close(resolve));
  const agents: AgentsOption = (): Record<string, HttpAgent100> => ({
    ...Object.fromEntries(
      Object.keys(scenarios).map((name) => [
        name,
        new HttpAgent100({ url: `${remote.url}/${name}`, description: `The ${name} scenario.` }),
      ]),
    ),
    refused: new HttpAgent100({ url: refusedUrl }),
  });
  runtime = new CopilotRuntime({
    agents,
    providerTimeoutMs: 400,
    keepAliveMs: 0,
    properties: { tenant: "acme" },
    middleware: {
      onRequest: ({ request, context }) => {
        const user = request.headers.get("x-user");
        if (user) context.identity = { id: user };
      },
      onBeforeRequest: (options) => void before.push(options),
      onAfterRequest: (options) => void after.push(options),
    },
  });
  server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime, endpoint: "/api/copilotkit" }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/copilotkit`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await remote.close();
});

function runInput(overrides: Partial<RunAgentInput> = {}): RunAgentInput {
  return {
    threadId: `thread-${crypto.randomUUID()}`,
    runId: `run-${crypto.randomUUID()}`,
    messages: [{ id: `u-${crypto.randomUUID()}`, role: "user", content: "Hello" }],
    tools: [],
    context: [],
    state: {},
    forwardedProps: {},
    ...overrides,
  };
}

async function post(path: string, body: unknown, init: RequestInit = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(init.headers as Record<string, string>) },
    body: JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

describe("/info", () => {
  it("lists the remote agents with their descriptions, and no built-in agent without a service adapter", async () => {
    const info = (await (await fetch(`${baseUrl}/info`)).json()) as { agents: Record<string, { description: string; className: string }> };
    expect(Object.keys(info.agents)).toEqual([...Object.keys(scenarios), "refused"]);
    expect(info.agents.all).toEqual({ name: "all", description: "The all scenario.", className: "AgUiAgent" });
    expect(info.agents.refused?.description).toBe('The AG-UI agent "refused".');
  });
});

interface ClientAgent {
  messages: Message[];
  state: unknown;
  runAgent(parameters?: Record<string, unknown>, subscriber?: Record<string, unknown>): Promise<unknown>;
}

const clients: [string, (config: { url: string; threadId: string }) => ClientAgent][] = [
  ["@ag-ui/client 1.0.0", (config) => new HttpAgent100(config) as unknown as ClientAgent],
  ["@ag-ui/client 0.0.59", (config) => new HttpAgent0059(config) as unknown as ClientAgent],
];

describe.each(clients)("through the runtime with %s", (_name, makeAgent) => {
  async function runWith(agentId: string, userText = "Hello") {
    const agent = makeAgent({ url: `${baseUrl}/agent/${agentId}/run`, threadId: `thread-${crypto.randomUUID()}` });
    agent.messages.push({ id: crypto.randomUUID(), role: "user", content: userText });
    const events: BaseEvent[] = [];
    const errors: { message: string; code?: string }[] = [];
    const warn = vi.spyOn(console, "warn");
    await agent.runAgent(
      {},
      {
        onEvent: ({ event }: { event: BaseEvent }) => void events.push(event),
        onRunErrorEvent: ({ event }: { event: { message: string; code?: string } }) => void errors.push(event),
      },
    );
    expect(warn.mock.calls.filter((call) => String(call[0]).includes("[ag-ui]"))).toEqual([]);
    warn.mockRestore();
    return { agent, events, errors };
  }

  it("passes every event type through unchanged and in order", async () => {
    const { agent, events, errors } = await runWith("all");
    expect(errors).toEqual([]);
    const sent = everyEventType(runInput());
    expect(eventTypes(events)).toEqual(sent.map((event) => event.type));
    expect(events.find((event) => event.type === "RAW")).toMatchObject({ event: { vendor: "scripted", detail: 1 }, source: "scripted" });
    expect(events.find((event) => event.type === "ACTIVITY_DELTA")).toMatchObject({
      patch: [{ op: "replace", path: "/percent", value: 100 }],
    });
    expect(agent.state).toMatchObject({ count: 1 });
    expect(agent.messages.find((message) => message.id === "a1")).toMatchObject({ role: "assistant", content: "Hello, world!" });
  });

  it("gets a faulty agent's failure as RUN_ERROR with its code", async () => {
    const { events, errors } = await runWith("status500");
    expect(eventTypes(events)).toEqual(["RUN_STARTED", "RUN_ERROR"]);
    expect(errors).toEqual([expect.objectContaining({ code: "agent_error", message: 'The agent "status500" answered HTTP 500.' })]);
  });
});

describe("faults: a RUN_ERROR with a stable code, a 200 stream that ends cleanly, nothing of the upstream answer", () => {
  it.each([
    ["refused", "agent_unavailable"],
    ["status401", "agent_auth"],
    ["status403", "agent_auth"],
    ["status404", "agent_bad_request"],
    ["status429", "rate_limited"],
    ["status500", "agent_error"],
    ["status502", "agent_unavailable"],
    ["status503", "agent_unavailable"],
    ["status504", "timeout"],
    ["hold", "timeout"],
    ["noTerminal", "agent_protocol_error"],
    ["outOfOrder", "agent_protocol_error"],
    ["openAtFinish", "agent_protocol_error"],
    ["notStarted", "agent_protocol_error"],
    ["malformed", "agent_protocol_error"],
    ["notAnEvent", "agent_protocol_error"],
    ["empty", "agent_protocol_error"],
    ["cut", "agent_unavailable"],
    ["remoteError", "graph_error"],
  ])("%s → %s", async (agentId, code) => {
    const startedAt = Date.now();
    const response = await post(`/agent/${agentId}/run`, runInput());
    expect(response.status).toBe(200);
    expect(response.text).not.toContain(UPSTREAM_SECRET);
    expect(response.text).not.toContain("agent.py");
    expect([...response.headers.keys()]).not.toContain("x-upstream-secret");
    const events = parseSSE(response.text);
    verifyEvents(events);
    expect(events.at(-1)).toMatchObject({ type: "RUN_ERROR", code });
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });

  it("drops an event type AG-UI does not know and goes on", async () => {
    const events = parseSSE((await post("/agent/unknownType/run", runInput())).text);
    expect(eventTypes(events)).toEqual(["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED"]);
  });

  it("the fault reaches onAfterRequest with its code, the upstream answer only in the cause", async () => {
    const threadId = `thread-${crypto.randomUUID()}`;
    await post("/agent/status401/run", runInput({ threadId }));
    await vi.waitFor(() => expect(after.find((options) => options.threadId === threadId)).toBeDefined());
    const report = after.find((options) => options.threadId === threadId)!;
    expect(report.error).toMatchObject({ code: "agent_auth", message: 'The agent "status401" answered HTTP 401.' });
    expect(report.error?.message).not.toContain(UPSTREAM_SECRET);
  });
});

describe("one configured agent, many threads", () => {
  it("50 concurrent runs on different threads: each gets its own answer, the remote sees only its own messages", async () => {
    const runs = Array.from({ length: 50 }, (_, index) => {
      const history: Message[] = Array.from({ length: (index % 3) + 1 }, (_unused, turn) => ({
        id: `u-${index}-${turn}`,
        role: "user",
        content: `question ${index}.${turn}`,
      }));
      return { index, body: runInput({ threadId: `thread-c${index}-${crypto.randomUUID()}`, messages: history }) };
    });
    const startedAt = Date.now();
    const results = await Promise.all(runs.map(async ({ body }) => parseSSE((await post("/agent/echo/run", body)).text)));
    const elapsedMs = Date.now() - startedAt;
    let crossTalk = 0;
    results.forEach((events, index) => {
      const { body } = runs[index]!;
      verifyEvents(events);
      const delta = events
        .filter((event) => event.type === "TEXT_MESSAGE_CONTENT")
        .map((event) => event.delta as string)
        .join("");
      const expected = `${body.threadId}|question ${index}.${body.messages.length - 1}|${body.messages.length}`;
      if (delta !== expected || events[0]?.threadId !== body.threadId) crossTalk++;
    });
    const seen = remote.requests.filter((request) => request.scenario === "echo");
    for (const { body } of runs) {
      const request = seen.find((candidate) => candidate.input.threadId === body.threadId);
      if (request === undefined || JSON.stringify(request.input.messages) !== JSON.stringify(body.messages)) crossTalk++;
    }
    expect(crossTalk).toBe(0);
    expect(remote.peakOpen()).toBeGreaterThan(1);
    // the figures for the closing note
    console.info(
      `50 concurrent runs on one HttpAgent: ${elapsedMs} ms, up to ${remote.peakOpen()} open at the remote, cross-talk ${crossTalk}`,
    );
  });
});

describe("the client going away, and stop, end the remote run", () => {
  const lastHold = () => remote.requests.filter((request) => request.scenario === "hold").at(-1)!;

  it("a client that disconnects closes the upstream request (measured at the remote)", async () => {
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/agent/hold/run`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(runInput()),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    await vi.waitFor(() => expect(remote.open()).toBeGreaterThan(0));
    const abortedAt = Date.now();
    controller.abort();
    await vi.waitFor(() => expect(lastHold().closedAfterMs).toBeDefined(), { timeout: 2000 });
    expect(lastHold().finished).toBe(false);
    expect(Date.now() - abortedAt).toBeLessThan(1000);
  });

  it.each([
    ["an AG-UI 1.0 client", "1.0", { type: "RUN_FINISHED", outcome: { type: "cancelled" } }],
    ["an older client", undefined, { type: "RUN_ERROR", code: "stopped" }],
  ])("stop closes the upstream request; %s gets its end", async (_name, protocolVersion, end) => {
    const body = runInput(protocolVersion ? { protocolVersion } : {});
    const answer = post("/agent/hold/run", body);
    await vi.waitFor(() => expect(remote.requests.some((request) => request.input.threadId === body.threadId)).toBe(true));
    const stop = await post(`/agent/hold/stop/${encodeURIComponent(body.threadId)}`, {});
    expect(JSON.parse(stop.text)).toEqual({ stopped: true });
    const events = parseSSE((await answer).text);
    expect(events.at(-1)).toMatchObject(end);
    await vi.waitFor(() =>
      expect(remote.requests.find((request) => request.input.threadId === body.threadId)?.closedAfterMs).toBeDefined(),
    );
  });
});

describe("middleware sees agent runs like built-in ones", () => {
  it("onBeforeRequest and onAfterRequest get the input and output messages, properties, identity and usage", async () => {
    const body = runInput({ forwardedProps: { locale: "de" } });
    const response = await post("/agent/all/run", body, { headers: { "x-user": "ada", authorization: "Bearer end-user-token" } });
    expect(parseSSE(response.text).at(-1)?.type).toBe("RUN_FINISHED");
    await vi.waitFor(() => expect(after.find((options) => options.threadId === body.threadId)).toBeDefined());
    const hooked = before.find((options) => options.threadId === body.threadId)!;
    expect(hooked.inputMessages).toEqual(body.messages);
    expect(hooked.properties).toEqual({ tenant: "acme", locale: "de", identity: { id: "ada" } });
    const report = after.find((options) => options.threadId === body.threadId)!;
    expect(report.outputMessages).toEqual([
      {
        id: "a1",
        role: "assistant",
        content: "Hello, world!",
        toolCalls: [{ id: "c1", type: "function", function: { name: "search", arguments: '{"q":"ag-ui"}' } }],
      },
      { id: "t1", role: "tool", toolCallId: "c1", content: "3 results" },
    ]);
    expect(report.usage).toMatchObject({ inputTokens: 11, outputTokens: 7 });
    expect(report.error).toBeUndefined();
    // nothing of the end user's request is forwarded by default
    const upstream = remote.requests.find((request) => request.input.threadId === body.threadId)!;
    expect(upstream.headers.authorization).toBeUndefined();
    expect(upstream.headers["x-user"]).toBeUndefined();
    expect(JSON.stringify(upstream.input)).not.toContain("acme");
  });

  it("the request-function form forwards the end user's credentials when the app says so", async () => {
    const forwarding = new CopilotRuntime({
      agents: ({ request, identity }) => ({
        research: new HttpAgent100({
          url: `${remote.url}/echo`,
          headers: {
            ...(request?.headers.get("authorization") ? { authorization: request.headers.get("authorization")! } : {}),
            ...(identity ? { "x-end-user": identity.id } : {}),
          },
        }),
      }),
      middleware: {
        onRequest: ({ context }) => {
          context.identity = { id: "grace" };
        },
      },
    });
    const handler = forwarding.handler({ basePath: "/api" });
    const body = runInput();
    const response = await handler(
      new Request("http://localhost/api/agent/research/run", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer end-user-token" },
        body: JSON.stringify(body),
      }),
    );
    expect(parseSSE(await response.text()).at(-1)?.type).toBe("RUN_FINISHED");
    const upstream = remote.requests.find((request) => request.input.threadId === body.threadId)!;
    expect(upstream.headers.authorization).toBe("Bearer end-user-token");
    expect(upstream.headers["x-end-user"]).toBe("grace");
  });
});

describe("an unknown agent", () => {
  it("is a 400 before streaming, naming the agents there are", async () => {
    const response = await post("/agent/nope/run", runInput());
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toMatchObject({ error: "unknown_agent" });
  });
});
