import { describe, expect, it } from "vitest";
import { EventType, type BaseEvent } from "@ag-ui/core";
import { encodeSSE, encodeSSEComment } from "./sse-encoder.js";

describe("encodeSSE", () => {
  it("writes one LF-terminated data line per event, optional fields absent", () => {
    const event = { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "m", delta: "a\nb\r\n\u2028", extra: undefined };
    const frame = encodeSSE(event as BaseEvent);
    expect(frame).toBe('data: {"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"a\\nb\\r\\n\u2028"}\n\n');
    expect(frame.slice(0, -2)).not.toMatch(/[\r\n]/);
  });

  it("writes a token's frame exactly as JSON.stringify would, whatever the shape, id or delta", () => {
    const plain = (event: object) => `data: ${JSON.stringify(event)}\n\n`;
    const deltas = ["", "a", 'q"uote\\', "line\nbreak\u2028", "\ud800 lone", "emoji 😀", "</script>"];
    const events: object[] = [];
    for (const id of ["m1", "m1", 'm"2', "m1"]) {
      for (const delta of deltas) {
        events.push({ type: EventType.TEXT_MESSAGE_CONTENT, messageId: id, delta });
        events.push({ type: EventType.TOOL_CALL_ARGS, toolCallId: id, delta });
        events.push({ type: EventType.REASONING_MESSAGE_CONTENT, messageId: id, delta });
      }
    }
    // shapes the constant prefix must not be used for
    events.push(
      { messageId: "m1", type: EventType.TEXT_MESSAGE_CONTENT, delta: "order" },
      { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "m1", delta: "t", timestamp: 1 },
      { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "m1" },
      { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 7, delta: "x" },
      { type: EventType.TOOL_CALL_ARGS, messageId: "m1", delta: "wrong id key" },
      Object.assign(Object.create({ inherited: true }), { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "m1", delta: "proto" }),
      { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "m1", delta: "json", toJSON: () => ({ replaced: true }) },
    );
    for (const event of events) expect(encodeSSE(event as BaseEvent)).toBe(plain(event));
  });

  it("writes comments on one line", () => {
    expect(encodeSSEComment("a\nb")).toBe(": a b\n\n");
  });
});
