// A misconfigured binding is refused when it is built, with a ConfigurationError (the shared checks of
// @copilot-runtime/testing/conformance).
import { CopilotRuntime } from "@copilot-runtime/core";
import { describeBindingConfiguration } from "@copilot-runtime/testing/conformance";
import { copilotRuntimeNextJSAppRouterEndpoint } from "./app-router.js";
import { copilotRuntimeNextJSPagesRouterEndpoint } from "./pages-router.js";

describeBindingConfiguration({
  name: "copilotRuntimeNextJSAppRouterEndpoint",
  build: (options) => copilotRuntimeNextJSAppRouterEndpoint(options as never),
  createRuntime: () => new CopilotRuntime(),
});
describeBindingConfiguration({
  name: "copilotRuntimeNextJSPagesRouterEndpoint",
  build: (options) => copilotRuntimeNextJSPagesRouterEndpoint(options as never),
  createRuntime: () => new CopilotRuntime(),
});
