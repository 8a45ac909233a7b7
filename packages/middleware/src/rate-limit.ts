import { ConfigurationError, type CopilotRuntimeMiddleware, type RequestContext } from "@copilot-runtime/protocol";
import { jsonError } from "./json-error.js";
import { withHeaders } from "./with-headers.js";

/** Where hit counts live; replace the in-memory default with a shared one (e.g. Redis) for several instances. */
export interface RateLimitStore {
  /** Counts one hit for `key` in the current window; returns the count so far and when the window ends (epoch ms). */
  hit(key: string, windowMs: number): Promise<{ count: number; resetAt: number }> | { count: number; resetAt: number };
}

/** Fixed windows in memory, bounded: the oldest keys are dropped past `maxKeys`. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly maxKeys = 10_000) {}

  hit(key: string, windowMs: number): { count: number; resetAt: number } {
    const now = Date.now();
    let window = this.windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      this.windows.delete(key);
      window = { count: 0, resetAt: now + windowMs };
      if (this.windows.size >= this.maxKeys) this.evict(now);
    }
    window.count++;
    this.windows.set(key, window);
    return { ...window };
  }

  /** Keys currently tracked. */
  get size(): number {
    return this.windows.size;
  }

  private evict(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    while (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next().value;
      if (oldest === undefined) break;
      this.windows.delete(oldest);
    }
  }
}

export interface RateLimitOptions {
  /** Requests allowed per window and key. */
  limit: number;
  windowMs: number;
  /**
   * Who is counted. Default: the verified identity (put an auth middleware first),
   * else the client address the binding reports. Return undefined to not count a request.
   */
  key?: (request: Request, context: RequestContext) => string | undefined;
  store?: RateLimitStore;
  /** Which requests count. Default: every request but CORS preflights and `GET /info`. */
  skip?: (request: Request) => boolean;
}

function defaultKey(_request: Request, context: RequestContext): string {
  if (context.identity) return `user:${context.identity.id}`;
  return context.clientAddress !== undefined ? `ip:${context.clientAddress}` : "anonymous";
}

function defaultSkip(request: Request): boolean {
  return request.method === "OPTIONS" || (request.method === "GET" && new URL(request.url).pathname.endsWith("/info"));
}

/** Limits requests per user or address: over the limit, 429 with `Retry-After` and `RateLimit-*` headers. */
export function rateLimit(options: RateLimitOptions): CopilotRuntimeMiddleware {
  if (!Number.isInteger(options?.limit) || options.limit < 1)
    throw new ConfigurationError("rateLimit: `limit` must be a positive integer.");
  if (!Number.isFinite(options.windowMs) || options.windowMs <= 0)
    throw new ConfigurationError("rateLimit: `windowMs` must be a positive number.");
  if (options.store != null && typeof options.store.hit !== "function") {
    throw new ConfigurationError("rateLimit: `store` needs a hit(key, windowMs) method.");
  }
  if (options.key != null && typeof options.key !== "function") throw new ConfigurationError("rateLimit: `key` must be a function.");
  if (options.skip != null && typeof options.skip !== "function") throw new ConfigurationError("rateLimit: `skip` must be a function.");
  const store = options.store ?? new MemoryRateLimitStore();
  const keyOf = options.key ?? defaultKey;
  const skip = options.skip ?? defaultSkip;
  return {
    async onRequest({ request, context }) {
      if (skip(request)) return;
      const key = keyOf(request, context);
      if (key === undefined) return;
      const { count, resetAt } = await store.hit(key, options.windowMs);
      const resetSeconds = Math.max(0, Math.ceil((resetAt - Date.now()) / 1000));
      const headers = {
        "ratelimit-limit": String(options.limit),
        "ratelimit-remaining": String(Math.max(0, options.limit - count)),
        "ratelimit-reset": String(resetSeconds),
      };
      context.state.rateLimitHeaders = headers;
      if (count > options.limit) {
        return jsonError(
          429,
          "rate_limited",
          `Too many requests: the limit is ${options.limit} per ${options.windowMs / 1000} s. Try again in ${resetSeconds} s.`,
          {
            ...headers,
            "retry-after": String(resetSeconds),
          },
        );
      }
    },
    onResponse({ response, context }) {
      const headers = context.state.rateLimitHeaders as Record<string, string> | undefined;
      if (!headers || response.status === 429) return;
      return withHeaders(response, headers);
    },
  };
}
