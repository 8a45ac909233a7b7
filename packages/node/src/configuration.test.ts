// A misconfigured binding is refused when it is built, with a ConfigurationError (the shared checks of
// @copilot-runtime/testing/conformance).
import { CopilotRuntime } from "@copilot-runtime/core";
import { describeBindingConfiguration } from "@copilot-runtime/testing/conformance";
import { copilotRuntimeNodeHttpEndpoint } from "./node-http-endpoint.js";

describeBindingConfiguration({
  name: "copilotRuntimeNodeHttpEndpoint",
  build: (options) => copilotRuntimeNodeHttpEndpoint(options as never),
  createRuntime: () => new CopilotRuntime(),
  endpointRequired: false,
});
