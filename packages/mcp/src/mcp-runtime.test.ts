// End to end: MCP servers through the runtime's `mcpServers` option, an LLM (the real openai SDK against the fake
// OpenAI server) deciding to call their tools, and the real @ag-ui/client.
import { HttpAgent } from "@ag-ui/client";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { CopilotRuntime, type CopilotRuntimeOptions } from "@copilot-runtime/core";
import { OpenAIAdapter } from "@copilot-runtime/openai";
import type { BaseEvent, ErrorReport, RuntimeInfo } from "@copilot-runtime/protocol";
import { collectEvents, createFakeOpenAI, textAnswer, toolCallAnswer, verifyEvents, type FakeOpenAI } from "@copilot-runtime/testing";
import { rpcMessages, startMcpServer, type TestMcpServer } from "./test-mcp-servers.js";

const USER_TOKEN = "user-token-5f1e9c2a7b3d4e6f";
const cancelled: string[] = [];

function tools(server: McpServer): void {
  server.registerTool("get_weather", { description: "The weather in a city.", inputSchema: { city: z.string() } }, ({ city }) => ({
    content: [{ type: "text", text: `Sunny and 24°C in ${city}` }],
  }));
  server.registerTool("slow", { description: "Takes forever.", inputSchema: {} }, async (_args, extra) => {
    await new Promise<void>((resolve) =>
      extra.signal.addEventListener("abort", () => {
        cancelled.push(String(extra.requestId));
        resolve();
      }),
    );
    return { content: [{ type: "text", text: "too late" }] };
  });
}

let llm: FakeOpenAI;
let weather: TestMcpServer;
let secured: TestMcpServer;

beforeAll(async () => {
  llm = await createFakeOpenAI();
  weather = await startMcpServer(tools);
  secured = await startMcpServer(tools, { bearerToken: USER_TOKEN });
});
afterAll(async () => {
  await Promise.all([llm.close(), weather.close(), secured.close()]);
});

interface Harness {
  runtime: CopilotRuntime;
  handler: (request: Request) => Promise<Response>;
  reports: ErrorReport[];
  /** Every response body the runtime sent, as text. */
  bodies: Promise<string>[];
  ask(
    text: string,
    init?: { headers?: Record<string, string>; forwardedProps?: Record<string, unknown> },
  ): Promise<{
    events: BaseEvent[];
    results: string[];
    agent: HttpAgent;
  }>;
}

function harness(options: CopilotRuntimeOptions): Harness {
  const reports: ErrorReport[] = [];
  const bodies: Promise<string>[] = [];
  const runtime = new CopilotRuntime({ ...options, onError: (report) => void reports.push(report) });
  const inner = runtime.handler({
    serviceAdapter: new OpenAIAdapter({ openai: new OpenAI({ apiKey: "sk-test", baseURL: llm.baseURL, maxRetries: 0 }) }),
  });
  const handler = async (request: Request) => {
    const response = await inner(request);
    bodies.push(response.clone().text());
    return response;
  };
  return {
    runtime,
    handler,
    reports,
    bodies,
    async ask(text, init = {}) {
      const agent = new HttpAgent({
        url: "http://runtime.test/agent/default/run",
        headers: init.headers ?? {},
        fetch: ((input: string | URL | Request, requestInit?: RequestInit) => handler(new Request(input, requestInit))) as typeof fetch,
      });
      agent.messages.push({ id: crypto.randomUUID(), role: "user", content: text });
      const events: BaseEvent[] = [];
      await agent.runAgent({ forwardedProps: init.forwardedProps ?? {} }, { onEvent: ({ event }) => void events.push(event) });
      verifyEvents(events);
      const results = events.filter((e) => e.type === "TOOL_CALL_RESULT").map((e) => (e as unknown as { content: string }).content);
      return { events, results, agent };
    },
  };
}

describe("MCP tools through the runtime", () => {
  it("the LLM calls an MCP tool and its result reaches the final answer; /info lists the tools", async () => {
    const { ask, handler, runtime } = harness({ mcpServers: [{ endpoint: weather.endpoint, name: "weather" }] });
    llm.enqueue(toolCallAnswer([{ name: "get_weather", arguments: { city: "Paris" } }]), textAnswer("It is sunny and 24°C in Paris."));
    const { results, agent } = await ask("What is the weather in Paris?");
    expect(results).toEqual(["Sunny and 24°C in Paris"]);
    const firstCall = llm.bodies().at(-2);
    expect(firstCall?.tools?.map((tool) => tool.function.name)).toEqual(["get_weather", "slow"]);
    expect(firstCall?.tools?.[0]?.function).toMatchObject({
      description: "The weather in a city.",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    });
    expect(llm.bodies().at(-1)?.messages.at(-1)).toMatchObject({ role: "tool", content: "Sunny and 24°C in Paris" });
    expect(agent.messages.at(-1)).toMatchObject({ role: "assistant", content: "It is sunny and 24°C in Paris." });

    const info = (await (await handler(new Request("http://runtime.test/info"))).json()) as RuntimeInfo;
    expect(info.actions.map((action) => action.name)).toEqual(["get_weather", "slow"]);
    await runtime.close({ graceMs: 0 });
  });

  it("an MCP tool named like an app action gets its server's prefix", async () => {
    const { ask, runtime } = harness({
      actions: [{ name: "get_weather", description: "The app's own weather.", handler: () => "Rainy (app)" }],
      mcpServers: [{ endpoint: weather.endpoint, name: "weather" }],
    });
    llm.enqueue(toolCallAnswer([{ name: "weather_get_weather", arguments: { city: "Rome" } }]), textAnswer("Sunny in Rome."));
    const { results } = await ask("Weather in Rome?");
    expect(
      llm
        .bodies()
        .at(-2)
        ?.tools?.map((tool) => tool.function.name),
    ).toEqual(["get_weather", "weather_get_weather", "slow"]);
    expect(results).toEqual(["Sunny and 24°C in Rome"]);
    await runtime.close({ graceMs: 0 });
  });

  it("headers from the request reach the server; the token never appears in a response, an event or a report", async () => {
    const { ask, handler, runtime, reports, bodies } = harness({
      mcpServers: ({ request }) => [{ endpoint: secured.endpoint, headers: { authorization: request?.headers.get("x-user-token") ?? "" } }],
      mcpOptions: { allowedHosts: ["127.0.0.1"] },
    });
    llm.enqueue(toolCallAnswer([{ name: "get_weather", arguments: { city: "Lima" } }]), textAnswer("Sunny in Lima."));
    const { results } = await ask("Weather in Lima?", { headers: { "x-user-token": `Bearer ${USER_TOKEN}` } });
    expect(results).toEqual(["Sunny and 24°C in Lima"]);
    expect(secured.requests.at(-1)?.headers.authorization).toBe(`Bearer ${USER_TOKEN}`);

    // a wrong token: the server refuses it (and echoes it in its 401 body); the run goes on without its tools
    const wrong = `Bearer ${USER_TOKEN}-expired`;
    llm.enqueue(textAnswer("I cannot check the weather right now."));
    const refused = await ask("Weather in Lima?", { headers: { "x-user-token": wrong } });
    expect(llm.bodies().at(-1)?.tools).toBeUndefined();
    expect(refused.agent.messages.at(-1)).toMatchObject({ role: "assistant", content: "I cannot check the weather right now." });
    await handler(new Request("http://runtime.test/info", { headers: { "x-user-token": wrong } }));
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.map((report) => (report.error as { code?: string }).code)).toContain("provider_auth");

    const texts = [
      ...(await Promise.all(bodies)),
      ...reports.map((report) => {
        const error = report.error as Error;
        return [error.message, error.stack, String(error.cause), JSON.stringify(error.cause ?? null)].join("\n");
      }),
    ];
    for (const text of texts) {
      expect(text).not.toContain(USER_TOKEN);
    }
    await runtime.close({ graceMs: 0 });
  });

  it("never takes servers from the client (forwardedProps.mcpServers / mcpEndpoints are ignored)", async () => {
    const before = weather.requests.length;
    const { ask, runtime } = harness({ mcpServers: [] });
    llm.enqueue(textAnswer("Hello."));
    await ask("Hi", { forwardedProps: { mcpServers: [{ endpoint: weather.endpoint }], mcpEndpoints: [{ endpoint: weather.endpoint }] } });
    expect(weather.requests.length).toBe(before);
    expect(llm.bodies().at(-1)?.tools).toBeUndefined();
    await runtime.close({ graceMs: 0 });
  });

  it("a server that is down: the run goes on without its tools, onError reports it, no 5xx", async () => {
    const down = await startMcpServer(tools);
    await down.crash();
    const { ask, reports, runtime } = harness({ mcpServers: [{ endpoint: down.endpoint, name: "down" }, { endpoint: weather.endpoint }] });
    llm.enqueue(textAnswer("Only the weather server is there."));
    const { events } = await ask("Hi");
    expect(events.at(-1)?.type).toBe("RUN_FINISHED");
    expect(
      llm
        .bodies()
        .at(-1)
        ?.tools?.map((tool) => tool.function.name),
    ).toEqual(["get_weather", "slow"]);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ source: "action", error: { code: "provider_unavailable", server: "down" } });
    await runtime.close({ graceMs: 0 });
  });

  it("a server that goes away mid-run: the model is told the call failed and answers", async () => {
    const leaving = await startMcpServer(tools);
    const { ask, reports, runtime } = harness({ mcpServers: [{ endpoint: leaving.endpoint, name: "leaving" }] });
    llm.enqueue(textAnswer("Ready."));
    await ask("Hi");
    await leaving.crash();
    llm.enqueue(toolCallAnswer([{ name: "get_weather", arguments: { city: "Bern" } }]), textAnswer("The weather service is unavailable."));
    // the tool list was cached when the server was up: the model may still call it in this run
    const { results, agent } = await ask("Weather in Bern?");
    expect(results).toHaveLength(1);
    expect(results[0]).toMatch(/^Error: The MCP server "leaving" (could not be reached|is not connected|went away)/);
    expect(agent.messages.at(-1)).toMatchObject({ role: "assistant", content: "The weather service is unavailable." });
    expect(reports.length).toBeGreaterThan(0);
    await runtime.close({ graceMs: 0 });
  });

  it("a client that goes away cancels the running MCP tool call (notifications/cancelled)", async () => {
    const { handler, runtime } = harness({ mcpServers: [{ endpoint: weather.endpoint }] });
    llm.enqueue(toolCallAnswer([{ name: "slow", arguments: {} }]));
    const controller = new AbortController();
    const before = rpcMessages(weather.requests, "notifications/cancelled").length;
    const cancelledBefore = cancelled.length;
    const response = await handler(
      new Request("http://runtime.test/agent/default/run", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          threadId: "t-cancel",
          runId: "r-cancel",
          messages: [{ id: "u1", role: "user", content: "slow please" }],
          tools: [],
          context: [],
          state: {},
          forwardedProps: {},
        }),
        signal: controller.signal,
      }),
    );
    const reading = collectEvents(response).catch(() => []);
    await expect
      .poll(() => rpcMessages(weather.requests, "tools/call").some((message) => (message.params as { name?: string }).name === "slow"))
      .toBe(true);
    controller.abort();
    await reading;
    await expect.poll(() => cancelled.length).toBe(cancelledBefore + 1);
    expect(rpcMessages(weather.requests, "notifications/cancelled").length).toBe(before + 1);
    await runtime.close({ graceMs: 0 });
  });
});
