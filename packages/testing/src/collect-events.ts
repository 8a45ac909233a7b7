import type { BaseEvent } from "@copilot-runtime/protocol";

/**
 * Parses an SSE text into its events, strictly: LF-separated frames, `data:`
 * lines holding one JSON object with a `type`. Comments are skipped.
 */
export function parseSSE(text: string): BaseEvent[] {
  const events: BaseEvent[] = [];
  for (const frame of text.split("\n\n")) {
    if (frame.trim() === "") continue;
    const data = frame
      .split("\n")
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(line.startsWith("data: ") ? 6 : 5));
    if (data.length === 0) continue;
    const event = JSON.parse(data.join("\n")) as BaseEvent;
    if (event === null || typeof event !== "object" || typeof event.type !== "string") {
      throw new Error(`SSE frame is not an event: ${frame}`);
    }
    events.push(event);
  }
  return events;
}

/** Reads a whole SSE response and returns its events. */
export async function collectEvents(response: Response): Promise<BaseEvent[]> {
  const contentType = response.headers.get("content-type") ?? "";
  if (!contentType.startsWith("text/event-stream")) {
    throw new Error(`Expected text/event-stream, got ${response.status} ${contentType}: ${await response.text()}`);
  }
  return parseSSE(await response.text());
}

/** Collects the events of an async iterable (e.g. `runtime.process(...)`). */
export async function collectIterable<T>(events: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** The `type`s of events, for compact assertions. */
export function eventTypes(events: readonly BaseEvent[]): string[] {
  return events.map((event) => event.type);
}

/** The concatenated text of all TEXT_MESSAGE_CONTENT events. */
export function textOf(events: readonly BaseEvent[]): string {
  return events
    .filter((event) => event.type === "TEXT_MESSAGE_CONTENT")
    .map((event) => (event as unknown as { delta: string }).delta)
    .join("");
}
