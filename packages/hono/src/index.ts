export { copilotRuntimeHonoEndpoint, createCopilotRuntimeHonoApp, type HonoEndpointOptions } from "./hono-endpoint.js";
export { copilotRuntimeClientErrorHandler, type RequestBodyLimits } from "@copilot-runtime/node";
