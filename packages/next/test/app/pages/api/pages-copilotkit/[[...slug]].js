import { copilotRuntimeNextJSPagesRouterEndpoint } from "../../../../../dist/index.js";
import { runtime, serviceAdapter } from "../../../runtime.mjs";

export const config = { api: { bodyParser: false } };
export default copilotRuntimeNextJSPagesRouterEndpoint({ runtime, serviceAdapter, endpoint: "/api/pages-copilotkit" });
