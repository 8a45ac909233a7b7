export { openTelemetry, type OpenTelemetryOptions } from "./open-telemetry.js";
export { ATTR, METRIC, providerName } from "./gen-ai-attributes.js";
