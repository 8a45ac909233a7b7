export { copilotRuntimeNextJSAppRouterEndpoint, type NextEndpointOptions, type NextRouteHandler } from "./app-router.js";
export { copilotRuntimeNextJSPagesRouterEndpoint, pagesRouterConfig } from "./pages-router.js";
