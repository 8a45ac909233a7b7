// A real framework agent behind the runtime: a LangGraph.js graph (langgraph/graph.ts) served by the real
// LangGraph API server (`langgraphjs dev`, in memory, Node 20), reached through @ag-ui/langgraph's
// LangGraphAgent; the graph's model calls go to the fake OpenAI server. Clients: the real HttpAgent 1.0.0 and 0.0.59.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { HttpAgent as HttpAgent100 } from "@ag-ui/client";
import { HttpAgent as HttpAgent0059 } from "@ag-ui/client-0059";
import { LangGraphAgent } from "@ag-ui/langgraph";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CopilotRuntime, type OnAfterRequestOptions } from "@copilot-runtime/core";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";
import type { BaseEvent, Message } from "@copilot-runtime/protocol";
import { createFakeOpenAI, textAnswer, type FakeOpenAI } from "@copilot-runtime/testing";

const CLI = fileURLToPath(new URL("../node_modules/.bin/langgraphjs", import.meta.url));
const CONFIG = fileURLToPath(new URL("../langgraph/langgraph.json", import.meta.url));

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let fake: FakeOpenAI;
let langgraph: ChildProcess;
let server: Server;
let baseUrl: string;
const after: OnAfterRequestOptions[] = [];

beforeAll(async () => {
  fake = await createFakeOpenAI();
  const port = await freePort();
  langgraph = spawn(CLI, ["dev", "--port", String(port), "--host", "127.0.0.1", "--no-browser", "--config", CONFIG], {
    // the CLI reports every command to its makers unless told not to; no test reaches the internet
    env: {
      ...process.env,
      FAKE_OPENAI_URL: fake.baseURL,
      LANGSMITH_TRACING: "false",
      LANGCHAIN_TRACING_V2: "false",
      LANGGRAPH_CLI_NO_ANALYTICS: "1",
    },
    stdio: "ignore",
    detached: true,
  });
  const deploymentUrl = `http://127.0.0.1:${port}`;
  await vi.waitFor(
    async () => {
      const response = await fetch(`${deploymentUrl}/ok`);
      expect(response.ok).toBe(true);
    },
    { timeout: 90_000, interval: 500 },
  );
  const runtime = new CopilotRuntime({
    agents: { graph: new LangGraphAgent({ deploymentUrl, graphId: "agent", description: "A LangGraph.js graph." }) },
    middleware: { onAfterRequest: (options) => void after.push(options) },
  });
  server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime, endpoint: "/api/copilotkit" }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/copilotkit`;
}, 120_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  // the CLI runs the API server in a child of its own: end the whole group it leads
  if (langgraph?.pid) process.kill(-langgraph.pid, "SIGTERM");
  await fake?.close();
});

interface ClientAgent {
  messages: Message[];
  runAgent(parameters?: Record<string, unknown>, subscriber?: Record<string, unknown>): Promise<unknown>;
}

describe.each([
  ["@ag-ui/client 1.0.0", (config: { url: string; threadId: string }) => new HttpAgent100(config) as unknown as ClientAgent],
  ["@ag-ui/client 0.0.59", (config: { url: string; threadId: string }) => new HttpAgent0059(config) as unknown as ClientAgent],
])("a LangGraph agent through the runtime, with %s", (_name, makeAgent) => {
  it("answers with the graph's model answer, and onAfterRequest sees it", async () => {
    fake.enqueue(textAnswer("Hello from the graph."));
    // LangGraph takes UUID thread ids only
    const threadId = crypto.randomUUID();
    const agent = makeAgent({ url: `${baseUrl}/agent/graph/run`, threadId });
    agent.messages.push({ id: crypto.randomUUID(), role: "user", content: "Hi graph" });
    const events: BaseEvent[] = [];
    const errors: unknown[] = [];
    await agent.runAgent(
      {},
      {
        onEvent: ({ event }: { event: BaseEvent }) => void events.push(event),
        onRunErrorEvent: ({ event }: { event: unknown }) => void errors.push(event),
      },
    );
    expect(errors).toEqual([]);
    expect(events[0]?.type).toBe("RUN_STARTED");
    expect(events.at(-1)?.type).toBe("RUN_FINISHED");
    expect(events.map((event) => event.type)).toContain("MESSAGES_SNAPSHOT");
    expect(agent.messages.at(-1)).toMatchObject({ role: "assistant", content: "Hello from the graph." });
    expect(fake.bodies().at(-1)?.messages.at(-1)).toEqual({ role: "user", content: "Hi graph" });
    await vi.waitFor(() => expect(after.find((options) => options.threadId === threadId)).toBeDefined());
    const report = after.find((options) => options.threadId === threadId)!;
    expect(report.outputMessages.at(-1)).toMatchObject({ role: "assistant", content: "Hello from the graph." });
  });
});
