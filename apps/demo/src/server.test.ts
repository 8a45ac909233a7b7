import type { AddressInfo } from "node:net";
import { HttpAgent } from "@ag-ui/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyEvents, type BaseEvent } from "@copilot-runtime/protocol";
import { createDemoServer, ENDPOINT, serviceAdapterFromEnv } from "./server.js";

const { adapter, description } = serviceAdapterFromEnv({});
const server = createDemoServer(adapter);
let base: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function ask(text: string) {
  const agent = new HttpAgent({ url: `${base}${ENDPOINT}/agent/default/run` });
  agent.messages.push({ id: "u1", role: "user", content: text });
  const events: BaseEvent[] = [];
  await agent.runAgent({}, { onEvent: ({ event }) => void events.push(event) });
  verifyEvents(events);
  return { events, agent };
}

describe("the demo on its offline model", () => {
  it("uses the offline model without a key", () => {
    expect(description).toMatch(/offline/);
  });

  it("runs the seed's sayHello server action and answers with its result", async () => {
    const { events, agent } = await ask("Please say hello to Ada");
    const result = events.find((event) => event.type === "TOOL_CALL_RESULT") as unknown as { content: string };
    expect(result.content).toMatch(/^Hello, Ada!/);
    expect(agent.messages.at(-1)).toMatchObject({ role: "assistant", content: expect.stringMatching(/^The server action answered: Hello, Ada!/) });
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
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it("picks OpenAI when OPENAI_API_KEY is set", () => {
    const picked = serviceAdapterFromEnv({ OPENAI_API_KEY: "sk-x", OPENAI_MODEL: "gpt-4.1", OPENAI_BASE_URL: "http://127.0.0.1:1/v1" });
    expect(picked.adapter.provider).toBe("openai");
    expect(picked.adapter.model).toBe("gpt-4.1");
    expect(picked.description).toMatch(/gpt-4\.1 at http:\/\/127\.0\.0\.1:1\/v1/);
  });
});
