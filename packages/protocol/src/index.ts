// AG-UI 1.0 types, the EventType enum and helpers, re-exported so adapters and
// hosts need only this package. (Kept in the entry file: bundlers keep a
// top-level `export *` of an external module as a real re-export.)
export * from "@ag-ui/core";
export * from "./action.js";
export * from "./action-args.js";
export * from "./action-schema.js";
export * from "./body-reader.js";
export * from "./compose-middleware.js";
export * from "./conversation.js";
export * from "./errors.js";
export * from "./error-response.js";
export * from "./http-api.js";
export * from "./json-schema.js";
export * from "./mcp-server.js";
export * from "./memoize.js";
export * from "./lazy-body-response.js";
export * from "./node-http-fetch.js";
export * from "./message-helpers.js";
export * from "./middleware.js";
export * from "./provider-error-from.js";
export * from "./provider-parameters.js";
export * from "./redact.js";
export * from "./remote-chain.js";
export * from "./service-adapter.js";
export * from "./sse-encoder.js";
export * from "./sse-event-reader.js";
export * from "./telemetry.js";
