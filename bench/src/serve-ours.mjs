// What every Copilot Runtime target of the bench shares: the server action and the server around a runtime (ready
// message over IPC, a GC on request for the memory reading). The OpenAI adapter is in ours-openai.mjs, so that the
// targets on other providers do not load the openai SDK.
import { createServer } from "node:http";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";

/** The one server action every scenario may call. */
export const SAY_HELLO = {
  name: "sayHello",
  description: "Says hello to someone.",
  parameters: [{ name: "arg", type: "string", description: "The name of the person to say hello to.", required: true }],
  handler: async ({ arg }) => `Hello, ${arg}!`,
};

/** Serves a runtime on a free port and tells the bench (IPC) where, with `ready` extras (request headers to send…). */
export function serve(copilotRuntime, serviceAdapter, ready = {}) {
  const server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime: copilotRuntime, serviceAdapter, endpoint: "/api/copilotkit" }));
  server.listen(0, "127.0.0.1", () =>
    process.send?.({ ready: true, port: server.address().port, path: "/api/copilotkit/agent/default/run", ...ready }),
  );
  // the benchmark asks for a collection before it reads memory after load
  process.on("message", (message) => {
    if (message !== "gc") return;
    globalThis.gc?.();
    process.send?.({ heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20 });
  });
  return server;
}
