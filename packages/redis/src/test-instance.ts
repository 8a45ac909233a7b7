// Test helper (not part of the package): one instance of the runtime, a process of its own that the
// multi-instance tests spawn with an IPC channel (compiled to JavaScript first: see prepareInstances).
// CopilotRuntime with a RedisRunStore (this package's source) and an OpenAIAdapter pointed at the test's fake
// OpenAI server, served by the Node binding on a free port. Configured by the environment; it tells its parent
// over IPC where it listens, which errors the runtime reports, which responses lost their client, and when the
// binding is done with a request.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { CopilotRuntime } from "@copilot-runtime/core";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";
import { OpenAIAdapter } from "@copilot-runtime/openai";
import { CopilotRuntimeError } from "@copilot-runtime/protocol";
import { RedisRunStore } from "./redis-run-store.js";

/** What an instance tells its parent. */
export type InstanceMessage =
  | { type: "listening"; port: number }
  | { type: "error"; source: string; code: string }
  | { type: "client-gone"; path: string }
  | { type: "answered"; path: string };

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`test-instance: ${name} is not set`);
  return value;
}

function tell(message: InstanceMessage): void {
  if (process.connected) process.send?.(message);
}

// the test process went away (even killed): so does this instance, it never outlives its test
process.on("disconnect", () => process.exit(0));

const store = new RedisRunStore({
  url: required("REDIS_URL"),
  leaseMs: Number(process.env.LEASE_MS ?? 15_000),
  operationTimeoutMs: Number(process.env.OPERATION_TIMEOUT_MS ?? 3000),
});
const onClientDisconnect = process.env.ON_CLIENT_DISCONNECT === "continue" ? "continue" : "abort";
const runtime = new CopilotRuntime({
  runStore: store,
  onClientDisconnect,
  onError: ({ error, source }) => tell({ type: "error", source, code: error instanceof CopilotRuntimeError ? error.code : "unknown" }),
});
const serviceAdapter = new OpenAIAdapter({
  openai: new OpenAI({ apiKey: "sk-test", baseURL: required("OPENAI_BASE_URL"), maxRetries: 0 }),
  model: "gpt-4o-mini",
});
const endpoint = copilotRuntimeNodeHttpEndpoint({ runtime, serviceAdapter, endpoint: required("ENDPOINT") });
const server = createServer((req, res) => {
  void endpoint(req, res).finally(() => tell({ type: "answered", path: req.url ?? "" }));
  // after the binding's own listener: by the time the parent hears of it, this instance has seen the client go
  res.once("close", () => {
    if (!res.writableFinished) tell({ type: "client-gone", path: req.url ?? "" });
  });
});
server.listen(0, "127.0.0.1", () => tell({ type: "listening", port: (server.address() as AddressInfo).port }));
