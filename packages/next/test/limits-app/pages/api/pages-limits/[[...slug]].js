import { copilotRuntimeNextJSPagesRouterEndpoint } from "../../../../../dist/index.js";
import { copilotRuntime, limits, serviceAdapter } from "../../../runtime.mjs";

export const config = { api: { bodyParser: false } };
export default copilotRuntimeNextJSPagesRouterEndpoint({
  runtime: copilotRuntime,
  serviceAdapter,
  endpoint: "/api/pages-limits",
  ...limits,
});
