import { describe, expect, it } from "vitest";
import { EventType, type AGUIEvent } from "@copilot-runtime/protocol";
import { RunTranscript } from "./run-transcript.js";

function fold(events: AGUIEvent[]): RunTranscript {
  const transcript = new RunTranscript();
  for (const event of events) transcript.fold(event);
  return transcript;
}

describe("RunTranscript", () => {
  it("builds assistant messages from text and the tool calls parented to them, and tool messages from results", () => {
    const transcript = fold([
      { type: EventType.RUN_STARTED, threadId: "t", runId: "r" },
      { type: EventType.TEXT_MESSAGE_START, messageId: "a1", role: "assistant" },
      { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "a1", delta: "Let me " },
      { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "a1", delta: "check." },
      { type: EventType.TEXT_MESSAGE_END, messageId: "a1" },
      { type: EventType.TOOL_CALL_START, toolCallId: "c1", toolCallName: "lookup", parentMessageId: "a1" },
      { type: EventType.TOOL_CALL_ARGS, toolCallId: "c1", delta: '{"q":' },
      { type: EventType.TOOL_CALL_ARGS, toolCallId: "c1", delta: '"x"}' },
      { type: EventType.TOOL_CALL_END, toolCallId: "c1" },
      { type: EventType.TOOL_CALL_RESULT, messageId: "r1", toolCallId: "c1", content: "found" },
      { type: EventType.TOOL_CALL_START, toolCallId: "c2", toolCallName: "confirm" },
      { type: EventType.TOOL_CALL_END, toolCallId: "c2" },
    ]);
    expect(transcript.started).toBe(true);
    expect(transcript.outputMessages()).toEqual([
      {
        id: "a1",
        role: "assistant",
        content: "Let me check.",
        toolCalls: [{ id: "c1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }],
      },
      { id: "r1", role: "tool", toolCallId: "c1", content: "found" },
      { id: "c2", role: "assistant", toolCalls: [{ id: "c2", type: "function", function: { name: "confirm", arguments: "" } }] },
    ]);
    expect(transcript.pendingToolCallIds()).toEqual(["c2"]);
  });

  it("leaves out what a failure cut: text and tool calls that were never ended", () => {
    const transcript = fold([
      { type: EventType.TEXT_MESSAGE_START, messageId: "a1", role: "assistant" },
      { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "a1", delta: "partial" },
      { type: EventType.TOOL_CALL_START, toolCallId: "c1", toolCallName: "lookup", parentMessageId: "a2" },
      { type: EventType.TOOL_CALL_ARGS, toolCallId: "c1", delta: "{" },
    ]);
    expect(transcript.outputMessages()).toEqual([]);
    expect(transcript.pendingToolCallIds()).toEqual([]);
  });

  it("closes what is open, once, and the closed parts then count", () => {
    const transcript = fold([
      { type: EventType.REASONING_MESSAGE_START, messageId: "think", role: "reasoning" },
      { type: EventType.TEXT_MESSAGE_START, messageId: "a1", role: "assistant" },
      { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "a1", delta: "cut here" },
      { type: EventType.TOOL_CALL_START, toolCallId: "c1", toolCallName: "lookup", parentMessageId: "a1" },
    ]);
    expect(transcript.closeOpen()).toEqual([
      { type: EventType.REASONING_MESSAGE_END, messageId: "think" },
      { type: EventType.TEXT_MESSAGE_END, messageId: "a1" },
      { type: EventType.TOOL_CALL_END, toolCallId: "c1" },
    ]);
    expect(transcript.closeOpen()).toEqual([]);
    expect(transcript.outputMessages()).toEqual([
      {
        id: "a1",
        role: "assistant",
        content: "cut here",
        toolCalls: [{ id: "c1", type: "function", function: { name: "lookup", arguments: "" } }],
      },
    ]);
  });

  it("ignores user-role text, reasoning and state in the output", () => {
    const transcript = fold([
      { type: EventType.TEXT_MESSAGE_START, messageId: "u", role: "user" },
      { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "u", delta: "echo" },
      { type: EventType.TEXT_MESSAGE_END, messageId: "u" },
      { type: EventType.REASONING_MESSAGE_START, messageId: "think", role: "reasoning" },
      { type: EventType.REASONING_MESSAGE_CONTENT, messageId: "think", delta: "hmm" },
      { type: EventType.REASONING_MESSAGE_END, messageId: "think" },
      { type: EventType.STATE_SNAPSHOT, snapshot: { a: 1 } },
    ]);
    expect(transcript.outputMessages()).toEqual([]);
  });
  it("takes the messages of the latest MESSAGES_SNAPSHOT that are new (a LangGraph agent sends its answer only so)", () => {
    const user = { id: "u1", role: "user" as const, content: "Hi" };
    const transcript = fold([
      { type: EventType.RUN_STARTED, threadId: "t", runId: "r" },
      { type: EventType.TEXT_MESSAGE_START, messageId: "a0", role: "assistant" },
      { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "a0", delta: "Thinking" },
      { type: EventType.TEXT_MESSAGE_END, messageId: "a0" },
      { type: EventType.MESSAGES_SNAPSHOT, messages: [user, { id: "a1", role: "assistant", content: "draft" }] },
      {
        type: EventType.MESSAGES_SNAPSHOT,
        messages: [user, { id: "a0", role: "assistant", content: "Thinking" }, { id: "a2", role: "assistant", content: "Hello!" }],
      },
    ]);
    expect(transcript.outputMessages(new Set(["u1"]))).toEqual([
      { id: "a0", role: "assistant", content: "Thinking" },
      { id: "a2", role: "assistant", content: "Hello!" },
    ]);
  });
});
