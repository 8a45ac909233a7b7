import { EventType, isPlainObject, type AGUIEventOf, type BaseEvent } from "@copilot-runtime/protocol";

function isEvent(value: unknown): value is BaseEvent {
  return isPlainObject(value) && typeof value.type === "string";
}

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
    const event: unknown = JSON.parse(data.join("\n"));
    if (!isEvent(event)) throw new Error(`SSE frame is not an event: ${frame}`);
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

/** The events of one type, typed as that event (`eventsOfType(events, EventType.TOOL_CALL_START)[0].toolCallName`). */
export function eventsOfType<T extends EventType>(events: readonly BaseEvent[], type: T): AGUIEventOf<T>[] {
  return events.filter((event): event is AGUIEventOf<T> => event.type === type);
}

/** The concatenated text of all TEXT_MESSAGE_CONTENT events. */
export function textOf(events: readonly BaseEvent[]): string {
  return eventsOfType(events, EventType.TEXT_MESSAGE_CONTENT)
    .map((event) => event.delta)
    .join("");
}
