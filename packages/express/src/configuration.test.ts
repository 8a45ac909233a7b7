// A misconfigured binding is refused when it is built, with a ConfigurationError (the shared checks of
// @copilot-runtime/testing/conformance).
import { CopilotRuntime } from "@copilot-runtime/core";
import { describeBindingConfiguration } from "@copilot-runtime/testing/conformance";
import { copilotRuntimeExpressEndpoint } from "./express-endpoint.js";

describeBindingConfiguration({
  name: "copilotRuntimeExpressEndpoint",
  build: (options) => copilotRuntimeExpressEndpoint(options as never),
  createRuntime: () => new CopilotRuntime(),
});
