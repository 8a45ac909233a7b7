// A runtime process for shutdown.test.ts: the Node binding, OpenAIAdapter against the test's fake OpenAI
// (FAKE_OPENAI_URL), and a graceful shutdown on SIGTERM. It must exit by itself, without process.exit.
import { createServer } from "node:http";
import OpenAI from "openai";
import { CopilotRuntime } from "@copilot-runtime/core";
import { OpenAIAdapter } from "@copilot-runtime/openai";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";

const copilotRuntime = new CopilotRuntime();
const serviceAdapter = new OpenAIAdapter({
  openai: new OpenAI({ apiKey: "sk-test", baseURL: process.env.FAKE_OPENAI_URL, maxRetries: 0 }),
});
const server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime: copilotRuntime, serviceAdapter, endpoint: "/api/copilotkit" }));
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));

process.once("SIGTERM", async () => {
  await copilotRuntime.close({ graceMs: Number(process.env.GRACE_MS ?? 10_000) });
  server.close();
  process.send?.({ closed: true });
  process.disconnect?.();
});
