export { apiKeyAuth, type ApiKeyAuthOptions } from "./api-key-auth.js";
export { bearerAuth, type BearerAuthOptions } from "./bearer-auth.js";
export { bodyLimit, type BodyLimitOptions } from "./body-limit.js";
export { compose } from "./compose.js";
export { cors, type CorsOptions, type CorsOrigin } from "./cors.js";
export { MemoryRateLimitStore, rateLimit, type RateLimitOptions, type RateLimitStore } from "./rate-limit.js";
export { withHeaders } from "./with-headers.js";
export { requestLogger, type RequestLoggerOptions, type RunLogEntry } from "./request-logger.js";
export { usageMeter, type UsageMeter, type UsageMeterOptions, type UsageRecord, type UsageTotals } from "./usage-meter.js";
