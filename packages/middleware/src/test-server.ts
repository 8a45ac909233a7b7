// Test helper: the runtime behind the real Node binding on 127.0.0.1.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CopilotRuntime, type CopilotRuntimeOptions } from "@copilot-runtime/core";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";
import type { ServiceAdapter } from "@copilot-runtime/protocol";
import { ScriptedAdapter } from "@copilot-runtime/testing";

export interface TestServer {
  url: string;
  run(body?: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export const runBody = (text = "Hi") => ({
  threadId: "thread-1",
  runId: `run-${crypto.randomUUID()}`,
  messages: [{ id: "u1", role: "user", content: text }],
});

export async function serve(
  options: CopilotRuntimeOptions,
  adapter: ServiceAdapter = new ScriptedAdapter({ respond: () => ({ text: "Hello!" }) }),
): Promise<TestServer> {
  const runtime = new CopilotRuntime(options);
  const server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime, serviceAdapter: adapter, endpoint: "/api/copilotkit" }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/copilotkit`;
  return {
    url,
    run: (body = runBody(), headers = {}) =>
      fetch(`${url}/agent/default/run`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
