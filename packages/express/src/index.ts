export {
  copilotRuntimeExpressEndpoint,
  copilotRuntimeExpressErrorHandler,
  type ExpressEndpointOptions,
  type ExpressLikeNext,
  type ExpressLikeRequest,
} from "./express-endpoint.js";
export { copilotRuntimeClientErrorHandler, type RequestBodyLimits } from "@copilot-runtime/node";
