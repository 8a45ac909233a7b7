import { copilotRuntimeNextJSPagesRouterEndpoint } from "../../../../../dist/index.js";
import { copilotRuntime, serviceAdapter } from "../../../runtime.mjs";

export const config = { api: { bodyParser: false } };
export default copilotRuntimeNextJSPagesRouterEndpoint({ runtime: copilotRuntime, serviceAdapter, endpoint: "/api/pages-copilotkit" });
