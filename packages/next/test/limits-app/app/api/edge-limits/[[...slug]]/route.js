import { copilotRuntimeNextJSAppRouterEndpoint } from "../../../../../../dist/index.js";
import { copilotRuntime, limits, serviceAdapter } from "../../../../runtime.mjs";

export const runtime = "edge";
export const { GET, POST, OPTIONS } = copilotRuntimeNextJSAppRouterEndpoint({
  runtime: copilotRuntime,
  serviceAdapter,
  endpoint: "/api/edge-limits",
  ...limits,
});
