// Oversized and slow request bodies in Hono on Node (@hono/node-server): the shared suite.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { CopilotRuntime } from "@copilot-runtime/core";
import { describeBodyLimitsConformance } from "@copilot-runtime/testing/conformance";
import { copilotRuntimeHonoEndpoint } from "./hono-endpoint.js";

describeBodyLimitsConformance({
  name: "hono on @hono/node-server",
  createRuntime: () => new CopilotRuntime(),
  mount: async ({ runtime, serviceAdapter, endpoint, limits }) => {
    const app = new Hono();
    const handler = copilotRuntimeHonoEndpoint({ runtime, serviceAdapter, endpoint, ...limits });
    app.all(endpoint, handler);
    app.all(`${endpoint}/*`, handler);
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
  },
});
