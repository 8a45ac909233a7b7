import { AgentError, EventType, isPlainObject, type AGUIEvent } from "@copilot-runtime/protocol";

/** AG-UI 0.0.x event types that 1.0 clients still translate; passed through like the current ones. */
const LEGACY_TYPES = [
  "THINKING_START",
  "THINKING_END",
  "THINKING_TEXT_MESSAGE_START",
  "THINKING_TEXT_MESSAGE_CONTENT",
  "THINKING_TEXT_MESSAGE_END",
];
const KNOWN_TYPES = new Set<string>([...Object.values(EventType), ...LEGACY_TYPES]);

type Lane = "text message" | "tool call" | "reasoning message" | "step";

/**
 * Checks a remote agent's events against the AG-UI rules the real clients enforce, before they reach the
 * client: an object with a known `type`; `RUN_STARTED` first (or a `RUN_ERROR`); messages, tool calls,
 * reasoning messages and steps opened before use and closed before `RUN_FINISHED`; and a terminal event
 * before the stream ends. A violation is an `AgentError` `agent_protocol_error`, whose message names the
 * rule and the event type but nothing the remote sent. Events of a type AG-UI does not know are dropped
 * (AG-UI 1.0 clients drop them, 0.0.x clients fail on them). The events themselves are not changed.
 */
export class AgentEventGuard {
  private started = false;
  private ended = false;
  private readonly open: Record<Lane, Set<string>> = {
    "text message": new Set(),
    "tool call": new Set(),
    "reasoning message": new Set(),
    step: new Set(),
  };

  constructor(private readonly agentId: string) {}

  /** Whether the agent sent its terminal event. */
  get terminated(): boolean {
    return this.ended;
  }

  private fail(rule: string, cause?: unknown): never {
    throw new AgentError("agent_protocol_error", `The agent ${JSON.stringify(this.agentId)} broke the AG-UI protocol: ${rule}.`, {
      agentId: this.agentId,
      ...(cause !== undefined ? { cause } : {}),
    });
  }

  private id(event: Record<string, unknown>, field: string): string {
    const value = event[field];
    if (typeof value !== "string" || value === "") this.fail(`${String(event.type)} without a ${field}`);
    return value as string;
  }

  private openLane(event: Record<string, unknown>, lane: Lane, field: string): void {
    const id = this.id(event, field);
    if (this.open[lane].has(id)) this.fail(`${String(event.type)} for a ${lane} that is already open`);
    this.open[lane].add(id);
  }

  private use(event: Record<string, unknown>, lane: Lane, field: string, close = false): void {
    const id = this.id(event, field);
    if (!this.open[lane].has(id)) this.fail(`${String(event.type)} for a ${lane} that was not started`);
    if (close) this.open[lane].delete(id);
  }

  /** The event to forward, or undefined for one to drop. Throws `AgentError` on a violation. */
  check(event: unknown): AGUIEvent | undefined {
    if (!isPlainObject(event) || typeof event.type !== "string") this.fail("an event that is not an object with a string type", event);
    if (!KNOWN_TYPES.has(event.type)) return undefined;
    if (this.ended) this.fail(`${event.type} after the run's terminal event`);
    const type = event.type as EventType;
    if (!this.started && type !== EventType.RUN_STARTED && type !== EventType.RUN_ERROR) this.fail(`${type} before RUN_STARTED`);
    switch (type) {
      case EventType.RUN_STARTED:
        if (this.started) this.fail("RUN_STARTED sent twice");
        this.id(event, "threadId");
        this.id(event, "runId");
        this.started = true;
        break;
      case EventType.RUN_FINISHED: {
        const open = (Object.keys(this.open) as Lane[]).filter((lane) => this.open[lane].size > 0);
        if (open.length > 0) this.fail(`RUN_FINISHED while a ${open.join(", a ")} is still open`);
        this.ended = true;
        break;
      }
      case EventType.RUN_ERROR:
        if (typeof event.message !== "string") this.fail("RUN_ERROR without a message");
        this.ended = true;
        break;
      case EventType.TEXT_MESSAGE_START:
        this.openLane(event, "text message", "messageId");
        break;
      case EventType.TEXT_MESSAGE_CONTENT:
        this.use(event, "text message", "messageId");
        break;
      case EventType.TEXT_MESSAGE_END:
        this.use(event, "text message", "messageId", true);
        break;
      case EventType.TOOL_CALL_START:
        this.id(event, "toolCallName");
        this.openLane(event, "tool call", "toolCallId");
        break;
      case EventType.TOOL_CALL_ARGS:
        this.use(event, "tool call", "toolCallId");
        break;
      case EventType.TOOL_CALL_END:
        this.use(event, "tool call", "toolCallId", true);
        break;
      case EventType.REASONING_MESSAGE_START:
        this.openLane(event, "reasoning message", "messageId");
        break;
      case EventType.REASONING_MESSAGE_CONTENT:
        this.use(event, "reasoning message", "messageId");
        break;
      case EventType.REASONING_MESSAGE_END:
        this.use(event, "reasoning message", "messageId", true);
        break;
      case EventType.STEP_STARTED:
        this.openLane(event, "step", "stepName");
        break;
      case EventType.STEP_FINISHED:
        this.use(event, "step", "stepName", true);
        break;
      default:
        break;
    }
    return event as unknown as AGUIEvent;
  }

  /** The stream ended: it must have carried a terminal event. */
  end(): void {
    if (!this.ended) this.fail(this.started ? "the stream ended without RUN_FINISHED or RUN_ERROR" : "the stream ended without any event");
  }
}
