import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { CopilotRuntime } from "@copilot-runtime/core";
import { describeBindingConformance } from "@copilot-runtime/testing/conformance";
import { copilotRuntimeHonoEndpoint, createCopilotRuntimeHonoApp } from "./hono-endpoint.js";

async function serveApp(app: Hono) {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(started));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describeBindingConformance({
  name: "hono handler on @hono/node-server",
  createRuntime: (options) => new CopilotRuntime(options),
  mount: async ({ runtime, serviceAdapter, endpoint }) => {
    const app = new Hono();
    const handler = copilotRuntimeHonoEndpoint({ runtime, serviceAdapter, endpoint });
    app.all(endpoint, handler);
    app.all(`${endpoint}/*`, handler);
    return serveApp(app);
  },
});

describeBindingConformance({
  name: "hono sub-app mounted with app.route",
  createRuntime: (options) => new CopilotRuntime(options),
  mount: async ({ runtime, serviceAdapter, endpoint }) => {
    const app = new Hono();
    app.get("/", (c) => c.text("my app"));
    app.route("/", createCopilotRuntimeHonoApp({ runtime, serviceAdapter, endpoint }));
    return serveApp(app);
  },
});
