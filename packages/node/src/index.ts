export { copilotRuntimeNodeHttpEndpoint, toFetchRequest, writeFetchResponse, type NodeHttpEndpointOptions } from "./node-http-endpoint.js";
