export { RedisRunStore, StoreUnavailableError, type RedisRunStoreOptions } from "./redis-run-store.js";
export { RedisRateLimitStore, type RedisRateLimitStoreOptions } from "./redis-rate-limit-store.js";
