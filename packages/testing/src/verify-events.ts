import { EventType, type BaseEvent } from "@copilot-runtime/protocol";

/** A stream broke the AG-UI ordering rules. */
export class EventOrderError extends Error {
  override name = "EventOrderError";
  readonly index: number;
  readonly event: BaseEvent | undefined;
  constructor(message: string, index: number, event?: BaseEvent) {
    super(`event #${index}${event ? ` (${event.type})` : ""}: ${message}`);
    this.index = index;
    this.event = event;
  }
}

// Fields whose value may legitimately be JSON null.
const NULLABLE_FIELDS = new Set(["snapshot", "value", "event"]);

export interface EventVerifier {
  /** Checks one more event; throws `EventOrderError` on a violation. */
  push(event: BaseEvent): void;
  /** Checks that the stream ended properly (exactly one terminal event, last). */
  end(): void;
}

/**
 * A state machine enforcing what the real AG-UI clients enforce, plus the
 * runtime's own stricter rules: the first event is `RUN_STARTED`; each run ends
 * with exactly one `RUN_FINISHED`/`RUN_ERROR`, after which only a new
 * `RUN_STARTED` may come; the stream ends after a terminal event; text messages, tool calls and reasoning
 * messages are opened before use and closed before `RUN_FINISHED`; tool calls
 * carry `parentMessageId`; a `TOOL_CALL_RESULT` answers a finished tool call;
 * optional fields are absent, never `null`; timestamps are integers.
 * For tests: the runtime never runs it on the hot path.
 */
export function createEventVerifier(): EventVerifier {
  let index = -1;
  let started = false;
  let terminal: string | undefined;
  const openText = new Set<string>();
  const openTools = new Set<string>();
  const endedTools = new Set<string>();
  const openReasoning = new Set<string>();
  const openSteps = new Set<string>();
  const resultIds = new Set<string>();

  const fail = (message: string, event?: BaseEvent): never => {
    throw new EventOrderError(message, index, event);
  };
  const str = (event: BaseEvent, field: string): string => {
    const value = event[field];
    if (typeof value !== "string" || value === "") fail(`"${field}" must be a non-empty string`, event);
    return value as string;
  };

  /** Opens the entity named by `field`; it must not be open already. */
  const openId = (event: BaseEvent, set: Set<string>, field: string): string => {
    const id = str(event, field);
    if (set.has(id)) fail(`${id} is already open`, event);
    set.add(id);
    return id;
  };
  const use = (event: BaseEvent, set: Set<string>, field: string): string => {
    const id = str(event, field);
    if (!set.has(id))
      fail(`no open ${set === openTools ? "tool call" : set === openText ? "text message" : "reasoning message"} ${id}`, event);
    return id;
  };
  const close = (event: BaseEvent, set: Set<string>, field: string): string => {
    const id = use(event, set, field);
    set.delete(id);
    return id;
  };

  return {
    push(event) {
      index++;
      if (event == null || typeof event !== "object" || typeof event.type !== "string") {
        fail("not an event object with a string type");
      }
      for (const [key, value] of Object.entries(event)) {
        if (value === null && !NULLABLE_FIELDS.has(key)) fail(`field "${key}" is null; optional fields must be absent`, event);
      }
      if (event.timestamp !== undefined && !Number.isInteger(event.timestamp)) fail("timestamp must be an integer", event);
      // After a terminal event only a new run may start (several runs in one stream, as in a replay).
      if (terminal !== undefined) {
        if (event.type !== EventType.RUN_STARTED) fail(`nothing but a new RUN_STARTED may follow the terminal ${terminal}`, event);
        started = false;
        terminal = undefined;
      }
      if (!started && event.type !== EventType.RUN_STARTED) fail("the first event must be RUN_STARTED", event);

      switch (event.type) {
        case EventType.RUN_STARTED:
          if (started) fail("RUN_STARTED sent twice", event);
          str(event, "threadId");
          str(event, "runId");
          started = true;
          break;
        case EventType.RUN_FINISHED: {
          const open = [...openText, ...openTools, ...openReasoning, ...openSteps];
          if (open.length > 0) fail(`RUN_FINISHED while still open: ${open.join(", ")}`, event);
          terminal = event.type;
          break;
        }
        case EventType.RUN_ERROR:
          str(event, "message");
          terminal = event.type;
          break;
        case EventType.TEXT_MESSAGE_START:
        case EventType.REASONING_MESSAGE_START:
          openId(event, event.type === EventType.TEXT_MESSAGE_START ? openText : openReasoning, "messageId");
          break;
        case EventType.TEXT_MESSAGE_CONTENT:
        case EventType.REASONING_MESSAGE_CONTENT:
          use(event, event.type === EventType.TEXT_MESSAGE_CONTENT ? openText : openReasoning, "messageId");
          if (typeof event.delta !== "string") fail("delta must be a string", event);
          break;
        case EventType.TEXT_MESSAGE_END:
        case EventType.REASONING_MESSAGE_END:
          close(event, event.type === EventType.TEXT_MESSAGE_END ? openText : openReasoning, "messageId");
          break;
        case EventType.TOOL_CALL_START: {
          str(event, "toolCallName");
          str(event, "parentMessageId");
          if (endedTools.has(str(event, "toolCallId"))) fail("tool call started twice", event);
          openId(event, openTools, "toolCallId");
          break;
        }
        case EventType.TOOL_CALL_ARGS:
          use(event, openTools, "toolCallId");
          if (typeof event.delta !== "string") fail("delta must be a string", event);
          break;
        case EventType.TOOL_CALL_END:
          endedTools.add(close(event, openTools, "toolCallId"));
          break;
        case EventType.TOOL_CALL_RESULT: {
          const id = str(event, "toolCallId");
          const messageId = str(event, "messageId");
          if (!endedTools.has(id)) fail(`result for tool call ${id}, which was not started and ended in this run`, event);
          if (resultIds.has(id)) fail(`second result for tool call ${id}`, event);
          if (typeof event.content !== "string") fail("content must be a string", event);
          if (messageId === id) fail("the result's messageId must differ from the toolCallId", event);
          resultIds.add(id);
          break;
        }
        case EventType.REASONING_START:
          openReasoning.add(`span:${str(event, "messageId")}`);
          break;
        case EventType.REASONING_END:
          if (!openReasoning.delete(`span:${str(event, "messageId")}`)) fail("no open reasoning span", event);
          break;
        case EventType.STEP_STARTED: {
          const name = str(event, "stepName");
          if (openSteps.has(name)) fail(`step ${name} is already open`, event);
          openSteps.add(name);
          break;
        }
        case EventType.STEP_FINISHED:
          if (!openSteps.delete(str(event, "stepName"))) fail("no open step of that name", event);
          break;
        default:
          break;
      }
    },
    end() {
      index++;
      if (!started) fail("the stream carried no events");
      if (terminal === undefined) fail("the stream ended without RUN_FINISHED or RUN_ERROR");
    },
  };
}

/** Verifies a whole recorded stream. Throws `EventOrderError` on the first violation. */
export function verifyEvents(events: readonly BaseEvent[]): void {
  const verifier = createEventVerifier();
  for (const event of events) verifier.push(event);
  verifier.end();
}
