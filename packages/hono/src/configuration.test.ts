// A misconfigured binding is refused when it is built, with a ConfigurationError (the shared checks of
// @copilot-runtime/testing/conformance).
import { CopilotRuntime } from "@copilot-runtime/core";
import { describeBindingConfiguration } from "@copilot-runtime/testing/conformance";
import { copilotRuntimeHonoEndpoint, createCopilotRuntimeHonoApp } from "./hono-endpoint.js";

describeBindingConfiguration({
  name: "copilotRuntimeHonoEndpoint",
  build: [(options) => copilotRuntimeHonoEndpoint(options as never), (options) => createCopilotRuntimeHonoApp(options as never)],
  createRuntime: () => new CopilotRuntime(),
});
