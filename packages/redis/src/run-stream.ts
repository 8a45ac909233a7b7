import type { Redis } from "ioredis";

/** One entry of a run's stream: field/value pairs (`f` frames, `start`, `end`, `truncated`). */
type StreamEntry = [id: string, fields: string[]];

/** What a run's stream holds so far. */
export interface RunRead {
  frames: string[];
  lastId: string;
  ended: boolean;
  truncated: boolean;
}

/** The frame a rejoining client gets for a run whose instance went away before its end. */
export function runLostFrame(): string {
  const event = { type: "RUN_ERROR", message: "The run was lost: the instance running it went away before it ended.", code: "run_lost" };
  return `data: ${JSON.stringify(event)}\n\n`;
}

function apply(read: RunRead, entries: readonly StreamEntry[]): string[] {
  const frames: string[] = [];
  for (const [id, fields] of entries) {
    read.lastId = id;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const name = fields[i];
      if (name === "f") frames.push(fields[i + 1]!);
      else if (name === "end") read.ended = true;
      else if (name === "truncated") read.truncated = true;
    }
  }
  return frames;
}

/** The run's stream so far; undefined when it is gone (expired). */
export async function readRun(client: Redis, stream: string): Promise<RunRead | undefined> {
  const entries = (await client.xrange(stream, "-", "+")) as StreamEntry[];
  if (entries.length === 0) return undefined;
  const read: RunRead = { frames: [], lastId: "0", ended: false, truncated: false };
  read.frames = apply(read, entries);
  return read;
}

export interface FollowOptions {
  /** Opens a connection of its own, which blocks in `XREAD` (only once the frames are read). */
  openReader: () => Redis;
  closeReader: (reader: Redis) => void;
  client: Redis;
  stream: string;
  lease: string;
  runId: string;
  /** The id of the last entry already replayed. */
  after: string;
  /** Aborted when the rejoining client went away: the following ends at once, quietly. */
  signal: AbortSignal;
  onError: (error: unknown) => void;
}

/** How long one blocking read waits before checking that the run is still held. */
const BLOCK_MS = 1000;

/**
 * The frames a run writes after `after`, as they come, until its end. When the run's lease is
 * gone without an end (the instance running it died), it ends with a `run_lost` `RUN_ERROR`.
 */
export async function* followRun(options: FollowOptions): AsyncGenerator<string> {
  const read: RunRead = { frames: [], lastId: options.after, ended: false, truncated: false };
  if (options.signal.aborted) return;
  const reader = options.openReader();
  // a blocking read is ended by closing its connection
  const onAbort = () => options.closeReader(reader);
  options.signal.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      const result = (await reader.xread("COUNT", 1000, "BLOCK", BLOCK_MS, "STREAMS", options.stream, read.lastId)) as
        [string, StreamEntry[]][] | null;
      if (result !== null) {
        yield* apply(read, result[0]?.[1] ?? []);
        if (read.ended || read.truncated) return;
        continue;
      }
      // nothing for a while: is the run still held by its instance?
      const holder = await options.client.get(options.lease);
      if (holder !== null && holder.startsWith(`${options.runId} `)) continue;
      // an end written just before the lease went is still to be read
      const last = (await options.client.xrange(options.stream, `(${read.lastId}`, "+")) as StreamEntry[];
      yield* apply(read, last);
      if (!read.ended && !read.truncated) yield runLostFrame();
      return;
    }
  } catch (error) {
    if (options.signal.aborted) return;
    // Redis went away while following: the rejoined client sees the run end as lost
    options.onError(error);
    yield runLostFrame();
  } finally {
    options.signal.removeEventListener("abort", onAbort);
    options.closeReader(reader);
  }
}
