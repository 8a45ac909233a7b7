import { EventType, type AGUIEvent, type AssistantMessage, type Message, type ToolCall } from "@copilot-runtime/protocol";

interface DraftCall {
  id: string;
  name: string;
  args: string;
  ended: boolean;
}

interface DraftAssistant {
  kind: "assistant";
  id: string;
  text: string;
  textOpen: boolean;
  textEnded: boolean;
  calls: DraftCall[];
}

type Entry = DraftAssistant | { kind: "message"; message: Message };

/**
 * What a run said, folded from its events whatever their source: the
 * messages it produced (for `onAfterRequest` and the run store), which
 * messages and tool calls are still open, and which tool calls await the client.
 * A text or tool call counts once it was ended; one cut by a failure does not.
 */
export class RunTranscript {
  private readonly entries: Entry[] = [];
  private readonly assistants = new Map<string, DraftAssistant>();
  private readonly calls = new Map<string, DraftCall>();
  private readonly answered = new Set<string>();
  private readonly openReasoning = new Set<string>();
  private last: DraftAssistant | undefined;
  /** The conversation an agent sent whole (`MESSAGES_SNAPSHOT`, e.g. LangGraph), the latest one. */
  private snapshot: Message[] | undefined;
  /** `RUN_STARTED` was seen. */
  started = false;

  fold(event: AGUIEvent): void {
    switch (event.type) {
      case EventType.TEXT_MESSAGE_CONTENT: {
        const draft = this.last?.id === event.messageId ? this.last : this.assistants.get(event.messageId);
        if (draft?.textOpen) draft.text += event.delta;
        break;
      }
      case EventType.TOOL_CALL_ARGS: {
        const call = this.calls.get(event.toolCallId);
        if (call !== undefined && !call.ended) call.args += event.delta;
        break;
      }
      case EventType.RUN_STARTED:
        this.started = true;
        break;
      case EventType.TEXT_MESSAGE_START:
        if (event.role === undefined || event.role === "assistant") {
          const draft = this.assistant(event.messageId);
          draft.textOpen = true;
        }
        break;
      case EventType.TEXT_MESSAGE_END: {
        const draft = this.assistants.get(event.messageId);
        if (draft?.textOpen) {
          draft.textOpen = false;
          draft.textEnded = true;
        }
        break;
      }
      case EventType.TOOL_CALL_START: {
        if (this.calls.has(event.toolCallId)) break;
        const call: DraftCall = { id: event.toolCallId, name: event.toolCallName, args: "", ended: false };
        this.calls.set(call.id, call);
        this.assistant(event.parentMessageId ?? event.toolCallId).calls.push(call);
        break;
      }
      case EventType.TOOL_CALL_END: {
        const call = this.calls.get(event.toolCallId);
        if (call !== undefined) call.ended = true;
        break;
      }
      case EventType.TOOL_CALL_RESULT: {
        this.answered.add(event.toolCallId);
        this.entries.push({
          kind: "message",
          message: { id: event.messageId, role: "tool", toolCallId: event.toolCallId, content: event.content },
        });
        break;
      }
      case EventType.MESSAGES_SNAPSHOT:
        this.snapshot = event.messages;
        break;
      case EventType.REASONING_MESSAGE_START:
        this.openReasoning.add(event.messageId);
        break;
      case EventType.REASONING_MESSAGE_END:
        this.openReasoning.delete(event.messageId);
        break;
      default:
        break;
    }
  }

  private assistant(id: string): DraftAssistant {
    let draft = this.assistants.get(id);
    if (draft === undefined) {
      draft = { kind: "assistant", id, text: "", textOpen: false, textEnded: false, calls: [] };
      this.assistants.set(id, draft);
      this.entries.push(draft);
    }
    this.last = draft;
    return draft;
  }

  /** The events that close every message and tool call still open (before a `RUN_FINISHED`). */
  closeOpen(): AGUIEvent[] {
    const events: AGUIEvent[] = [];
    for (const messageId of this.openReasoning) events.push({ type: EventType.REASONING_MESSAGE_END, messageId });
    this.openReasoning.clear();
    for (const draft of this.assistants.values()) {
      if (draft.textOpen) {
        events.push({ type: EventType.TEXT_MESSAGE_END, messageId: draft.id });
        draft.textOpen = false;
        draft.textEnded = true;
      }
      for (const call of draft.calls) {
        if (call.ended) continue;
        events.push({ type: EventType.TOOL_CALL_END, toolCallId: call.id });
        call.ended = true;
      }
    }
    return events;
  }

  /** Tool calls that were ended but got no result in this run: the client's to execute. */
  pendingToolCallIds(): string[] {
    const ids: string[] = [];
    for (const call of this.calls.values()) if (call.ended && !this.answered.has(call.id)) ids.push(call.id);
    return ids;
  }

  /**
   * The messages the run produced, in order: assistant messages (text, tool calls) and tool results, then
   * those of the latest `MESSAGES_SNAPSHOT` that are neither in the input (`inputIds`) nor streamed already.
   */
  outputMessages(inputIds: ReadonlySet<string> = new Set()): Message[] {
    const messages = this.streamedMessages();
    if (this.snapshot === undefined) return messages;
    const seen = new Set([...inputIds, ...messages.map((message) => message.id)]);
    for (const message of this.snapshot) if (!seen.has(message.id) && message.role !== "activity") messages.push(message);
    return messages;
  }

  private streamedMessages(): Message[] {
    const messages: Message[] = [];
    for (const entry of this.entries) {
      if (entry.kind === "message") {
        messages.push(entry.message);
        continue;
      }
      const toolCalls: ToolCall[] = entry.calls
        .filter((call) => call.ended)
        .map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.args } }));
      const hasText = entry.textEnded && entry.text !== "";
      if (!hasText && toolCalls.length === 0) continue;
      const message: AssistantMessage = { id: entry.id, role: "assistant" };
      if (hasText) message.content = entry.text;
      if (toolCalls.length > 0) message.toolCalls = toolCalls;
      messages.push(message);
    }
    return messages;
  }
}
