import { describe, expect, it } from "vitest";
import { AgentError } from "@copilot-runtime/protocol";
import { AgentEventGuard } from "./agent-event-guard.js";

const start = { type: "RUN_STARTED", threadId: "t", runId: "r" };

function check(events: unknown[], end = false): AgentEventGuard {
  const guard = new AgentEventGuard("research");
  for (const event of events) guard.check(event);
  if (end) guard.end();
  return guard;
}

describe("AgentEventGuard", () => {
  it("accepts a valid run and a RUN_ERROR without RUN_STARTED", () => {
    const steps = [
      { type: "STEP_STARTED", stepName: "a" },
      { type: "STEP_FINISHED", stepName: "a" },
    ];
    expect(check([start, ...steps, { type: "RUN_FINISHED", threadId: "t", runId: "r" }], true).terminated).toBe(true);
    expect(check([{ type: "RUN_ERROR", message: "no" }], true).terminated).toBe(true);
  });

  it("drops unknown types and passes legacy THINKING_* through", () => {
    const guard = new AgentEventGuard("research");
    guard.check(start);
    expect(guard.check({ type: "MY_NEW_EVENT" })).toBeUndefined();
    expect(guard.check({ type: "THINKING_START" })).toEqual({ type: "THINKING_START" });
  });

  it.each<[string, unknown[], RegExp]>([
    ["not an object", [null], /not an object with a string type/],
    ["no type", [{}], /not an object with a string type/],
    ["content before RUN_STARTED", [{ type: "TEXT_MESSAGE_START", messageId: "m" }], /TEXT_MESSAGE_START before RUN_STARTED/],
    ["RUN_STARTED twice", [start, start], /RUN_STARTED sent twice/],
    ["RUN_STARTED without ids", [{ type: "RUN_STARTED" }], /RUN_STARTED without a threadId/],
    [
      "a message started twice",
      [start, { type: "TEXT_MESSAGE_START", messageId: "m" }, { type: "TEXT_MESSAGE_START", messageId: "m" }],
      /already open/,
    ],
    ["tool args without start", [start, { type: "TOOL_CALL_ARGS", toolCallId: "c", delta: "{" }], /tool call that was not started/],
    ["a tool call without a name", [start, { type: "TOOL_CALL_START", toolCallId: "c" }], /without a toolCallName/],
    ["reasoning end without start", [start, { type: "REASONING_MESSAGE_END", messageId: "x" }], /reasoning message that was not started/],
    ["a step finished that never started", [start, { type: "STEP_FINISHED", stepName: "s" }], /step that was not started/],
    ["RUN_FINISHED with an open step", [start, { type: "STEP_STARTED", stepName: "s" }, { type: "RUN_FINISHED" }], /a step is still open/],
    ["RUN_ERROR without a message", [start, { type: "RUN_ERROR" }], /RUN_ERROR without a message/],
    [
      "an event after the terminal one",
      [start, { type: "RUN_FINISHED" }, { type: "CUSTOM", name: "x" }],
      /CUSTOM after the run's terminal event/,
    ],
  ])("refuses %s", (_name, events, message) => {
    let error: unknown;
    try {
      check(events);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AgentError);
    expect(error).toMatchObject({ code: "agent_protocol_error", agentId: "research" });
    expect((error as Error).message).toMatch(message);
  });

  it("refuses a stream that ends without a terminal event, or without any event", () => {
    expect(() => check([start], true)).toThrow(/ended without RUN_FINISHED or RUN_ERROR/);
    expect(() => check([], true)).toThrow(/ended without any event/);
  });
});
