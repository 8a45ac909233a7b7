import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { HttpAgent } from "@ag-ui/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BaseEvent } from "@copilot-runtime/protocol";
import { collectParts, createFakeBedrock, createFakeOpenAI, parseSSE, textAnswer, verifyEvents } from "@copilot-runtime/testing";
import { createOfflineModel } from "./offline-model.js";
import {
  clientDisconnectFromEnv,
  createDemoServer,
  ENDPOINT,
  redactRedisUrl,
  runStoreFromEnv,
  serviceAdapterFromEnv,
  type DemoRunStore,
} from "./server.js";
import { freePort, hasRedisServer, startTestRedis, type TestRedis } from "./test-redis-server.js";
import { readToEnd, readUntil } from "./test-stream.js";

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
    const begun = await readUntil(reader, "Once");
    const stop = await fetch(`${base}${ENDPOINT}/agent/default/stop/story-thread`, { method: "POST" });
    expect(await stop.json()).toEqual({ stopped: true });
    const events = parseSSE(await readToEnd(reader, { sofar: begun }));
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
    const azure = serviceAdapterFromEnv({
      AZURE_OPENAI_API_KEY: "k",
      AZURE_OPENAI_ENDPOINT: "https://r.openai.azure.com",
      AZURE_OPENAI_DEPLOYMENT: "prod",
    });
    expect([azure.adapter.provider, azure.adapter.model]).toEqual(["openai", "prod"]);
    expect(azure.description).toBe("Azure OpenAI deployment prod at https://r.openai.azure.com (api-version 2024-10-21)");
    // an endpoint without a key (or the reverse) is no Azure setup
    expect(serviceAdapterFromEnv({ AZURE_OPENAI_ENDPOINT: "https://r.openai.azure.com" }).adapter.provider).toBe("offline");
    const bedrock = serviceAdapterFromEnv({
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "AKIA",
      AWS_SECRET_ACCESS_KEY: "s",
      BEDROCK_MODEL: "amazon.nova-pro-v1:0",
    });
    expect([bedrock.adapter.provider, bedrock.adapter.model]).toEqual(["amazon-bedrock", "amazon.nova-pro-v1:0"]);
    expect(bedrock.description).toMatch(/^Amazon Bedrock model amazon\.nova-pro-v1:0 in eu-west-1/);
    expect(serviceAdapterFromEnv({ AWS_REGION: "eu-west-1", AWS_BEARER_TOKEN_BEDROCK: "t" }).adapter.provider).toBe("amazon-bedrock");
    // a region without credentials is no Bedrock setup
    expect(serviceAdapterFromEnv({ AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKIA" }).adapter.provider).toBe("offline");
  });

  it("answers through OpenAI (or a compatible server) from OPENAI_API_KEY and OPENAI_BASE_URL", async () => {
    const fake = await createFakeOpenAI();
    try {
      fake.enqueue(textAnswer("Hello from OpenAI"));
      const { adapter } = serviceAdapterFromEnv({ OPENAI_API_KEY: "sk-demo-key", OPENAI_BASE_URL: fake.baseURL });
      const parts = await collectParts(adapter);
      expect(
        parts
          .filter((part) => part.type === "text-delta")
          .map((part) => part.delta)
          .join(""),
      ).toBe("Hello from OpenAI");
      expect(fake.requests[0]?.headers.authorization).toBe("Bearer sk-demo-key");
    } finally {
      await fake.close();
    }
  });

  it("answers through Amazon Bedrock, SigV4-signed from the AWS_* variables, when they are set", async () => {
    const fake = await createFakeBedrock({
      region: "eu-west-1",
      credentials: [{ accessKeyId: "AKIADEMO000000000001", secretAccessKey: "demoSecret0123456789" }],
    });
    try {
      fake.enqueue(textAnswer("Hello from Bedrock"));
      const { adapter } = serviceAdapterFromEnv({
        AWS_REGION: "eu-west-1",
        AWS_ACCESS_KEY_ID: "AKIADEMO000000000001",
        AWS_SECRET_ACCESS_KEY: "demoSecret0123456789",
        BEDROCK_BASE_URL: fake.baseURL,
      });
      const parts = await collectParts(adapter);
      expect(
        parts
          .filter((part) => part.type === "text-delta")
          .map((part) => part.delta)
          .join(""),
      ).toBe("Hello from Bedrock");
      expect(fake.requests[0]?.path).toBe("/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream");
    } finally {
      await fake.close();
    }
  });
});

describe("the demo's start-up options", () => {
  it("keeps threads in memory without REDIS_URL, and says so", async () => {
    const store = runStoreFromEnv({});
    expect(store.runStore).toBeUndefined();
    expect(store.description).toMatch(/^in memory, this process only \(set REDIS_URL/);
    await store.ready();
    await store.close();
  });

  it("refuses a REDIS_URL that is not redis:// or rediss://, and never prints a password", () => {
    expect(() => runStoreFromEnv({ REDIS_URL: "http://user:hunter2@example.com" })).toThrow(
      /^REDIS_URL must start with redis:\/\/ or rediss:\/\/ \(TLS\), got http:\/\/\*\*\*@example\.com\/\.$/,
    );
    expect(redactRedisUrl("rediss://default:AXyz-token@eu1-fine-cat.upstash.io:6379")).toBe("rediss://***@eu1-fine-cat.upstash.io:6379");
    expect(redactRedisUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
  });

  it("reads COPILOT_ON_CLIENT_DISCONNECT: abort by default, continue when asked, nothing else", () => {
    expect(clientDisconnectFromEnv({}).policy).toBe("abort");
    expect(clientDisconnectFromEnv({ COPILOT_ON_CLIENT_DISCONNECT: "continue" }).policy).toBe("continue");
    expect(() => clientDisconnectFromEnv({ COPILOT_ON_CLIENT_DISCONNECT: "keep" })).toThrow(/must be "abort" or "continue", got "keep"/);
  });
});

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

interface DemoProcess {
  child: ChildProcess;
  base: string;
  /** The start-up lines. */
  output: string;
  /** What it logged to stderr. */
  errors: string[];
}

/** `node dist/main.js` (what `pnpm demo` starts) on a free port, with only the given environment (so: the offline model). */
async function startDemoProcess(env: Record<string, string>): Promise<DemoProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is not built: run pnpm --filter @copilot-runtime/demo build.`);
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? "", PORT: "0", ...env }, stdio: "pipe" });
  let output = "";
  const errors: string[] = [];
  child.stderr!.on("data", (chunk: Buffer) => void errors.push(chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the demo exited with ${code}:\n${errors.join("")}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const origin = /listening on (http:\/\/localhost:\d+)/.exec(output)?.[1];
      if (origin && output.includes("  runs:")) resolve({ child, base: origin.replace("localhost", "127.0.0.1"), output, errors });
    });
  });
}

/** SIGTERM, and the exit code. */
async function stopDemoProcess(demo: DemoProcess): Promise<number | null> {
  if (demo.child.exitCode !== null) return demo.child.exitCode;
  const exited = new Promise<number | null>((resolve) => demo.child.once("exit", (code) => resolve(code)));
  demo.child.kill("SIGTERM");
  return exited;
}

/** `connect` on a thread: its replay, and the chunks it came in (a live run's frames come as the run writes them). */
async function connectWithChunks(origin: string, threadId: string): Promise<{ events: BaseEvent[]; chunks: string[] }> {
  const response = await fetch(`${origin}${ENDPOINT}/agent/default/connect`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ threadId, runId: crypto.randomUUID(), messages: [] }),
  });
  const chunks: string[] = [];
  const events = parseSSE(await readToEnd(response.body!.getReader(), { chunks, ms: 20_000 }));
  verifyEvents(events);
  return { events, chunks };
}
const connect = async (origin: string, threadId: string) => (await connectWithChunks(origin, threadId)).events;

const snapshotOf = (events: BaseEvent[]) =>
  (events.find((event) => event.type === "MESSAGES_SNAPSHOT") as unknown as { messages: { role: string; content?: string }[] }).messages;

describe("the demo as a process (what pnpm demo starts)", () => {
  it("says at start-up that threads are kept in memory and runs abort when their client leaves, and stops on SIGTERM", async () => {
    const demo = await startDemoProcess({});
    expect(demo.output).toMatch(/ {2}model: {3}the embedded offline model/);
    expect(demo.output).toMatch(/ {2}store: {3}in memory, this process only/);
    expect(demo.output).toMatch(/ {2}runs: {4}a run stops when its client leaves \(abort;/);
    expect(await stopDemoProcess(demo)).toBe(0);
  });

  it("on SIGTERM with a long answer in flight: ends it with server_shutdown after the grace period and exits 0", async () => {
    const demo = await startDemoProcess({ SHUTDOWN_GRACE_MS: "300" });
    const response = await fetch(`${demo.base}${ENDPOINT}/agent/default/run`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ threadId: "t-sigterm", runId: "r1", messages: [{ id: "u", role: "user", content: "tell me a long story" }] }),
    });
    const reader = response.body!.getReader();
    let text = "";
    while (!text.includes("TEXT_MESSAGE_CONTENT")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended early: ${text}`);
      text += new TextDecoder().decode(value);
    }
    const exited = stopDemoProcess(demo);
    for (let next = await reader.read(); !next.done; next = await reader.read()) text += new TextDecoder().decode(next.value);
    const events = parseSSE(text);
    verifyEvents(events);
    expect(events.at(-1)).toMatchObject({ type: "RUN_ERROR", code: "server_shutdown" });
    expect(await exited).toBe(0);
  });

  it("refuses to start when Redis does not answer, with what to do", async () => {
    const failed = startDemoProcess({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` }); // nothing listens there
    await expect(failed).rejects.toThrow(/exited with 1:\nCannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: .*\nStart Redis/);
  });
});

describe.skipIf(!hasRedisServer)("the demo on Redis (RedisRunStore, a redis-server of the test's own)", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it("two demo processes on one Redis: a thread run on the first is replayed by the second; both stop cleanly", async () => {
    const env = { REDIS_URL: redis.url, COPILOT_ON_CLIENT_DISCONNECT: "continue" };
    const [first, second] = await Promise.all([startDemoProcess(env), startDemoProcess(env)]);
    try {
      for (const demo of [first, second]) {
        expect(demo.output).toContain(`  store:   Redis at ${redis.url} (RedisRunStore: every instance on this Redis shares the threads)`);
        expect(demo.output).toMatch(/ {2}runs: {4}a run goes on to its end when its client leaves; a reload rejoins it \(continue\)/);
      }
      const threadId = `process-thread-${crypto.randomUUID()}`;
      const agent = new HttpAgent({ url: `${first.base}${ENDPOINT}/agent/default/run`, threadId });
      await ask("say hello to Grace", agent);
      const snapshot = snapshotOf(await connect(second.base, threadId));
      expect(snapshot.map((message) => message.role)).toEqual(["user", "assistant", "tool", "assistant"]);
      expect(snapshot.at(-1)?.content).toMatch(/^The server action answered: Hello, Grace!/);
    } finally {
      const codes = await Promise.all([stopDemoProcess(first), stopDemoProcess(second)]);
      expect(codes).toEqual([0, 0]);
    }
    expect(first.errors.join("") + second.errors.join("")).toBe(""); // nothing logged: no store errors
  });

  describe("two demo servers in one process, each with its own RedisRunStore", () => {
    const stores: DemoRunStore[] = [];
    const servers: Server[] = [];
    const bases: string[] = [];

    beforeAll(async () => {
      for (let i = 0; i < 2; i++) {
        const store = runStoreFromEnv({ REDIS_URL: redis.url });
        await store.ready();
        const instance = createDemoServer(createOfflineModel(2), { runStore: store.runStore, onClientDisconnect: "continue" });
        await new Promise<void>((resolve) => instance.listen(0, "127.0.0.1", resolve));
        stores.push(store);
        servers.push(instance);
        bases.push(`http://127.0.0.1:${(instance.address() as AddressInfo).port}`);
      }
    });
    afterAll(async () => {
      for (const instance of servers) {
        instance.closeAllConnections();
        await new Promise((resolve) => instance.close(resolve));
      }
      await Promise.all(stores.map((store) => store.close()));
    });

    it("a long answer whose client left on the first goes on; the second joins it live and follows it to its end", async () => {
      const threadId = `story-${crypto.randomUUID()}`;
      const leaving = new AbortController();
      const response = await fetch(`${bases[0]}${ENDPOINT}/agent/default/run`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ threadId, runId: "r-story", messages: [{ id: "u", role: "user", content: "tell me a long story" }] }),
        signal: leaving.signal,
      });
      await readUntil(response.body!.getReader(), "Once");
      leaving.abort(); // the page reloads

      const { events: replay, chunks } = await connectWithChunks(bases[1]!, threadId);
      // joined while the run was still going: its end came later, live
      expect(chunks[0]).not.toContain(`"type":"RUN_FINISHED","threadId":"${threadId}","runId":"r-story"`);
      expect(chunks.at(-1)).toContain(`"type":"RUN_FINISHED","threadId":"${threadId}","runId":"r-story"`);
      expect(snapshotOf(replay).map((message) => message.content)).toEqual(["tell me a long story"]);
      const story = replay
        .filter((event) => event.type === "TEXT_MESSAGE_CONTENT")
        .map((event) => (event as unknown as { delta: string }).delta)
        .join("");
      expect(story.split("patient reader.").length - 1).toBe(30); // the whole story, to its last sentence
      expect(replay.at(-1)).toMatchObject({ type: "RUN_FINISHED", runId: "r-story" });
      // and the thread, now finished, is the same on both
      const [onFirst, onSecond] = await Promise.all(bases.map(async (origin) => snapshotOf(await connect(origin, threadId))));
      expect(onFirst).toEqual(onSecond);
      expect(onSecond!.map((message) => message.role)).toEqual(["user", "assistant"]);
    });
  });
});
