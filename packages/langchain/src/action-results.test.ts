// Server-side actions that return LangChain types, through the runtime and the real @ag-ui/client.
import { HttpAgent } from "@ag-ui/client";
import { AIMessage, AIMessageChunk } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { CopilotRuntime } from "@copilot-runtime/core";
import { type BaseEvent } from "@copilot-runtime/protocol";
import { ScriptedAdapter, verifyEvents } from "@copilot-runtime/testing";
import { FragmentStreamingModel } from "./test-models.js";

const runtime = new CopilotRuntime({
  actions: [
    { name: "asString", handler: () => "plain result" },
    { name: "asAIMessage", handler: () => new AIMessage("from an AIMessage") },
    { name: "asChunk", handler: () => new AIMessageChunk({ content: "from a chunk" }) },
    {
      name: "asStream",
      handler: (_args, { signal }) =>
        new FragmentStreamingModel([[{ content: "streamed " }, { content: "in " }, { content: "pieces" }]]).stream("tell me", { signal }),
    },
  ],
});

async function callAction(name: string) {
  const adapter = new ScriptedAdapter({ steps: [{ toolCalls: [{ id: `call-${name}`, name, args: {} }] }, { text: "Done." }] });
  const handler = runtime.handler({ serviceAdapter: adapter });
  const agent = new HttpAgent({
    url: "http://runtime.test/agent/default/run",
    fetch: ((input: string | URL | Request, init?: RequestInit) => handler(new Request(input, init))) as typeof fetch,
  });
  agent.messages.push({ id: "u1", role: "user", content: `call ${name}` });
  const events: BaseEvent[] = [];
  await agent.runAgent({}, { onEvent: ({ event }) => void events.push(event) });
  verifyEvents(events);
  const fedBack = adapter.requests[1]?.messages.at(-1);
  return { events, agent, fedBack };
}

const between = (events: BaseEvent[]) => {
  const end = events.findIndex((event) => event.type === "TOOL_CALL_END");
  const result = events.findIndex((event) => event.type === "TOOL_CALL_RESULT");
  return events.slice(end + 1, result);
};
const deltas = (events: BaseEvent[]) =>
  events.filter((e) => e.type === "TEXT_MESSAGE_CONTENT").map((e) => (e as unknown as { delta: string }).delta);

describe("actions returning LangChain types", () => {
  it("a string: the result as is, nothing streamed", async () => {
    const { events, fedBack } = await callAction("asString");
    expect(between(events)).toEqual([]);
    expect(events.find((e) => e.type === "TOOL_CALL_RESULT")).toMatchObject({ content: "plain result" });
    expect(fedBack).toMatchObject({ role: "tool", content: "plain result" });
  });

  it.each([
    ["asAIMessage", "from an AIMessage"],
    ["asChunk", "from a chunk"],
  ])("%s: shown as assistant text, and the result the LLM sees", async (name, text) => {
    const { events, agent, fedBack } = await callAction(name);
    expect(between(events).map((e) => e.type)).toEqual(["TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END"]);
    expect(deltas(between(events))).toEqual([text]);
    expect(events.find((e) => e.type === "TOOL_CALL_RESULT")).toMatchObject({ content: text });
    expect(fedBack).toMatchObject({ role: "tool", toolCallId: `call-${name}`, content: text });
    expect(agent.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant", "assistant"]);
    expect(agent.messages.filter((m) => m.role === "assistant").map((m) => m.content)).toContain(text);
  });

  it("an IterableReadableStream<AIMessageChunk>: streamed in pieces, then the whole result", async () => {
    const { events, agent, fedBack } = await callAction("asStream");
    expect(deltas(between(events))).toEqual(["streamed ", "in ", "pieces"]);
    expect(events.find((e) => e.type === "TOOL_CALL_RESULT")).toMatchObject({ content: "streamed in pieces" });
    expect(fedBack).toMatchObject({ role: "tool", content: "streamed in pieces" });
    expect(agent.messages.at(-1)).toMatchObject({ role: "assistant", content: "Done." });
  });
});
