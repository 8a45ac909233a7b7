// Clients that vanish mid-stream: every provider request and action is aborted,
// and after 500 aborted runs nothing is left behind (sockets, timers, memory).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CopilotRuntime } from "@copilot-runtime/core";
import { OpenAIAdapter } from "@copilot-runtime/openai";
import { createFakeOpenAI, textAnswer, toolCallAnswer, type FakeOpenAI } from "@copilot-runtime/testing";
import { copilotRuntimeNodeHttpEndpoint } from "./node-http-endpoint.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let fake: FakeOpenAI;
let server: Server;
let url: string;
let actionsStarted = 0;
let actionsAborted = 0;

beforeAll(async () => {
  fake = await createFakeOpenAI();
  const runtime = new CopilotRuntime({
    actions: [
      {
        name: "slow",
        handler: (_args, { signal }) =>
          new Promise((resolve) => {
            actionsStarted++;
            const timer = setTimeout(() => resolve("late"), 60_000);
            signal.addEventListener("abort", () => {
              actionsAborted++;
              clearTimeout(timer);
              resolve("aborted");
            });
          }),
      },
    ],
  });
  const serviceAdapter = new OpenAIAdapter({ openai: new OpenAI({ apiKey: "sk-test", baseURL: fake.baseURL, maxRetries: 0 }) });
  server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime, serviceAdapter, endpoint: "/api" }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/agent/default/run`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await fake.close();
});

/** Starts a run, reads until the first event, then disconnects. */
async function abandon(text: string): Promise<void> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ threadId: `t-${crypto.randomUUID()}`, runId: "r", messages: [{ id: "u", role: "user", content: text }] }),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  let seen = "";
  while (!seen.includes(text.startsWith("slow") ? "TOOL_CALL_END" : "TEXT_MESSAGE_CONTENT")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += new TextDecoder().decode(value);
  }
  controller.abort();
  await reader.cancel().catch(() => undefined);
}

const resources = () => {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
};

async function settle(check: () => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("clients that disconnect mid-stream", () => {
  it("abort the provider request and the running action handlers", async () => {
    fake.enqueue(textAnswer("one two three four five", { holdAfter: 3 }));
    const before = fake.requests.length;
    await abandon("hold on");
    await settle(() => fake.requests.length > before);
    expect(await fake.requests[before]!.closedEarly).toBe(true);

    fake.enqueue(toolCallAnswer([{ name: "slow", arguments: {} }]));
    await abandon("slow please");
    await settle(() => actionsAborted === actionsStarted && actionsStarted > 0);
    expect(actionsStarted).toBe(1);
    expect(actionsAborted).toBe(1);
  });

  it("leave no sockets, timers or memory behind after 500 aborted runs", async () => {
    fake.respond(() => textAnswer("one two three four five", { holdAfter: 3 }));
    for (let i = 0; i < 20; i++) await abandon("warm up");
    await settle(() => false, 300);
    gc();
    const baseline = { resources: resources(), heap: process.memoryUsage().heapUsed };
    const requestsBefore = fake.requests.length;

    for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 50 }, () => abandon("abandoned")));

    const mine = fake.requests.slice(requestsBefore);
    expect(mine).toHaveLength(500);
    expect((await Promise.all(mine.map((request) => request.closedEarly))).every(Boolean)).toBe(true);

    await settle(() => {
      const now = resources();
      return (
        (now.TCPSocketWrap ?? 0) <= (baseline.resources.TCPSocketWrap ?? 0) && (now.Timeout ?? 0) <= (baseline.resources.Timeout ?? 0) + 2
      );
    });
    const after = resources();
    expect(after.TCPSocketWrap ?? 0).toBeLessThanOrEqual(baseline.resources.TCPSocketWrap ?? 0);
    expect(after.Timeout ?? 0).toBeLessThanOrEqual((baseline.resources.Timeout ?? 0) + 2);
    fake.requests.splice(0);
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
    gc();
    const grownMiB = (process.memoryUsage().heapUsed - baseline.heap) / 2 ** 20;
    expect(grownMiB).toBeLessThan(8); // 500 runs kept nothing: the run store holds their (small) threads at most
  }, 60_000);
});
