import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CopilotRuntime } from "@copilot-runtime/core";
import { describeBindingConformance } from "@copilot-runtime/testing/conformance";
import { copilotRuntimeNodeHttpEndpoint } from "./node-http-endpoint.js";

describeBindingConformance({
  name: "node:http",
  createRuntime: (options) => new CopilotRuntime(options),
  mount: async ({ runtime, serviceAdapter, endpoint }) => {
    const server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime, serviceAdapter, endpoint }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  },
});
