export { copilotRuntimeHonoEndpoint, createCopilotRuntimeHonoApp, type HonoEndpointOptions } from "./hono-endpoint.js";
