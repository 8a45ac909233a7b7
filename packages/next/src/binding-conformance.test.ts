// The Next.js handlers with real Requests: App Router functions get a fetch
// Request built from each HTTP request; the Pages Router handler gets Node's req/res.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CopilotRuntime } from "@copilot-runtime/core";
import { toFetchRequest, writeFetchResponse } from "@copilot-runtime/node";
import { describeBindingConformance } from "@copilot-runtime/testing/conformance";
import { copilotRuntimeNextJSAppRouterEndpoint } from "./app-router.js";
import { copilotRuntimeNextJSPagesRouterEndpoint } from "./pages-router.js";

async function listen(listener: Parameters<typeof createServer>[1]) {
  const server = createServer(listener);
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
  name: "Next.js App Router route handlers",
  createRuntime: (options) => new CopilotRuntime(options),
  mount: ({ runtime, serviceAdapter, endpoint }) => {
    const handlers = copilotRuntimeNextJSAppRouterEndpoint({ runtime, serviceAdapter, endpoint });
    const byMethod: Record<string, (request: Request) => Promise<Response>> = {
      GET: handlers.GET,
      POST: handlers.POST,
      OPTIONS: handlers.OPTIONS,
    };
    // What Next does for a route file: call the export named after the method (405 otherwise).
    return listen((req, res) => {
      const controller = new AbortController();
      res.once("close", () => {
        if (!res.writableFinished) controller.abort();
      });
      const route = byMethod[req.method ?? "GET"];
      const response = route ? route(toFetchRequest(req, controller.signal)) : Promise.resolve(new Response(null, { status: 405 }));
      void response.then((r) => writeFetchResponse(r, res));
    });
  },
});

describeBindingConformance({
  name: "Next.js Pages Router API route",
  createRuntime: (options) => new CopilotRuntime(options),
  mount: ({ runtime, serviceAdapter, endpoint }) => {
    const handler = copilotRuntimeNextJSPagesRouterEndpoint({ runtime, serviceAdapter, endpoint });
    return listen((req, res) => void handler(req, res));
  },
});
