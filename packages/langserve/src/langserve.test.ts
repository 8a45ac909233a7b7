// Remote LangServe chains through the runtime's `langserve` option, an LLM
// (the real openai SDK against the fake OpenAI server) and the real @ag-ui/client.
import { HttpAgent } from "@ag-ui/client";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CopilotRuntime } from "@copilot-runtime/core";
import { OpenAIAdapter } from "@copilot-runtime/openai";
import { ConfigurationError, type BaseEvent, type LangServeChainConfig } from "@copilot-runtime/protocol";
import {
  createFakeLangServe,
  createFakeOpenAI,
  serializedAIMessage,
  startServer,
  textAnswer,
  toolCallAnswer,
  verifyEvents,
  type FakeLangServe,
  type FakeOpenAI,
  type RecordedRequest,
} from "@copilot-runtime/testing";
import { langServeActionSource } from "./remote-chain-action.js";

let llm: FakeOpenAI;
let langserve: FakeLangServe;

beforeAll(async () => {
  llm = await createFakeOpenAI();
  langserve = await createFakeLangServe({
    "/shout": { inputSchema: { title: "ShoutInput", type: "string" }, invoke: (input) => String(input).toUpperCase() },
    "/joke": {
      inputSchema: { title: "JokeInput", type: "object", properties: { topic: { title: "Topic", type: "string" } }, required: ["topic"] },
      invoke: (input) => serializedAIMessage(`Why did the ${(input as { topic: string }).topic} cross the road?`),
      validate: (input) =>
        typeof (input as { topic?: unknown }).topic === "string"
          ? undefined
          : [{ type: "string_type", loc: ["body", "input", "topic"], msg: "Input should be a valid string" }],
    },
    "/plan": {
      inputSchema: {
        type: "object",
        properties: { trip: { $ref: "#/$defs/Trip" } },
        required: ["trip"],
        $defs: { Trip: { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city"] } },
      },
      invoke: (input) => ({
        plan: `${(input as { trip: { days: number } }).trip.days} days in ${(input as { trip: { city: string } }).trip.city}`,
      }),
    },
    "/story": {
      inputSchema: { type: "string" },
      invoke: () => "unused",
      stream: () => [serializedAIMessage("Once ", true), serializedAIMessage("upon ", true), serializedAIMessage("a time.", true)],
    },
    "/broken-stream": { inputSchema: { type: "string" }, invoke: () => "unused", stream: () => ["a", "b", "c"], streamErrorAfter: 1 },
  });
});
afterAll(async () => {
  await llm.close();
  await langserve.close();
});

function runtimeWith(langserveChains: LangServeChainConfig[]) {
  const handler = new CopilotRuntime({ langserve: langserveChains }).handler({
    serviceAdapter: new OpenAIAdapter({ openai: new OpenAI({ apiKey: "sk-test", baseURL: llm.baseURL, maxRetries: 0 }) }),
  });
  return async (text: string) => {
    const agent = new HttpAgent({
      url: "http://runtime.test/agent/default/run",
      fetch: ((input: string | URL | Request, init?: RequestInit) => handler(new Request(input, init))) as typeof fetch,
    });
    agent.messages.push({ id: crypto.randomUUID(), role: "user", content: text });
    const events: BaseEvent[] = [];
    await agent.runAgent({}, { onEvent: ({ event }) => void events.push(event) });
    verifyEvents(events);
    const results = events.filter((e) => e.type === "TOOL_CALL_RESULT").map((e) => (e as unknown as { content: string }).content);
    return { events, agent, results };
  };
}

const chain = (path: string, extra: Partial<LangServeChainConfig> = {}): LangServeChainConfig => ({
  chainUrl: `${langserve.url}${path}`,
  name: path.slice(1).replace("-", "_"),
  description: `The ${path} chain`,
  ...extra,
});

describe("LangServe chains as server-side actions", () => {
  it("infers a primitive chain's one `input` argument and calls it with the bare value", async () => {
    const ask = runtimeWith([chain("/shout")]);
    llm.enqueue(toolCallAnswer([{ name: "shout", arguments: { input: "hello" } }]), textAnswer("It shouted HELLO."));
    const { results, agent } = await ask("Shout hello");
    expect(llm.bodies().at(-2)?.tools?.[0]?.function).toEqual({
      name: "shout",
      description: "The /shout chain",
      parameters: { type: "object", properties: { input: { type: "string", description: "The input to the chain" } }, required: ["input"] },
    });
    expect(langserve.requests.at(-1)?.body).toEqual({ input: "hello", config: {}, kwargs: {} });
    expect(results).toEqual(["HELLO"]);
    expect(agent.messages.at(-1)).toMatchObject({ role: "assistant", content: "It shouted HELLO." });

    // the inferred schema is cached: a second request does not fetch it again
    const fetches = () => langserve.requests.filter((r) => r.path === "/shout/input_schema").length;
    const before = fetches();
    llm.enqueue(textAnswer("No shouting this time."));
    await ask("Say something");
    expect(fetches()).toBe(before);
  });

  it("infers an object chain's properties and reads a serialized AI message output", async () => {
    const ask = runtimeWith([chain("/joke")]);
    llm.enqueue(toolCallAnswer([{ name: "joke", arguments: { topic: "cat" } }]), textAnswer("Here is a joke."));
    const { results } = await ask("Tell a cat joke");
    expect(langserve.requests.at(-1)?.body).toMatchObject({ input: { topic: "cat" } });
    expect(results).toEqual(["Why did the cat cross the road?"]);
  });

  it("inlines $ref in a nested schema and passes nested arguments", async () => {
    const ask = runtimeWith([chain("/plan")]);
    llm.enqueue(toolCallAnswer([{ name: "plan", arguments: { trip: { city: "Rome", days: 3 } } }]), textAnswer("Planned."));
    const { results } = await ask("Plan Rome");
    const parameters = llm.bodies().at(-2)?.tools?.[0]?.function.parameters;
    expect(parameters).toEqual({
      type: "object",
      properties: { trip: { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city"] } },
      required: ["trip"],
    });
    expect(JSON.parse(results[0]!)).toEqual({ plan: "3 days in Rome" });
  });

  it("streams a streaming chain's output in pieces", async () => {
    const ask = runtimeWith([chain("/story", { stream: true })]);
    llm.enqueue(toolCallAnswer([{ name: "story", arguments: { input: "a story" } }]), textAnswer("Nice story."));
    const { events, results } = await ask("Story please");
    const deltas = events.filter((e) => e.type === "TEXT_MESSAGE_CONTENT").map((e) => (e as unknown as { delta: string }).delta);
    expect(deltas.slice(0, 3)).toEqual(["Once ", "upon ", "a time."]);
    expect(results).toEqual(["Once upon a time."]);
    expect(langserve.requests.at(-1)?.path).toBe("/story/stream");
  });

  it("turns a 422 and a mid-stream `event: error` into error results the LLM sees", async () => {
    const ask = runtimeWith([chain("/joke"), chain("/broken-stream", { stream: true })]);
    llm.enqueue(toolCallAnswer([{ name: "joke", arguments: { topic: 42 } }]), textAnswer("Let me fix that."));
    const first = await ask("joke");
    expect(first.results).toEqual(['Error: the chain "joke" rejected the input: input.topic: Input should be a valid string']);
    expect(llm.bodies().at(-1)?.messages.at(-1)).toMatchObject({ role: "tool", content: expect.stringMatching(/valid string/) });

    llm.enqueue(toolCallAnswer([{ name: "broken_stream", arguments: { input: "x" } }]), textAnswer("It broke."));
    const second = await ask("stream");
    expect(second.results).toEqual(['Error: the chain "broken_stream" failed while streaming: Internal Server Error']);
  });

  it("sends per-chain headers", async () => {
    let calls = 0;
    const ask = runtimeWith([chain("/shout", { headers: () => ({ authorization: `Bearer token-${++calls}` }) })]);
    llm.enqueue(toolCallAnswer([{ name: "shout", arguments: { input: "x" } }]), textAnswer("ok"));
    await ask("shout");
    const schemaRequest = langserve.requests.filter((r) => r.path === "/shout/input_schema").at(-1);
    expect(schemaRequest?.headers.authorization).toMatch(/^Bearer token-\d$/);
    expect(langserve.requests.at(-1)?.headers.authorization).toMatch(/^Bearer token-\d$/);
  });

  it("uses given parameters without fetching the schema", async () => {
    const before = langserve.requests.filter((r) => r.path.endsWith("/input_schema")).length;
    const ask = runtimeWith([chain("/shout", { name: "yell", parameters: [{ name: "text", type: "string" }], parameterType: "single" })]);
    llm.enqueue(toolCallAnswer([{ name: "yell", arguments: { text: "quiet" } }]), textAnswer("ok"));
    const { results } = await ask("yell");
    expect(results).toEqual(["QUIET"]);
    expect(langserve.requests.filter((r) => r.path.endsWith("/input_schema")).length).toBe(before);
  });

  it("fails clearly while a chain is down at start-up, and recovers when it comes back", async () => {
    await langserve.stop();
    const ask = runtimeWith([chain("/shout")]);
    const failed = await ask("shout").catch(
      (error: unknown) => error as Error & { status?: number; payload?: { error: string; message: string } },
    );
    expect(failed).toBeInstanceOf(Error);
    expect((failed as { status?: number }).status).toBe(502);
    expect((failed as { payload?: { message: string } }).payload?.message).toMatch(
      /LangServe chain "shout" is unavailable: its input schema could not be loaded from .*\/shout\/input_schema/,
    );

    await langserve.start();
    llm.enqueue(toolCallAnswer([{ name: "shout", arguments: { input: "back" } }]), textAnswer("Back."));
    const { results } = await ask("shout");
    expect(results).toEqual(["BACK"]);
  });

  it("reports a chain that serves an unusable input schema as provider_error, and asks again next time", async () => {
    const requests: RecordedRequest[] = [];
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(["not", "a", "schema"]));
    }, requests);
    try {
      const ask = runtimeWith([{ chainUrl: `${server.url}/odd`, name: "odd", description: "An odd chain" }]);
      for (let attempt = 1; attempt <= 2; attempt++) {
        const failed = (await ask("odd").catch((error: unknown) => error)) as Error & {
          status?: number;
          payload?: { error: string; message: string };
        };
        expect(failed.status).toBe(502);
        expect(failed.payload?.error).toBe("provider_error");
        expect(failed.payload?.message).toMatch(
          /LangServe chain "odd" served an unusable input schema at .*\/odd\/input_schema \(the input schema is not a JSON object\)/,
        );
        expect(requests).toHaveLength(attempt);
      }
    } finally {
      await server.close();
    }
  });
});

describe("langServeActionSource configuration", () => {
  const valid: LangServeChainConfig = { chainUrl: "http://localhost:8000/joke", name: "joke", description: "Jokes" };

  it.each<[string, Partial<LangServeChainConfig>, RegExp]>([
    ["a chainUrl that is not http(s)", { chainUrl: "ftp://example.com/joke" }, /langserve\[1\]\.chainUrl must be an http\(s\) URL/],
    ["an empty name", { name: "" }, /langserve\[1\]\.name must be a non-empty string/],
    ["an unknown parameterType", { parameterType: "both" as "single" }, /langserve\[1\]\.parameterType must be "single" or "multi"/],
    [
      "a single chain without parameters",
      { parameters: [], parameterType: "single" },
      /langserve\[1\]: a "single" chain needs one parameter/,
    ],
  ])("rejects %s with a ConfigurationError that says where", (_case, change, message) => {
    const build = () => langServeActionSource([valid, { ...valid, ...change }]);
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(message);
  });
});
