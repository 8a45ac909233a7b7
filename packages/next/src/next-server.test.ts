// The handlers inside a real Next.js production server: the fixture app in
// test/app is built with `next build` (which also type-checks it) and served by
// Next's own request handler (what `next start` runs), in this process so the
// suite can hold and release its LLM. The app also holds the README's App Router
// route file as is (Edge runtime, OpenAIAdapter), answered here through a fake OpenAI.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import next from "next";
import type { ServiceAdapter } from "@copilot-runtime/protocol";
import { collectEvents, createFakeOpenAI, eventTypes, textAnswer, textOf, verifyEvents, type FakeOpenAI } from "@copilot-runtime/testing";
import { describeBindingConformance, type MountedRuntime } from "@copilot-runtime/testing/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dir = fileURLToPath(new URL("../test/app", import.meta.url));
let built: Promise<void> | undefined;

function buildApp(): Promise<void> {
  built ??= new Promise<void>((resolve, reject) => {
    const result = spawnSync(process.execPath, [fileURLToPath(import.meta.resolve("next/dist/bin/next")), "build", dir], {
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      encoding: "utf8",
    });
    if (result.status === 0) resolve();
    else reject(new Error(`next build failed:\n${result.stdout}\n${result.stderr}`));
  });
  return built;
}

// One Next.js server for the whole file: with a second one in the process, the Edge route answered 500.
let nextApp: Promise<ReturnType<typeof next>> | undefined;
afterAll(async () => {
  await (await nextApp)?.close();
});

async function startNext(adapter?: ServiceAdapter): Promise<MountedRuntime> {
  if (adapter) (globalThis as { __copilotRuntimeTestAdapter?: ServiceAdapter }).__copilotRuntimeTestAdapter = adapter;
  nextApp ??= buildApp().then(async () => {
    const app = next({ dev: false, dir, quiet: true });
    await app.prepare();
    return app;
  });
  const handle = (await nextApp).getRequestHandler();
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describeBindingConformance({
  name: "Next.js App Router under `next build` + Next's production server",
  endpoint: "/api/app-copilotkit",
  createRuntime: () => undefined,
  mount: ({ serviceAdapter }) => startNext(serviceAdapter),
});

describeBindingConformance({
  name: "Next.js Pages Router under `next build` + Next's production server",
  endpoint: "/api/pages-copilotkit",
  createRuntime: () => undefined,
  mount: ({ serviceAdapter }) => startNext(serviceAdapter),
});

describe("the README's App Router route under `next build` + Next's production server", () => {
  const ENV = ["OPENAI_API_KEY", "OPENAI_BASE_URL"] as const;
  const saved = ENV.map((name) => process.env[name]);
  let fake: FakeOpenAI;
  let mounted: MountedRuntime;

  beforeAll(async () => {
    fake = await createFakeOpenAI();
    // what `new OpenAIAdapter()` in the route reads (the Edge sandbox gets the server's environment)
    process.env.OPENAI_API_KEY = "sk-readme-route";
    process.env.OPENAI_BASE_URL = fake.baseURL;
    mounted = await startNext();
  });
  afterAll(async () => {
    await mounted?.close();
    await fake?.close();
    ENV.forEach((name, index) => {
      if (saved[index] === undefined) delete process.env[name];
      else process.env[name] = saved[index];
    });
  });

  const run = (path: string, body: unknown) =>
    fetch(`${mounted.url}/api/copilotkit${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("is built as an Edge function", () => {
    const manifest = JSON.parse(readFileSync(`${dir}/.next/server/middleware-manifest.json`, "utf8")) as {
      functions: Record<string, { name: string }>;
    };
    expect(Object.keys(manifest.functions)).toContain("/api/copilotkit/[[...slug]]/route");
  });

  it("serves /info", async () => {
    const response = await fetch(`${mounted.url}/api/copilotkit/info`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ agents: { default: {} } });
  });

  it("answers a run through OpenAI, then replays the thread to a client that reconnects with the same threadId", async () => {
    fake.enqueue(textAnswer("Hello from the Edge runtime."));
    const threadId = `thread-${crypto.randomUUID()}`;
    const messages = [{ id: "u1", role: "user", content: "Hi!" }];
    const answer = await collectEvents(await run("/agent/default/run", { threadId, runId: "run-1", messages }));
    verifyEvents(answer);
    expect(textOf(answer)).toBe("Hello from the Edge runtime.");
    expect(fake.requests).toHaveLength(1);

    // what CopilotKit does on a reload with a stable threadId
    const replay = await collectEvents(await run("/agent/default/connect", { threadId, runId: "run-2", messages: [] }));
    expect(eventTypes(replay)).toEqual(["RUN_STARTED", "MESSAGES_SNAPSHOT", "RUN_FINISHED"]);
    expect((replay[1] as unknown as { messages: unknown[] }).messages).toMatchObject([
      ...messages,
      { role: "assistant", content: "Hello from the Edge runtime." },
    ]);
  });
});
