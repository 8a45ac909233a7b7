// Oversized and slow request bodies in Express 4 and 5: the shared suite where the binding reads the body,
// and what the client sees when express.json() in front reads it instead.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express5 from "express";
import express4 from "express4";
import { describe, expect, it } from "vitest";
import { CopilotRuntime } from "@copilot-runtime/core";
import { BindingTestAdapter, describeBodyLimitsConformance, fetchOversizedBodies } from "@copilot-runtime/testing/conformance";
import { copilotRuntimeExpressEndpoint, copilotRuntimeExpressErrorHandler } from "./index.js";

type ExpressFactory = typeof express5;

async function listen(app: ReturnType<ExpressFactory>): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const started = app.listen(0, "127.0.0.1", () => resolve(started));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const variants: [string, ExpressFactory][] = [
  ["express 5", express5],
  ["express 4", express4 as unknown as ExpressFactory],
];

for (const [name, express] of variants) {
  describeBodyLimitsConformance({
    name,
    createRuntime: () => new CopilotRuntime(),
    mount: async ({ runtime, serviceAdapter, endpoint, limits }) => {
      const app = express();
      app.use(
        endpoint,
        copilotRuntimeExpressEndpoint({ runtime, serviceAdapter, endpoint, ...limits }),
        copilotRuntimeExpressErrorHandler(),
      );
      return listen(app);
    },
  });

  describe(`${name} after express.json()`, () => {
    it("body-parser reads the whole oversized body itself, then the error handler answers 413: Node's fetch reads it", async () => {
      const app = express();
      app.use(express.json({ limit: "10mb" }));
      const options = { runtime: new CopilotRuntime(), serviceAdapter: new BindingTestAdapter(), endpoint: "/api/copilotkit" };
      app.use("/api/copilotkit", copilotRuntimeExpressEndpoint(options), copilotRuntimeExpressErrorHandler());
      const mounted = await listen(app);
      try {
        const results = await fetchOversizedBodies(`${mounted.url}/api/copilotkit/agent/default/run`, 1);
        for (const result of results) {
          expect(result.error, result.name).toBeUndefined();
          expect(result.status, result.name).toBe(413);
          expect(JSON.parse(result.body!), result.name).toMatchObject({ error: "payload_too_large" });
        }
      } finally {
        await mounted.close();
      }
    }, 60_000);
  });
}
