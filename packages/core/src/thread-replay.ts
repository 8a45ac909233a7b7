import { EventType, encodeSSE } from "@copilot-runtime/protocol";
import type { ThreadReplay } from "./run-store.js";

/** The frames of a `connect`: the conversation as one snapshot run, then the active run (stored frames, then live ones). */
export async function* replayFrames(threadId: string, replay: ThreadReplay | undefined): AsyncGenerator<string> {
  if (replay === undefined) return;
  if (replay.messages.length > 0) {
    const runId = `connect-${crypto.randomUUID()}`;
    yield encodeSSE({ type: EventType.RUN_STARTED, threadId, runId });
    yield encodeSSE({ type: EventType.MESSAGES_SNAPSHOT, messages: replay.messages });
    yield encodeSSE({ type: EventType.RUN_FINISHED, threadId, runId });
  }
  if (replay.active) {
    yield* replay.active.frames;
    yield* replay.active.live;
  }
}
