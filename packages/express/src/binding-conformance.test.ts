import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express5 from "express";
import express4 from "express4";
import { CopilotRuntime } from "@copilot-runtime/core";
import { describeBindingConformance } from "@copilot-runtime/testing/conformance";
import { copilotRuntimeExpressEndpoint, copilotRuntimeExpressErrorHandler } from "./express-endpoint.js";

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

const variants: [string, ExpressFactory, boolean][] = [
  ["express 5", express5, false],
  ["express 5 after express.json()", express5, true],
  ["express 4", express4 as unknown as ExpressFactory, false],
  ["express 4 after express.json()", express4 as unknown as ExpressFactory, true],
];

for (const [name, express, withJsonParser] of variants) {
  describeBindingConformance({
    name,
    createRuntime: (options) => new CopilotRuntime(options),
    mount: async ({ runtime, serviceAdapter, endpoint }) => {
      const app = express();
      // express.json()'s own limit is raised so that the runtime's limit is the one tested.
      if (withJsonParser) app.use(express.json({ limit: "10mb" }));
      app.use(endpoint, copilotRuntimeExpressEndpoint({ runtime, serviceAdapter, endpoint }), copilotRuntimeExpressErrorHandler());
      return listen(app);
    },
  });
}
