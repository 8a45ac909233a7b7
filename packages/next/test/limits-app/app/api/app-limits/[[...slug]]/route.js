import { copilotRuntimeNextJSAppRouterEndpoint } from "../../../../../../dist/index.js";
import { copilotRuntime, limits, serviceAdapter } from "../../../../runtime.mjs";

export const dynamic = "force-dynamic";
export const { GET, POST, OPTIONS } = copilotRuntimeNextJSAppRouterEndpoint({
  runtime: copilotRuntime,
  serviceAdapter,
  endpoint: "/api/app-limits",
  ...limits,
});
