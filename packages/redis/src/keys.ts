/**
 * The store's key layout. Every key of one thread shares a hash tag (`{…}`), so the
 * scripts that touch several of them also run on Redis Cluster.
 *
 * - `{prefix}{<thread>}:thread`  HASH  `messages` (the conversation, JSON), `run` (the latest run's id); TTL: `threadTtlMs`
 * - `{prefix}{<thread>}:lease`   STRING the running run's token (`<runId> <instance>`); TTL: `leaseMs`, renewed while it runs
 * - `{prefix}{<thread>}:run:<runId>`  STREAM the run's SSE frames (`f` fields, one entry per tick), then `end`;
 *   TTL: `frameTtlMs` while it runs, `endedFrameTtlMs` after its end
 * - `{prefix}{<thread>}:stop`    STRING a stop request for the running run (its token), in case the pub/sub message
 *   was missed (a subscriber reconnecting); read when the lease is renewed; TTL: `leaseMs`
 * - `{prefix}stop`               PUB/SUB channel: stop requests (`{ threadKey, token }`)
 */
export interface ThreadKeys {
  thread: string;
  lease: string;
  stop: string;
  run(runId: string): string;
}

export function threadKeys(prefix: string, threadKey: string): ThreadKeys {
  const tag = `${prefix}{${encodeURIComponent(threadKey)}}`;
  return {
    thread: `${tag}:thread`,
    lease: `${tag}:lease`,
    stop: `${tag}:stop`,
    run: (runId) => `${tag}:run:${encodeURIComponent(runId)}`,
  };
}

export const stopChannel = (prefix: string): string => `${prefix}stop`;
