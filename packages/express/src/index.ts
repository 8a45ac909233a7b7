export {
  copilotRuntimeExpressEndpoint,
  copilotRuntimeExpressErrorHandler,
  type ExpressEndpointOptions,
  type ExpressLikeNext,
  type ExpressLikeRequest,
} from "./express-endpoint.js";
