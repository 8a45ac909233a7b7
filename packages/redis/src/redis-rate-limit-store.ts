import { ConfigurationError } from "@copilot-runtime/protocol";
import { Redis, type RedisOptions } from "ioredis";
import { RedisScript } from "./redis-script.js";
import { HIT } from "./scripts.js";

export interface RedisRateLimitStoreOptions {
  /** `redis://` or `rediss://` URL; the store makes and closes its own client. */
  url?: string;
  /** Or a configured `ioredis` client; the store does not close it. */
  client?: Redis;
  /** Options for the client the store makes from `url` (e.g. `{ tls: { ca } }` for a private CA, `password`). */
  redisOptions?: RedisOptions;
  /** Prepended to every key. Default "copilot-runtime:ratelimit:". */
  keyPrefix?: string;
}

const hitScript = new RedisScript(HIT);

/**
 * The `rateLimit` middleware's store, shared by every instance through Redis: fixed windows,
 * counted atomically (one Lua script per hit), each key expiring with its window.
 */
export class RedisRateLimitStore {
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly prefix: string;

  constructor(options: RedisRateLimitStoreOptions) {
    if (options == null || (options.url == null) === (options.client == null)) {
      throw new ConfigurationError("RedisRateLimitStore needs either `url` (redis:// or rediss://) or `client` (an ioredis client).");
    }
    this.ownsClient = options.client == null;
    this.client = options.client ?? new Redis(options.url!, { maxRetriesPerRequest: 1, connectTimeout: 5000, ...options.redisOptions });
    this.prefix = options.keyPrefix ?? "copilot-runtime:ratelimit:";
  }

  async hit(key: string, windowMs: number): Promise<{ count: number; resetAt: number }> {
    const [count, ttl] = (await hitScript.run(this.client, [`${this.prefix}${encodeURIComponent(key)}`], [Math.ceil(windowMs)])) as [
      number,
      number,
    ];
    return { count, resetAt: Date.now() + ttl };
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }
}
