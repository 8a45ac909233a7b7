// A Copilot Runtime in front of another Copilot Runtime process: the front serves the other's built-in
// agent (LLM on the fake OpenAI server) as the remote agent "upstream" through a real HttpAgent, beside
// its own built-in agent; reached by both client generations.
import { fork, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { HttpAgent as HttpAgent100 } from "@ag-ui/client";
import { HttpAgent as HttpAgent0059 } from "@ag-ui/client-0059";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CopilotRuntime, type OnAfterRequestOptions } from "@copilot-runtime/core";
import { ScriptedAdapter, createFakeOpenAI, textAnswer, verifyEvents, type FakeOpenAI } from "@copilot-runtime/testing";
import type { BaseEvent, Message } from "@copilot-runtime/protocol";
import { copilotRuntimeNodeHttpEndpoint } from "./node-http-endpoint.js";

const FIXTURE = fileURLToPath(new URL("./shutdown-fixture.mjs", import.meta.url));

let fake: FakeOpenAI;
let child: ChildProcess;
let server: Server;
let baseUrl: string;
const after: OnAfterRequestOptions[] = [];

beforeAll(async () => {
  fake = await createFakeOpenAI();
  child = fork(FIXTURE, [], { env: { ...process.env, FAKE_OPENAI_URL: fake.baseURL }, stdio: "ignore" });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (message: { port?: number }) => (message.port ? resolve(message.port) : reject(new Error("no port"))));
  });
  const runtime = new CopilotRuntime({
    agents: {
      upstream: new HttpAgent100({ url: `http://127.0.0.1:${port}/api/copilotkit/agent/default/run`, description: "Another runtime." }),
    },
    middleware: { onAfterRequest: (options) => void after.push(options) },
  });
  const serviceAdapter = new ScriptedAdapter({ respond: () => ({ text: "Local answer." }) });
  server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime, serviceAdapter, endpoint: "/api/copilotkit" }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/copilotkit`;
}, 20_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  await fake.close();
});

it("lists the built-in agent as default and the remote runtime's agent beside it", async () => {
  const info = (await (await fetch(`${baseUrl}/info`)).json()) as { agents: Record<string, { description: string; className: string }> };
  expect(Object.keys(info.agents)).toEqual(["default", "upstream"]);
  expect(info.agents.default?.className).toBe("CopilotRuntime");
  expect(info.agents.upstream).toEqual({ name: "upstream", description: "Another runtime.", className: "AgUiAgent" });
});

interface ClientAgent {
  messages: Message[];
  runAgent(parameters?: Record<string, unknown>, subscriber?: Record<string, unknown>): Promise<unknown>;
}

describe.each([
  ["@ag-ui/client 1.0.0", (config: { url: string; threadId: string }) => new HttpAgent100(config) as unknown as ClientAgent],
  ["@ag-ui/client 0.0.59", (config: { url: string; threadId: string }) => new HttpAgent0059(config) as unknown as ClientAgent],
])("with %s", (_name, makeAgent) => {
  it("gets the other runtime's LLM answer, with its usage in onAfterRequest", async () => {
    fake.enqueue(textAnswer("Hello from the other runtime."));
    const threadId = `thread-${crypto.randomUUID()}`;
    const agent = makeAgent({ url: `${baseUrl}/agent/upstream/run`, threadId });
    agent.messages.push({ id: crypto.randomUUID(), role: "user", content: "Hi there" });
    const events: BaseEvent[] = [];
    await agent.runAgent({}, { onEvent: ({ event }: { event: BaseEvent }) => void events.push(event) });
    verifyEvents(events);
    expect(agent.messages.at(-1)).toMatchObject({ role: "assistant", content: "Hello from the other runtime." });
    expect(fake.bodies().at(-1)?.messages).toEqual([{ role: "user", content: "Hi there" }]);
    await vi.waitFor(() => expect(after.find((options) => options.threadId === threadId)).toBeDefined());
    const report = after.find((options) => options.threadId === threadId)!;
    expect(report.outputMessages).toEqual([expect.objectContaining({ role: "assistant", content: "Hello from the other runtime." })]);
    expect(report.usage).toMatchObject({ inputTokens: 42, outputTokens: 17 });
  });

  it("the built-in agent still answers as default", async () => {
    const agent = makeAgent({ url: `${baseUrl}/agent/default/run`, threadId: `thread-${crypto.randomUUID()}` });
    agent.messages.push({ id: crypto.randomUUID(), role: "user", content: "Hi" });
    await agent.runAgent({}, {});
    expect(agent.messages.at(-1)).toMatchObject({ role: "assistant", content: "Local answer." });
  });
});
