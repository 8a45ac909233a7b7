import { copilotRuntimeNextJSAppRouterEndpoint } from "../../../../../../dist/index.js";
import { runtime, serviceAdapter } from "../../../../runtime.mjs";

export const dynamic = "force-dynamic";
export const { GET, POST, OPTIONS } = copilotRuntimeNextJSAppRouterEndpoint({ runtime, serviceAdapter, endpoint: "/api/copilotkit" });
