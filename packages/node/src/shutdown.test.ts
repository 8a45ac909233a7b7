// A real runtime process (shutdown-fixture.mjs) that gets SIGTERM with a run in flight: the run ends as the
// grace period says, new runs are refused meanwhile, and the process exits by itself.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createFakeOpenAI, parseSSE, textAnswer, verifyEvents, type FakeOpenAI } from "@copilot-runtime/testing";

const FIXTURE = fileURLToPath(new URL("./shutdown-fixture.mjs", import.meta.url));
let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await createFakeOpenAI();
});
afterAll(async () => {
  await fake?.close();
});

async function startRuntime(graceMs: number): Promise<{ child: ChildProcess; base: string; exited: Promise<number | null> }> {
  const child = fork(FIXTURE, [], { env: { ...process.env, FAKE_OPENAI_URL: fake.baseURL, GRACE_MS: String(graceMs) }, stdio: "ignore" });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (message: { port?: number }) => (message.port ? resolve(message.port) : reject(new Error("no port"))));
    child.once("exit", (code) => reject(new Error(`the runtime exited with ${code}`)));
  });
  return { child, base: `http://127.0.0.1:${port}/api/copilotkit`, exited };
}

const run = (base: string, threadId: string) =>
  fetch(`${base}/agent/default/run`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ threadId, runId: `r-${threadId}`, messages: [{ id: "u", role: "user", content: "Tell me" }] }),
  });

/** Reads a stream until it contains `needle`; fails if it ends first. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, needle: string, sofar = ""): Promise<string> {
  let text = sofar;
  while (!text.includes(needle)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before ${JSON.stringify(needle)}: ${text}`);
    text += new TextDecoder().decode(value);
  }
  return text;
}

async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>, sofar: string): Promise<string> {
  let text = sofar;
  for (let next = await reader.read(); !next.done; next = await reader.read()) text += new TextDecoder().decode(next.value);
  return text;
}

describe("SIGTERM with a run in flight", () => {
  it("lets the run finish within the grace period, refuses new runs meanwhile, and exits by itself", async () => {
    let release!: () => void;
    fake.enqueue(textAnswer("one two three four", { holdAfter: 2, hold: new Promise<void>((resolve) => (release = resolve)) }));
    const runtime = await startRuntime(10_000);
    const reader = (await run(runtime.base, "t-finish")).body!.getReader();
    const sofar = await readUntil(reader, "TEXT_MESSAGE_CONTENT");
    runtime.child.kill("SIGTERM");
    // the server still listens during the grace period (it closes after close() resolved), and refuses new runs
    const refused = await vi.waitFor(async () => {
      const response = await run(runtime.base, `t-refused-${crypto.randomUUID()}`);
      if (response.status !== 503) await response.body?.cancel(); // admitted before the signal arrived
      expect(response.status).toBe(503);
      return response;
    });
    expect(await refused.json()).toMatchObject({ error: "shutting_down" });
    release();
    const events = parseSSE(await readAll(reader, sofar));
    verifyEvents(events);
    expect(events.at(-1)?.type).toBe("RUN_FINISHED");
    expect(await runtime.exited).toBe(0);
  });

  it("ends a run still going after the grace period with RUN_ERROR server_shutdown, closes its LLM request, and exits", async () => {
    fake.enqueue(textAnswer("one two three four", { holdAfter: 2 })); // holds forever
    const runtime = await startRuntime(200);
    const before = fake.requests.length;
    const reader = (await run(runtime.base, "t-cut")).body!.getReader();
    const sofar = await readUntil(reader, "TEXT_MESSAGE_CONTENT");
    runtime.child.kill("SIGTERM");
    const events = parseSSE(await readAll(reader, sofar));
    verifyEvents(events);
    expect(events.at(-1)).toMatchObject({ type: "RUN_ERROR", code: "server_shutdown" });
    expect(await fake.requests[before]!.closedEarly).toBe(true);
    expect(await runtime.exited).toBe(0);
  });
});
