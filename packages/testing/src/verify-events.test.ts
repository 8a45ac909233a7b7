import { describe, expect, it } from "vitest";
import { EventType, type BaseEvent } from "@copilot-runtime/protocol";
import { EventOrderError, verifyEvents } from "./verify-events.js";

const e = (type: EventType, fields: Record<string, unknown> = {}) => ({ type, ...fields }) as BaseEvent;
const start = e(EventType.RUN_STARTED, { threadId: "t", runId: "r" });
const finish = e(EventType.RUN_FINISHED, { threadId: "t", runId: "r" });

describe("verifyEvents", () => {
  it("accepts a well-formed run with text, a tool call and its result", () => {
    expect(() =>
      verifyEvents([
        start,
        e(EventType.TEXT_MESSAGE_START, { messageId: "m", role: "assistant" }),
        e(EventType.TEXT_MESSAGE_CONTENT, { messageId: "m", delta: "hi" }),
        e(EventType.TEXT_MESSAGE_END, { messageId: "m" }),
        e(EventType.TOOL_CALL_START, { toolCallId: "c", toolCallName: "f", parentMessageId: "m" }),
        e(EventType.TOOL_CALL_ARGS, { toolCallId: "c", delta: "{}" }),
        e(EventType.TOOL_CALL_END, { toolCallId: "c" }),
        e(EventType.TOOL_CALL_RESULT, { toolCallId: "c", messageId: "res", content: "ok" }),
        finish,
      ]),
    ).not.toThrow();
  });

  it("accepts several runs one after the other, as a replay sends them", () => {
    expect(() => verifyEvents([start, finish, start, e(EventType.RUN_ERROR, { message: "stopped" }), start, finish])).not.toThrow();
  });

  it.each<[string, BaseEvent[], RegExp]>([
    ["first event not RUN_STARTED", [finish], /first event must be RUN_STARTED/],
    ["no terminal event", [start], /without RUN_FINISHED or RUN_ERROR/],
    ["empty stream", [], /no events/],
    ["event after RUN_FINISHED", [start, finish, e(EventType.RUN_ERROR, { message: "x" })], /nothing but a new RUN_STARTED may follow/],
    ["RUN_FINISHED after RUN_ERROR", [start, e(EventType.RUN_ERROR, { message: "x" }), finish], /nothing but a new RUN_STARTED may follow/],
    ["a second run left open", [start, finish, start], /ended without RUN_FINISHED/],
    ["open text at finish", [start, e(EventType.TEXT_MESSAGE_START, { messageId: "m" }), finish], /still open: m/],
    ["content without start", [start, e(EventType.TEXT_MESSAGE_CONTENT, { messageId: "m", delta: "x" })], /no open text/],
    ["tool call without parent", [start, e(EventType.TOOL_CALL_START, { toolCallId: "c", toolCallName: "f" })], /parentMessageId/],
    ["result without call", [start, e(EventType.TOOL_CALL_RESULT, { toolCallId: "c", messageId: "x", content: "" })], /not started/],
    ["null optional field", [start, e(EventType.TEXT_MESSAGE_START, { messageId: "m", role: null })], /"role" is null/],
    ["float timestamp", [e(EventType.RUN_STARTED, { threadId: "t", runId: "r", timestamp: 1.5 })], /integer/],
    ["two RUN_STARTED", [start, start], /twice/],
  ])("rejects %s", (_name, events, message) => {
    expect(() => verifyEvents(events)).toThrow(EventOrderError);
    expect(() => verifyEvents(events)).toThrow(message);
  });
});
