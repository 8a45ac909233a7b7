import type { AddressInfo } from "node:net";
import { HttpAgent } from "@ag-ui/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BaseEvent } from "@copilot-runtime/protocol";
import { parseSSE, verifyEvents } from "@copilot-runtime/testing";
import { createOfflineModel } from "./offline-model.js";
import { createDemoServer, ENDPOINT, serviceAdapterFromEnv } from "./server.js";

const { description } = serviceAdapterFromEnv({});
const server = createDemoServer(createOfflineModel(2));

let base: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const addTodo = {
  name: "addTodo",
  description: "Adds an item to the todo list shown on the page.",
  parameters: { type: "object", properties: { item: { type: "string" } }, required: ["item"] },
};

async function ask(
  text: string,
  agent = new HttpAgent({ url: `${base}${ENDPOINT}/agent/default/run` }),
  parameters: Record<string, unknown> = {},
) {
  agent.messages.push({ id: crypto.randomUUID(), role: "user", content: text });
  return runOn(agent, parameters);
}

async function runOn(agent: HttpAgent, parameters: Record<string, unknown> = {}) {
  const events: BaseEvent[] = [];
  await agent.runAgent(parameters, { onEvent: ({ event }) => void events.push(event) });
  verifyEvents(events);
  return { events, agent };
}

describe("the demo on its offline model", () => {
  it("uses the offline model without a key", () => {
    expect(description).toMatch(/offline/);
  });

  it("runs CopilotKit's classic sayHello example action on the server and answers with its result", async () => {
    const { events, agent } = await ask("Please say hello to Ada");
    const result = events.find((event) => event.type === "TOOL_CALL_RESULT") as unknown as { content: string };
    expect(result.content).toMatch(/^Hello, Ada!/);
    expect(agent.messages.at(-1)).toMatchObject({
      role: "assistant",
      content: expect.stringMatching(/^The server action answered: Hello, Ada!/),
    });
  });

  it("runs the data lookup action", async () => {
    const { events } = await ask("What is the weather in Paris?");
    const result = events.find((event) => event.type === "TOOL_CALL_RESULT") as unknown as { content: string };
    expect(JSON.parse(result.content)).toEqual({ city: "Paris", temperatureC: 14, sky: "sunny" });
  });

  it("explains itself otherwise, and serves /info and a home page", async () => {
    const { agent } = await ask("hi");
    expect(String(agent.messages.at(-1)?.content)).toMatch(/offline model/);
    const info = (await (await fetch(`${base}${ENDPOINT}/info`)).json()) as { actions: { name: string }[] };
    expect(info.actions.map((action) => action.name)).toEqual(["sayHello", "lookupWeather"]);
    expect(await (await fetch(base)).text()).toMatch(/Copilot Runtime demo/);
    expect((await fetch(`${base}/some/page`)).headers.get("content-type")).toMatch(/text\/html/); // the page's own routes
    expect((await fetch(`${base}/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it("runs the page's frontend tool through a plain HttpAgent: the client executes it and the next run answers", async () => {
    const agent = new HttpAgent({ url: `${base}${ENDPOINT}/agent/default/run` });
    const first = await ask("add eggs to my list", agent, { tools: [addTodo] });
    const start = first.events.find((event) => event.type === "TOOL_CALL_START") as unknown as { toolCallId: string; toolCallName: string };
    expect(start.toolCallName).toBe("addTodo");
    expect(first.events.some((event) => event.type === "TOOL_CALL_RESULT")).toBe(false);
    agent.messages.push({ id: crypto.randomUUID(), role: "tool", toolCallId: start.toolCallId, content: 'Added "eggs" to the list.' });
    await runOn(agent, { tools: [addTodo] });
    expect(agent.messages.at(-1)).toMatchObject({ role: "assistant", content: 'Done: Added "eggs" to the list.' });
  });

  it("replays a thread on connect, and stops a long answer", async () => {
    const agent = new HttpAgent({ url: `${base}${ENDPOINT}/agent/default/run`, threadId: "demo-thread" });
    await ask("say hello to Grace", agent);
    const connect = await fetch(`${base}${ENDPOINT}/agent/default/connect`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ threadId: "demo-thread", runId: "r", messages: [] }),
    });
    const replay = parseSSE(await connect.text());
    verifyEvents(replay);
    const snapshot = replay.find((event) => event.type === "MESSAGES_SNAPSHOT") as unknown as {
      messages: { role: string; content?: string }[];
    };
    expect(snapshot.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool", "assistant"]);

    const long = await fetch(`${base}${ENDPOINT}/agent/default/run`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        threadId: "story-thread",
        runId: "r-story",
        messages: [{ id: "u", role: "user", content: "tell me a long story" }],
      }),
    });
    const reader = long.body!.getReader();
    let text = "";
    while (!text.includes("Once")) text += new TextDecoder().decode((await reader.read()).value);
    const stop = await fetch(`${base}${ENDPOINT}/agent/default/stop/story-thread`, { method: "POST" });
    expect(await stop.json()).toEqual({ stopped: true });
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const events = parseSSE(text);
    verifyEvents(events);
    expect(events.at(-1)).toEqual({ type: "RUN_ERROR", code: "stopped", message: "The run was stopped." });
  });

  it("picks the provider by environment variable", () => {
    const openai = serviceAdapterFromEnv({ OPENAI_API_KEY: "sk-x", OPENAI_MODEL: "gpt-4.1", OPENAI_BASE_URL: "http://127.0.0.1:1/v1" });
    expect(openai.adapter.provider).toBe("openai");
    expect(openai.adapter.model).toBe("gpt-4.1");
    expect(openai.description).toMatch(/gpt-4\.1 at http:\/\/127\.0\.0\.1:1\/v1/);
    expect(serviceAdapterFromEnv({ ANTHROPIC_API_KEY: "sk-ant-x" }).adapter.provider).toBe("anthropic");
    expect(serviceAdapterFromEnv({ GOOGLE_API_KEY: "AIza-x", GOOGLE_MODEL: "gemini-2.5-pro" }).adapter.model).toBe("gemini-2.5-pro");
    expect(serviceAdapterFromEnv({ GEMINI_API_KEY: "AIza-x" }).adapter.provider).toBe("google");
  });
});
