export { copilotRuntimeNodeHttpEndpoint, toFetchRequest, writeFetchResponse, type NodeHttpEndpointOptions } from "./node-http-endpoint.js";
export { DEFAULT_REQUEST_BODY_LIMITS, withRequestBodyLimits, type RequestBodyLimits } from "./request-body-limits.js";
export { copilotRuntimeClientErrorHandler, type ClientError } from "./client-error-handler.js";
